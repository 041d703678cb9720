"""Schema, migrations and the connection settings that make every commit survive `kill -9`.

The schema version lives in `PRAGMA user_version`. MIGRATIONS[i] takes a database from version i
to i + 1 inside one transaction, so a crash mid-upgrade leaves the old version intact.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from voice_coach.store.errors import (
    StoreError,
    describe_os_error,
    describe_sqlite_error,
)

V1 = """
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    started_ts REAL NOT NULL,
    finished_ts REAL,
    complete INTEGER,
    kind TEXT NOT NULL,
    bank TEXT,
    model TEXT NOT NULL,
    settings_json TEXT NOT NULL
);
CREATE INDEX sessions_started ON sessions(started_ts);
CREATE TABLE answers (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    created_ts REAL NOT NULL,
    question_id TEXT,
    question_text TEXT NOT NULL,
    category TEXT,
    question_kind TEXT,
    star_expected INTEGER NOT NULL,
    is_followup INTEGER NOT NULL,
    parent_number INTEGER,
    audio_path TEXT NOT NULL,
    audio_sha256 TEXT NOT NULL,
    audio_frames INTEGER NOT NULL,
    sample_rate INTEGER NOT NULL,
    duration_s REAL,
    wpm REAL,
    articulation_wpm REAL,
    filler_count INTEGER,
    fillers_per_min REAL,
    pause_count INTEGER,
    dead_air_count INTEGER,
    longest_pause_s REAL,
    response_latency_s REAL,
    silence_share REAL,
    star_complete REAL,
    no_speech INTEGER NOT NULL,
    model TEXT,
    UNIQUE (session_id, number)
);
CREATE INDEX answers_created ON answers(created_ts);
CREATE INDEX answers_category ON answers(category, session_id);
CREATE TABLE answer_details (
    answer_id INTEGER PRIMARY KEY REFERENCES answers(id) ON DELETE CASCADE,
    question_json TEXT NOT NULL,
    analysis_json TEXT NOT NULL,
    feedback TEXT NOT NULL
)
"""
"""Version 1. Large JSON sits in `answer_details` so the metric rows that history scans stay small."""

V2 = """
ALTER TABLE answers ADD COLUMN speaking_s REAL;
ALTER TABLE answers ADD COLUMN word_count INTEGER;
UPDATE answers SET
    speaking_s = (SELECT json_extract(d.analysis_json, '$.length.speaking_s') FROM answer_details d WHERE d.answer_id = answers.id),
    word_count = (SELECT json_extract(d.analysis_json, '$.pace.word_count') FROM answer_details d WHERE d.answer_id = answers.id)
"""
"""Version 2: the additive totals (speaking time, words) that session figures are computed from."""

V3 = """
ALTER TABLE answers ADD COLUMN points INTEGER;
ALTER TABLE answers ADD COLUMN points_covered INTEGER;
UPDATE answers SET
    points = (SELECT coalesce(json_array_length(d.analysis_json, '$.content.talking_points'), 0) FROM answer_details d WHERE d.answer_id = answers.id),
    points_covered = (SELECT count(*) FROM answer_details d, json_each(d.analysis_json, '$.content.talking_points') p WHERE d.answer_id = answers.id AND json_extract(p.value, '$.covered'))
"""
"""Version 3: talking points judged and covered per answer (issue 14), for coverage over sessions."""

MIGRATIONS: tuple[str, ...] = (V1, V2, V3)
SCHEMA_VERSION = len(MIGRATIONS)


def _uri(path: Path | str, query: str) -> str:
    from urllib.parse import quote

    return f"file:{quote(str(Path(path).absolute()))}?{query}"


def connect(path: Path | str, *, immutable: bool = False) -> sqlite3.Connection:
    """Open the database in autocommit mode (transactions are explicit) with WAL and full fsync.

    `immutable` is for a read-only disk, where WAL's shared-memory file cannot be created.
    """
    if immutable:
        return connect_read_only(path, immutable=True)
    if str(path) != ":memory:" and not os.path.exists(path):
        # Create the file ourselves so it is 0600 from the start; SQLite gives -wal and -shm the same mode.
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:  # another process created it meanwhile
            pass
        except OSError as exc:
            raise StoreError(f"cannot create the store {path}: {describe_os_error(exc)}") from exc
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=10.0)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the store {path}: {describe_sqlite_error(exc)}") from exc
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"cannot open the store {path}: {describe_sqlite_error(exc)}") from exc
    return conn


def connect_read_only(path: Path | str, *, immutable: bool = False) -> sqlite3.Connection:
    """Open the database for reading only, creating and changing nothing (a read-only disk, a chmod 500 folder).

    `mode=ro` reads a WAL database whose -wal and -shm files exist (a writer is running, or one
    died), the newest commits included. Without them SQLite would have to create -shm, which a
    read-only folder forbids; then the file alone holds every commit (the last connection folded
    the log in and removed it) and is opened immutable. A log that is left but cannot be read
    through -shm is refused: opening immutable would silently hide its answers.
    """
    wal = Path(f"{path}-wal")
    first: sqlite3.Error | None = None
    for query in (() if immutable else ("mode=ro",)) + ("immutable=1",):
        if query == "immutable=1" and first is not None and wal.exists() and wal.stat().st_size > 0:
            raise StoreError(f"cannot read the store {path}: its folder cannot be written and {wal.name} holds "
                             f"answers not yet folded into the database ({describe_sqlite_error(first)}); "
                             "make the folder writable and try again")  # fmt: skip
        conn = None
        try:
            conn = sqlite3.connect(_uri(path, query), uri=True, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA query_only = ON")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            damaged = "malformed" in str(exc).lower() or "not a database" in str(exc).lower()
            if first is None:
                first = exc
            if damaged:
                break
    assert first is not None
    raise StoreError(f"cannot open the store {path}: {describe_sqlite_error(first)}") from first


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


def migrate(conn: sqlite3.Connection, migrations: Sequence[str] = MIGRATIONS, *, where: str = "") -> int:
    """Bring the schema up to len(migrations); refuse a database written by a newer program.

    Returns the version the database had before.
    """
    target = len(migrations)
    found = schema_version(conn)
    if found > target:
        raise StoreError(
            f"the store {where} was written by a newer voice-coach (schema {found}, this one knows up to {target}); "
            "upgrade voice-coach to read it"
        )
    if found == target:
        return found
    try:
        conn.execute("BEGIN IMMEDIATE")
        found = schema_version(conn)  # another process may have upgraded it meanwhile
        for version in range(found, target):
            for statement in _statements(migrations[version]):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {target}")
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise StoreError(f"cannot upgrade the store {where}: {describe_sqlite_error(exc)}") from exc
    return found
