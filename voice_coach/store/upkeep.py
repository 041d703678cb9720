"""Deleting (forget), keeping files a crash left behind, and consistent snapshots for export.

Deletion first renames each session's audio folder to `.forget-ID` (the mark that the user asked
for it to go), then removes the rows (one transaction, secure_delete zeroes the freed pages, a WAL
checkpoint flushes the old pages out of the log), then the marked folders. A crash anywhere leaves
either the rows and a marked folder (the sweep puts it back) or a marked folder without rows (the
sweep finishes the deletion); never a row without its audio.

The sweep deletes nothing the database does not prove it knows. A folder whose session has no row
may be a recording the database lost (a 0-byte or restored database file): it is moved, whole, into
audio/orphans-DATE/ and the user is told, never deleted.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from voice_coach.core.words import plural  # noqa: F401 (the commands import it from here)
from voice_coach.store.errors import (
    StoreError,
    describe_os_error,
    describe_sqlite_error,
)
from voice_coach.store.paths import (
    AUDIO_NAME,
    ORPHANS_PREFIX,
    audio_folder,
    is_session_id,
    make_private_dir,
)

if TYPE_CHECKING:
    from voice_coach.store.store import Store

ORPHAN_AGE_S = 3600.0
"""Files younger than this may belong to an answer another process is saving right now."""

FORGET_MARK = ".forget-"
"""Prefix of an audio folder that forget is deleting."""


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


def _mark_for_deletion(folders: list[Path]) -> list[tuple[Path, Path]]:
    """Rename each existing folder to its .forget- name; returns (original, marked) pairs."""
    marked: list[tuple[Path, Path]] = []
    try:
        for folder in folders:
            target = folder.with_name(FORGET_MARK + folder.name)
            try:
                os.rename(folder, target)
            except FileNotFoundError:
                continue
            marked.append((folder, target))
    except OSError as exc:
        _unmark(marked)
        raise StoreError(f"cannot forget: {folder} cannot be moved ({describe_os_error(exc)}); nothing was deleted")
    return marked


def _unmark(marked: list[tuple[Path, Path]]) -> None:
    for original, target in marked:
        try:
            os.rename(target, original)
        except OSError:
            pass  # the sweep puts a marked folder back while its session has rows


def _delete(store: Store, statements: list[tuple[str, tuple]], folders: list[Path], what: str) -> None:
    marked = _mark_for_deletion(folders)
    try:
        store._write(statements, what)
    except BaseException:
        _unmark(marked)
        raise
    _checkpoint(store)
    for _, target in marked:
        _remove_tree(target)


def count_answers(store: Store, session_ids: list[str]) -> int:
    """Answers (follow-ups included) of these sessions."""
    marks = ", ".join("?" * len(session_ids))
    sql = f"SELECT count(*) FROM answers WHERE session_id IN ({marks})"
    try:
        return int(store.conn.execute(sql, session_ids).fetchone()[0])
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read {store.db_path}: {describe_sqlite_error(exc)}") from exc


def delete_sessions(store: Store, session_ids: Iterable[str]) -> int:
    """Forget these sessions with their audio; returns how many answers went.

    Every id is checked before anything is touched: an id that is not one this program makes (a
    crafted row `../../x`) is refused, so no folder outside the store is ever removed.
    """
    store._require_writable()
    ids = list(dict.fromkeys(session_ids))
    if not ids:
        return 0
    folders = [audio_folder(store.home, session_id) for session_id in ids]
    marks = ", ".join("?" * len(ids))
    answers = count_answers(store, ids)
    _delete(store, [(f"DELETE FROM sessions WHERE id IN ({marks})", tuple(ids))], folders, "forget the sessions")
    return int(answers)


def delete_all(store: Store) -> tuple[int, int]:
    """Forget every session and every audio file (recordings kept aside included); returns (sessions, answers) removed."""
    store._require_writable()
    sessions, answers = store.totals()
    root = store.audio_root
    folders = sorted(p for p in root.iterdir() if p.is_dir() and is_session_id(p.name)) if root.is_dir() else []
    _delete(store, [("DELETE FROM sessions", ())], folders, "forget all sessions")
    _remove_tree(root)
    return sessions, answers


def recordings_on_disk(store: Store) -> int:
    """Answer files under audio/ (kept-aside orphans included, folders being forgotten not)."""
    root = store.audio_root
    if not root.is_dir():
        return 0
    return sum(1 for folder in root.iterdir() if folder.is_dir() and not folder.name.startswith(FORGET_MARK)
               for path in folder.rglob("*.flac") if path.is_file())  # fmt: skip


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


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def _row_exists(store: Store, session_id: str) -> bool:
    return store.conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is not None


def _keep_aside(store: Store, folders: list[Path], database_empty: bool) -> None:
    """Move folders the database does not know into audio/orphans-DATE/ and tell the user where."""
    root = store.audio_root
    stamp = time.strftime("%Y%m%d-%H%M%S")
    dest, n = root / f"{ORPHANS_PREFIX}{stamp}", 1
    while dest.exists():
        n += 1
        dest = root / f"{ORPHANS_PREFIX}{stamp}-{n}"
    make_private_dir(dest)
    recordings = 0
    for folder in folders:
        count = len(_files(folder))
        os.rename(folder, dest / folder.name)
        recordings += count
    what = plural(recordings, "recording")
    if database_empty:
        line = f"the database is empty but {what} exist: kept them in {dest}"
    else:
        line = f"{what} the database does not know {'was' if recordings == 1 else 'were'} kept in {dest}"
    store.notices.append(line)


def sweep_orphans(store: Store, min_age_s: float = ORPHAN_AGE_S) -> int:
    """Remove audio a crash left behind that the database proves it knows; returns how many files went.

    - A folder of an unfinished session (the writer died): its old files that no answer points at
      were written just before a commit that never happened; they go.
    - A folder marked `.forget-ID` (forget died): deleted when its session has no rows, put back
      when the rows are still there.
    - A folder whose session has no row proves nothing (the database may have been emptied): it
      is moved into audio/orphans-DATE/ and `store.notices` says so. Nothing else is opened, so
      this stays cheap with 10,000 answers, and orphans- folders are never touched again.
    """
    root = store.audio_root
    if not store.writable or not root.is_dir():
        return 0
    try:
        states = {r[0]: r[1] for r in store.conn.execute("SELECT id, complete FROM sessions")}
    except sqlite3.Error:
        return 0  # a database that cannot be read licenses nothing
    cutoff = time.time() - min_age_s
    removed = 0
    unknown: list[Path] = []
    try:
        for folder in sorted(root.iterdir()):
            name = folder.name
            if not folder.is_dir() or folder.is_symlink():
                continue
            if name.startswith(FORGET_MARK) and is_session_id(name[len(FORGET_MARK):]):
                original = folder.with_name(name[len(FORGET_MARK):])
                if not _row_exists(store, original.name):
                    removed += len(_files(folder))
                    shutil.rmtree(folder)
                elif folder.lstat().st_ctime < cutoff and not original.exists():
                    os.rename(folder, original)  # the rows were never deleted: the forget did not happen
                continue
            if not is_session_id(name):
                continue  # orphans-..., or anything else: not ours to judge
            if name not in states:
                if not _row_exists(store, name):  # asked again: a writer commits its row before its folder
                    if any(folder.iterdir()):
                        unknown.append(folder)
                    else:
                        folder.rmdir()  # nothing in it to lose
                continue
            if states[name] is not None:
                continue  # finished: every file was referenced when it finished
            referenced = {r[0] for r in store.conn.execute(
                "SELECT audio_path FROM answers WHERE session_id = ?", (name,))}  # fmt: skip
            for path in folder.iterdir():
                ours = AUDIO_NAME.fullmatch(path.name.removesuffix(".tmp"))
                rel = path.relative_to(store.home).as_posix()
                if ours and rel not in referenced and path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        if unknown:
            no_answers = store.conn.execute("SELECT NOT EXISTS (SELECT 1 FROM answers)").fetchone()[0]
            _keep_aside(store, unknown, database_empty=bool(no_answers))
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
