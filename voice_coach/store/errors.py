"""The store's one error type: the CLI prints its message as one line and exits non-zero."""

from __future__ import annotations

import errno
import sqlite3

from voice_coach.core.errors import VoiceCoachError


class StoreError(VoiceCoachError):
    """The store cannot be read or written: unknown session, damaged file, newer schema, full or read-only disk."""


def describe_os_error(exc: OSError) -> str:
    """A short reason for a failed file operation, in words a user knows."""
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EFBIG:
        return "the file is too large for this disk"
    return exc.strerror or str(exc)


def describe_sqlite_error(exc: sqlite3.Error) -> str:
    """A short reason for a failed database operation."""
    text = str(exc)
    low = text.lower()
    if "disk is full" in low or "database or disk is full" in low:
        return "the disk is full"
    if "readonly" in low or "read-only" in low:
        return "the disk is read-only"
    if "malformed" in low or "not a database" in low:
        return "the database file is damaged"
    if "locked" in low or "busy" in low:
        return "the database is busy (another voice-coach is writing); try again"
    if "unable to open" in low:
        return "the database file cannot be opened"
    return text
