"""Deleting (forget), sweeping files a crash left behind, and consistent snapshots for export.

Deletion removes the rows first (one transaction, secure_delete zeroes the freed pages, a WAL
checkpoint flushes the old pages out of the log), then the audio files. A crash in between leaves
only unreferenced files, which `sweep_orphans` removes later; never a row without its audio.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from voice_coach.store.errors import (
    StoreError,
    describe_os_error,
    describe_sqlite_error,
)

if TYPE_CHECKING:
    from voice_coach.store.store import Store

ORPHAN_AGE_S = 3600.0
"""Files younger than this may belong to an answer another process is saving right now."""


def _checkpoint(store: Store) -> None:
    try:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error:
        pass  # a busy reader only delays it; the pages are already zeroed in the database


def _remove_tree(folder: Path) -> None:
    try:
        shutil.rmtree(folder)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise StoreError(f"the sessions were forgotten, but {folder} could not be removed: {describe_os_error(exc)}")


def delete_sessions(store: Store, session_ids: Iterable[str]) -> int:
    """Forget these sessions with their audio; returns how many answers went."""
    store._require_writable()
    ids = list(dict.fromkeys(session_ids))
    if not ids:
        return 0
    marks = ", ".join("?" * len(ids))
    answers = store.conn.execute(f"SELECT count(*) FROM answers WHERE session_id IN ({marks})", ids).fetchone()[0]
    store._write([(f"DELETE FROM sessions WHERE id IN ({marks})", tuple(ids))], "forget the sessions")
    _checkpoint(store)
    for session_id in ids:
        _remove_tree(store.audio_root / session_id)
    return int(answers)


def delete_all(store: Store) -> tuple[int, int]:
    """Forget every session and every audio file; returns (sessions, answers) removed."""
    store._require_writable()
    sessions, answers = store.totals()
    store._write([("DELETE FROM sessions", ())], "forget all sessions")
    _checkpoint(store)
    _remove_tree(store.audio_root)
    return sessions, answers


def audio_bytes(store: Store) -> int:
    """Disk space the audio files take."""
    total = 0
    if store.audio_root.is_dir():
        for path in store.audio_root.rglob("*"):
            try:
                if path.is_file():
                    total += path.stat().st_size
            except OSError:
                pass
    return total


def sweep_orphans(store: Store, min_age_s: float = ORPHAN_AGE_S) -> int:
    """Remove audio files no answer points at (left by a crash), once they are old enough; returns the count.

    Only folders that can hold orphans are opened: those of unfinished sessions (the writer died) and
    those whose session is gone (forget died before removing them). That keeps it cheap with 10,000 answers.
    """
    root = store.audio_root
    if not store.writable or not root.is_dir():
        return 0
    try:
        finished = {r[0] for r in store.conn.execute("SELECT id FROM sessions WHERE complete IS NOT NULL")}
        known = {r[0] for r in store.conn.execute("SELECT id FROM sessions")}
    except sqlite3.Error:
        return 0
    cutoff = time.time() - min_age_s
    removed = 0
    try:
        for folder in root.iterdir():
            if folder.name in finished or not folder.is_dir():
                continue
            referenced = {r[0] for r in store.conn.execute(
                "SELECT audio_path FROM answers WHERE session_id = ?", (folder.name,))}  # fmt: skip
            for path in folder.iterdir():
                rel = path.relative_to(store.home).as_posix()
                if rel not in referenced and path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            if folder.name not in known and not any(folder.iterdir()):
                folder.rmdir()  # no session row: no writer can be using it (rows come before folders)
    except (OSError, sqlite3.Error):
        pass  # sweeping is a courtesy; never fail a session over it
    return removed


def backup_to(store: Store, dest: Path) -> None:
    """A consistent copy of the database at `dest`, even while another process writes."""
    try:
        target = sqlite3.connect(dest)
        try:
            store.conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            target.close()
    except sqlite3.Error as exc:
        raise StoreError(f"cannot copy the database to {dest}: {describe_sqlite_error(exc)}") from exc
