"""The Store: one SQLite database (WAL) plus one FLAC file per answer, in a private data directory.

Writing order is what makes `kill -9` harmless: the audio file is written and fsynced first, then
the answer's rows go in one transaction that is committed at once (synchronous=FULL). A crash
between the two leaves only an unreferenced file, which a later session sweeps away.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voice_coach.store import db
from voice_coach.store.audio_files import read_answer_audio, write_answer_audio
from voice_coach.store.errors import (
    StoreError,
    describe_os_error,
    describe_sqlite_error,
)
from voice_coach.store.paths import (
    AUDIO_DIR,
    DB_NAME,
    answer_audio_path,
    audio_folder,
    is_read_only_fs,
    make_private_dir,
    resolve_home,
)
from voice_coach.store.queries import ANSWER_SQL, SUMMARY_SQL, answer_record, readable_answers, summary_of
from voice_coach.store.records import (
    METRIC_COLUMNS,
    AnswerRecord,
    SessionSummary,
    metrics_from_analysis,
    plain,
    to_json,
)

if TYPE_CHECKING:
    import numpy as np

    from voice_coach.analysis.answer import AnswerAnalysis

DAMAGED_HINT = "`voice-coach export` saves everything that can still be read"


def _damaged(exc: sqlite3.Error) -> bool:
    return describe_sqlite_error(exc) == "the database file is damaged"


def _reading(method: Any) -> Any:
    """A read of the store whose SQLite failure (a damaged page, a busy or vanished file) is one StoreError line."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            hint = f"; {DAMAGED_HINT}" if _damaged(exc) else ""
            raise StoreError(f"cannot read {self.db_path}: {describe_sqlite_error(exc)}{hint}") from exc

    return wrapper


def _folders_of(home: Path, session_id: str) -> tuple[Path, Path]:
    from voice_coach.store.upkeep import FORGET_MARK

    folder = audio_folder(home, session_id)
    return folder, folder.with_name(FORGET_MARK + folder.name)


def _can_write(root: Path, path: Path) -> bool:
    """Whether this user may change the store: the folder (SQLite makes -wal and -shm there) and the files."""
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return os.access(root, os.W_OK | os.X_OK) and all(os.access(f, os.W_OK) for f in files if f.exists())


class Store:
    """Saved sessions. Open with `Store.open(home)`; readers pass `readonly=True`."""

    def __init__(self, home: Path, conn: sqlite3.Connection, *, writable: bool) -> None:
        self.home = home
        self.conn = conn
        self.writable = writable
        self._settings_cache: dict[str, Mapping[str, Any]] = {}
        self.notices: list[str] = []
        """One-line messages for the user about what the store did on its own (recordings kept aside)."""

    # ---- opening -------------------------------------------------------------------------------
    @classmethod
    def open(cls, home: Path | None = None, *, readonly: bool = False) -> Store:
        """Open (creating if needed) the store in `home`, else $VOICE_COACH_HOME, else the user data dir.

        `readonly=True` never creates anything: a missing store reads as empty, and a store this
        user cannot write (a read-only disk, a folder without write permission) is opened
        read-only, changing nothing on disk.
        """
        root = resolve_home(home)
        path = root / DB_NAME
        if readonly and not path.exists():
            conn = db.connect(":memory:")
            db.migrate(conn, where="(empty)")
            return cls(root, conn, writable=False)
        if is_read_only_fs(root):
            if not readonly:
                raise StoreError(f"cannot save to {root}: the disk is read-only")
            return cls._open_read_only(root, path)
        if root.exists() and not _can_write(root, path):
            if not readonly:
                raise StoreError(f"cannot save to {root}: the folder is read-only (permission denied)")
            return cls._open_read_only(root, path)
        try:
            make_private_dir(root)
        except OSError as exc:
            raise StoreError(f"cannot create the data directory {root}: {describe_os_error(exc)}") from exc
        conn = db.connect(path)
        try:
            db.migrate(conn, where=str(path))
        except StoreError:
            conn.close()
            raise
        return cls(root, conn, writable=not readonly)

    @classmethod
    def _open_read_only(cls, root: Path, path: Path) -> Store:
        conn = db.connect_read_only(path)
        try:
            version = db.schema_version(conn)
            if version > db.SCHEMA_VERSION:
                db.migrate(conn, where=str(path))  # raises the "newer program" error
            if version != db.SCHEMA_VERSION:
                raise StoreError(f"the store {path} needs an upgrade, but it cannot be written here (read-only)")
        except BaseException:
            conn.close()
            raise
        return cls(root, conn, writable=False)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def db_path(self) -> Path:
        return self.home / DB_NAME

    @property
    def audio_root(self) -> Path:
        return self.home / AUDIO_DIR

    # ---- writing -------------------------------------------------------------------------------
    def _require_writable(self) -> None:
        if not self.writable:
            raise StoreError(f"the store {self.home} was opened read-only")

    def _write(self, statements: list[tuple[str, tuple[Any, ...]]], what: str) -> list[int]:
        """Run statements in one IMMEDIATE transaction; return their lastrowids."""
        ids = []
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            for sql, params in statements:
                ids.append(self.conn.execute(sql, params).lastrowid or 0)
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise StoreError(f"cannot {what} in {self.db_path}: {describe_sqlite_error(exc)}") from exc
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        return ids

    def start_session(self, *, kind: str = "practice", bank: str | None, model: str, settings: dict) -> str:
        """Record a new session and return its id: the local start time, e.g. "2026-11-23-1142"."""
        self._require_writable()
        now = time.time()
        base = time.strftime("%Y-%m-%d-%H%M", time.localtime(now))
        settings_json = to_json(settings)
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            taken = {r[0] for r in self.conn.execute("SELECT id FROM sessions WHERE id LIKE ?", (base + "%",))}
            session_id, n = base, 1
            # a folder the database does not know (an emptied database) or one being forgotten is taken too
            while session_id in taken or any(p.exists() for p in _folders_of(self.home, session_id)):
                n += 1
                session_id = f"{base}-{n}"
            self.conn.execute(
                "INSERT INTO sessions (id, started_ts, kind, bank, model, settings_json) VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, now, kind, bank, model, settings_json),
            )
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise StoreError(f"cannot start a session in {self.db_path}: {describe_sqlite_error(exc)}") from exc
        self._settings_cache[session_id] = plain(settings)
        from voice_coach.store.upkeep import sweep_orphans

        sweep_orphans(self)  # a recording the database does not know is kept aside, with a line in self.notices
        return session_id

    @_reading
    def session_settings(self, session_id: str) -> Mapping[str, Any]:
        """The settings the session was recorded with (as saved by start_session)."""
        if session_id not in self._settings_cache:
            row = self.conn.execute("SELECT settings_json FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                raise StoreError(f"no session {session_id!r} in {self.db_path}")
            import json

            self._settings_cache[session_id] = json.loads(row[0])
        return self._settings_cache[session_id]

    def update_session_settings(self, session_id: str, updates: Mapping[str, Any]) -> None:
        """Merge `updates` into the session's saved settings (import records there which files it took)."""
        self._require_writable()
        merged = {**self.session_settings(session_id), **plain(dict(updates))}
        self._write([("UPDATE sessions SET settings_json = ? WHERE id = ?", (to_json(merged), session_id))],
                    "record the session's settings")  # fmt: skip
        self._settings_cache[session_id] = merged

    def save_answer(
        self,
        session_id: str,
        *,
        question: dict,
        audio: np.ndarray,
        sample_rate: int,
        analysis: AnswerAnalysis,
        feedback: str,
        is_followup: bool = False,
        parent_answer: int | None = None,
    ) -> int:
        """Keep one analyzed answer for good; returns its number within the session (1, 2, ...).

        The audio file is durable before the transaction starts; the transaction is committed before returning.
        """
        self._require_writable()
        settings = self.session_settings(session_id)
        folder = audio_folder(self.home, session_id)
        number = self.conn.execute(
            "SELECT coalesce(max(number), 0) + 1 FROM answers WHERE session_id = ?", (session_id,)
        ).fetchone()[0]
        written = write_answer_audio(folder, f"{number:03d}.flac", audio, sample_rate)
        star_default = bool(settings.get("expect_star", True))
        star_expected = bool(question.get("star", star_default))
        metrics = metrics_from_analysis(analysis, star_expected)
        category = question.get("category")
        answer_cols = (
            "session_id", "number", "created_ts", "question_id", "question_text", "category", "question_kind",
            "star_expected", "is_followup", "parent_number", "audio_path", "audio_sha256", "audio_frames",
            "sample_rate", "model", *METRIC_COLUMNS,
        )  # fmt: skip
        values = (
            session_id, number, time.time(), None if question.get("id") is None else str(question.get("id")),
            str(question.get("text") or ""), None if category is None else str(category), question.get("kind"),
            int(star_expected), int(bool(is_followup)), parent_answer,
            written.path.relative_to(self.home).as_posix(), written.sha256, written.frames, int(sample_rate),
            analysis.model or None, *(metrics[c] for c in METRIC_COLUMNS),
        )  # fmt: skip
        marks = ", ".join("?" * len(answer_cols))
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            answer_id = self.conn.execute(
                f"INSERT INTO answers ({', '.join(answer_cols)}) VALUES ({marks})", values
            ).lastrowid
            self.conn.execute(
                "INSERT INTO answer_details (answer_id, question_json, analysis_json, feedback) VALUES (?, ?, ?, ?)",
                (answer_id, to_json(question), to_json(analysis.to_dict()), str(feedback or "")),
            )
            self.conn.execute("COMMIT")
        except (sqlite3.Error, TypeError, ValueError) as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            written.path.unlink(missing_ok=True)
            reason = describe_sqlite_error(exc) if isinstance(exc, sqlite3.Error) else str(exc)
            if isinstance(exc, sqlite3.IntegrityError) and "FOREIGN KEY" in str(exc):
                reason = f"there is no session {session_id!r}"
            raise StoreError(f"cannot save the answer in {self.db_path}: {reason}") from exc
        except BaseException:  # Ctrl-C mid-save: leave the connection usable and no stray file
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            kept = self.conn.execute(
                "SELECT 1 FROM answers WHERE session_id = ? AND number = ?", (session_id, number)
            ).fetchone()
            if not kept:
                written.path.unlink(missing_ok=True)
            raise
        return int(number)

    def finish_session(self, session_id: str, *, complete: bool) -> None:
        """Mark the session finished; a session with no answers is dropped (there is nothing to review)."""
        self._require_writable()
        has_answers = self.conn.execute("SELECT 1 FROM answers WHERE session_id = ? LIMIT 1", (session_id,)).fetchone()
        if has_answers:
            self._write(
                [("UPDATE sessions SET finished_ts = ?, complete = ? WHERE id = ?", (time.time(), int(complete), session_id))],
                "finish the session",
            )
        else:
            self._write([("DELETE FROM sessions WHERE id = ?", (session_id,))], "drop the empty session")
            folder = audio_folder(self.home, session_id)
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()

    # ---- reading -------------------------------------------------------------------------------
    @_reading
    def sessions(
        self, *, since: float | None = None, until: float | None = None, category: str | None = None
    ) -> list[SessionSummary]:
        """Sessions with at least one answer, newest first; with `category`, only that category's answers count."""
        where: list[str] = []
        params: list[Any] = []
        if since is not None:
            where.append("s.started_ts >= ?")
            params.append(since)
        if until is not None:
            where.append("s.started_ts < ?")
            params.append(until)
        if category:
            where.append("a.category = ? COLLATE NOCASE")
            params.append(category)
        sql = SUMMARY_SQL + (" WHERE " + " AND ".join(where) if where else "")
        sql += " GROUP BY s.id ORDER BY s.started_ts DESC, s.id DESC"
        return [summary_of(r) for r in self.conn.execute(sql, params)]

    @_reading
    def categories(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT category FROM answers WHERE category IS NOT NULL")]

    @_reading
    def resolve_session(self, ref: str) -> str:
        """A session id from what the user typed: the id, a unique start of it, or "last"."""
        ref = ref.strip()
        if ref.lower() in ("last", "latest"):
            row = self.conn.execute(
                "SELECT s.id FROM sessions s WHERE EXISTS (SELECT 1 FROM answers a WHERE a.session_id = s.id) "
                "ORDER BY s.started_ts DESC, s.id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                raise StoreError(f"there are no saved sessions in {self.home}")
            return str(row[0])
        if self.conn.execute("SELECT 1 FROM sessions WHERE id = ?", (ref,)).fetchone():
            return ref
        pattern = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = [r[0] for r in self.conn.execute(
            "SELECT id FROM sessions WHERE id LIKE ? ESCAPE '\\' ORDER BY started_ts", (pattern,))]  # fmt: skip
        if len(rows) == 1 and ref:
            return str(rows[0])
        if len(rows) > 1 and ref:
            shown = ", ".join(rows[:4]) + (", ..." if len(rows) > 4 else "")
            raise StoreError(f"{ref!r} matches {len(rows)} sessions ({shown}); type more of the id")
        raise StoreError(f"no session {ref!r} in {self.home}; `voice-coach history` lists them")

    @_reading
    def summary(self, session_id: str) -> SessionSummary:
        rows = [summary_of(r) for r in self.conn.execute(SUMMARY_SQL + " WHERE s.id = ? GROUP BY s.id", (session_id,))]
        if not rows:
            raise StoreError(f"session {session_id} has no saved answers")
        return rows[0]

    @_reading
    def answers(
        self, session_id: str, number: int | None = None, *, damaged: list[str] | None = None
    ) -> list[AnswerRecord]:
        """The session's answers in order (or just answer `number`), with their full analysis.

        A damaged answer (an unreadable database page, broken JSON, a path that is not the store's)
        is a StoreError; with a `damaged` list it is described there and left out instead, so
        export can save everything else.
        """
        if damaged is not None:
            return readable_answers(self.conn, self.home, session_id, damaged)
        sql = ANSWER_SQL
        params: list[Any] = [session_id]
        if number is not None:
            sql += " AND a.number = ?"
            params.append(number)
        rows = self.conn.execute(sql + " ORDER BY a.number", params).fetchall()
        if number is not None and not rows:
            count = self.conn.execute("SELECT count(*) FROM answers WHERE session_id = ?", (session_id,)).fetchone()[0]
            raise StoreError(f"session {session_id} has no answer {number} (it has {count})")
        return [answer_record(self.home, session_id, r) for r in rows]

    def read_audio(self, answer: AnswerRecord) -> tuple[np.ndarray, int]:
        """The answer's samples (float32) and rate; StoreError if the file is missing or damaged."""
        what = f"answer {answer.number} of session {answer.session_id}"
        return read_answer_audio(answer.audio_path, answer.audio_sha256, answer.audio_frames, what)

    @_reading
    def totals(self) -> tuple[int, int]:
        """(sessions, answers) in the store."""
        row = self.conn.execute("SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM answers)").fetchone()
        return int(row[0]), int(row[1])
