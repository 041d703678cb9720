"""`export`: everything in one archive (zip or tar.gz): a database snapshot, all sessions as JSON, all audio.

The archive is built under a temporary name and linked to its name at the end, so an interrupted
or failed export leaves no half-written file behind and never takes another export's name. It and
every member in it are 0600: they hold the user's voice and words. A damaged database does not
stop it: everything still readable goes in, and the manifest lists what did not.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import tarfile
import tempfile
import threading
import time
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from voice_coach.store.errors import StoreError, describe_os_error, describe_sqlite_error
from voice_coach.store.records import plain
from voice_coach.store.paths import audio_folder, is_session_id
from voice_coach.store.upkeep import FORGET_MARK

if TYPE_CHECKING:
    from voice_coach.store.store import Store

ROOT = "voice-coach-export"
SUFFIXES = (".zip", ".tar.gz", ".tgz")

_README = """voice-coach export

voice-coach.sqlite3  the whole store (SQLite; open with any SQLite tool)
sessions.json        every session with its answers, metrics, full analysis and feedback
audio/SESSION/NNN.flac  the recording of each answer (16-bit FLAC)
manifest.json        when this was made, counts, any audio file that was missing or damaged, anything the
                     database could no longer read, and recordings whose answer row could not be read
                     (they are in audio/ too, not checked against a checksum)
"""

MEMBER_MODE = 0o600
"""Every file inside the archive, like the archive itself: transcripts and voice, for its owner only."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    sessions: int
    answers: int
    audio_files: int
    missing: tuple[str, ...]
    """Audio files that were missing or did not match their saved checksum (listed, not exported)."""
    unreadable: tuple[str, ...] = ()
    """What a damaged database would not give back (sessions, answers, settings), listed in the manifest."""
    unlisted_audio: tuple[str, ...] = ()
    """Recordings on disk that no readable answer points at; exported as they are."""


def default_export_path(now: float | None = None) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(time.time() if now is None else now))
    return Path.cwd() / f"voice-coach-export-{stamp}.zip"


def numbered_path(path: Path, n: int) -> Path:
    """`path` with -N before its archive suffix: x.zip -> x-2.zip, x.tar.gz -> x-2.tar.gz."""
    name = path.name
    suffix = next((s for s in SUFFIXES if name.lower().endswith(s)), path.suffix)
    return path.with_name(f"{name[: len(name) - len(suffix)]}-{n}{name[len(name) - len(suffix):]}")


def archive_kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".zip"):
        return "zip"
    if name.endswith((".tar.gz", ".tgz")):
        return "tar.gz"
    raise StoreError(f"cannot tell the archive type of {path.name}: end the name in .zip, .tar.gz or .tgz")


_SESSION_COLS = "id, started_ts, finished_ts, complete, kind, bank, model, settings_json"


def _session_rows(store: Store, unreadable: list[str]) -> list[sqlite3.Row]:
    """Every session row that can be read: all at once, else one at a time through the start-time index."""
    conn = store.conn
    try:
        return conn.execute(f"SELECT {_SESSION_COLS} FROM sessions ORDER BY started_ts").fetchall()
    except sqlite3.Error as exc:
        reason = describe_sqlite_error(exc)
    try:
        rowids = [r[0] for r in conn.execute("SELECT rowid FROM sessions INDEXED BY sessions_started ORDER BY started_ts")]
    except sqlite3.Error:
        unreadable.append(f"the list of sessions ({reason})")
        return []
    try:  # the id index names a session whose row is lost
        names = dict((r[1], r[0]) for r in conn.execute("SELECT id, rowid FROM sessions INDEXED BY sqlite_autoindex_sessions_1"))
    except sqlite3.Error:
        names = {}
    rows = []
    for rowid in rowids:
        try:
            row = conn.execute(f"SELECT {_SESSION_COLS} FROM sessions WHERE rowid = ?", (rowid,)).fetchone()
        except sqlite3.Error as exc:
            what = f"session {names[rowid]}" if rowid in names else f"session row {rowid}"
            unreadable.append(f"the start, end and settings of {what} ({describe_sqlite_error(exc)})")
            continue
        if row is not None:
            rows.append(row)
    return rows


def _orphan_answer_sessions(store: Store, known: set[str]) -> list[str]:
    """Sessions that have answers but whose own row could not be read."""
    try:
        ids = [r[0] for r in store.conn.execute("SELECT DISTINCT session_id FROM answers ORDER BY session_id")]
    except sqlite3.Error:
        return []
    return [i for i in ids if i not in known]


def _salvaged(store: Store, session_id: str, have: set[int]) -> list[dict]:
    """What is left of answers whose row could not be read: the question, transcript and feedback, when
    their own row (answer_details) still reads, and the recording's place. Marked "damaged"."""
    try:
        index = store.conn.execute("SELECT id, number FROM answers WHERE session_id = ? ORDER BY number", (session_id,)).fetchall()
    except sqlite3.Error:
        return []
    out = []
    for answer_id, number in index:
        if number in have:
            continue
        try:
            row = store.conn.execute("SELECT question_json, analysis_json, feedback FROM answer_details WHERE answer_id = ?",
                                     (answer_id,)).fetchone()  # fmt: skip
            if row is None:
                continue
            item = {"number": number, "question": json.loads(row[0]), "analysis": json.loads(row[1]), "feedback": row[2]}
        except (sqlite3.Error, ValueError, TypeError):
            continue
        item["damaged"] = "the answer's own row could not be read: its figures are lost, its audio is not checked"
        audio = audio_folder(store.home, session_id) / f"{number:03d}.flac"
        item["audio_path"] = audio.relative_to(store.home).as_posix() if audio.is_file() else None
        out.append(item)
    return out


def _session_doc(row: sqlite3.Row, unreadable: list[str]) -> dict:
    doc = {k: row[k] for k in ("id", "started_ts", "finished_ts", "kind", "bank", "model")}
    doc["complete"] = None if row["complete"] is None else bool(row["complete"])
    try:
        doc["settings"] = json.loads(row["settings_json"])
    except (TypeError, ValueError):
        doc["settings"] = None
        unreadable.append(f"the settings of session {row['id']} (damaged in the database)")
    return doc


def _write_sessions_json(
    store: Store, dest: Path, check: list[tuple[str, Path, str]], unreadable: list[str]
) -> tuple[int, int]:
    """Stream every readable session to `dest`; collect (archive name, file, sha256) of each audio file."""
    sessions = answers = 0
    rows = _session_rows(store, unreadable)
    docs: list[tuple[str, dict]] = [(str(row["id"]), _session_doc(row, unreadable)) for row in rows]
    for lost in _orphan_answer_sessions(store, {sid for sid, _ in docs}):
        docs.append((lost, {"id": lost, "session_row": "unreadable"}))
    with open(dest, "w", encoding="utf-8") as out:
        out.write("[\n")
        for i, (session_id, doc) in enumerate(docs):
            lost: list[str] = []
            records = store.answers(session_id, damaged=lost)
            doc["answers"] = []
            for rec in records:
                item = plain(asdict(rec))
                item["audio_path"] = rec.audio_path.relative_to(store.home).as_posix()
                doc["answers"].append(item)
                check.append((item["audio_path"], rec.audio_path, rec.audio_sha256))
            if lost:
                unreadable.extend(lost)
                if is_session_id(session_id):
                    doc["answers"] += _salvaged(store, session_id, {r.number for r in records})
                    doc["answers"].sort(key=lambda a: a["number"])
            out.write(("," if i else "") + json.dumps(doc, ensure_ascii=False) + "\n")
            sessions += 1
            answers += len(records)
        out.write("]\n")
    return sessions, answers


def _audio_ok(path: Path, sha256: str) -> bool:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return False
    return digest.hexdigest() == sha256


def _unlisted_audio(store: Store, seen: set[str]) -> list[tuple[str, Path]]:
    """Regular files under audio/ that no readable answer names (kept-aside orphans, rows lost to damage).

    Folders forget is deleting (.forget-ID) and half-written .tmp files are not recordings.
    """
    root = store.audio_root
    found: list[tuple[str, Path]] = []
    if not root.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(FORGET_MARK))
        for name in sorted(filenames):
            path = Path(dirpath, name)
            rel = path.relative_to(store.home).as_posix()
            if rel in seen or name.endswith(".tmp"):
                continue
            try:
                if stat.S_ISREG(path.lstat().st_mode):
                    found.append((rel, path))
            except OSError:
                continue
    return found


def _copy_database(store: Store, dest: Path, unreadable: list[str]) -> None:
    from voice_coach.store.upkeep import backup_to

    try:
        backup_to(store, dest)
    except StoreError as exc:
        dest.unlink(missing_ok=True)
        try:
            shutil.copyfile(store.db_path, dest)
        except OSError:
            unreadable.append(f"the database file itself ({exc}); it is not in the archive")
            return
        unreadable.append(f"a consistent copy of the database ({exc}); voice-coach.sqlite3 is a byte-for-byte copy")


def _add_zip(zf: zipfile.ZipFile, arcname: str, path: Path) -> None:
    info = zipfile.ZipInfo.from_file(path, arcname)
    info.external_attr = (stat.S_IFREG | MEMBER_MODE) << 16
    # FLAC is already compressed: store it as is
    info.compress_type = zipfile.ZIP_STORED if arcname.endswith(".flac") else zipfile.ZIP_DEFLATED
    with open(path, "rb") as src, zf.open(info, "w") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)


def _add_tar(tf: tarfile.TarFile, arcname: str, path: Path) -> None:
    info = tf.gettarinfo(str(path), arcname)
    info.mode = MEMBER_MODE
    info.uid = info.gid = 0
    info.uname = info.gname = ""  # the archive says nothing about who made it
    with open(path, "rb") as src:
        tf.addfile(info, src)


def _publish(tmp: Path, out: Path, *, replace: bool, numbered: bool) -> Path:
    """Give the finished archive its name, never over another file unless `replace`.

    A hard link claims the name atomically, so two exports in the same second (or at the same
    moment) end up in two files: with `numbered` the second becomes NAME-2.zip, else it is refused.
    """
    if replace:
        os.replace(tmp, out)
        return out
    candidate, n = out, 1
    while True:
        try:
            os.link(tmp, candidate)
        except FileExistsError:
            if not numbered:
                raise StoreError(f"{out} already exists; pass --force to replace it") from None
            n += 1
            candidate = numbered_path(out, n)
            continue
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS):
                raise
            if candidate.exists():  # a disk without hard links: check, then rename (a small race remains)
                if not numbered:
                    raise StoreError(f"{out} already exists; pass --force to replace it") from None
                n += 1
                candidate = numbered_path(out, n)
                continue
            os.replace(tmp, candidate)
            return candidate
        tmp.unlink()
        return candidate


def export_archive(store: Store, out: Path, *, replace: bool = False, numbered: bool = False) -> ExportResult:
    """Write everything readable in the store to `out` (.zip, .tar.gz or .tgz).

    A damaged database does not stop it: what cannot be read is listed in the manifest
    (ExportResult.unreadable) and everything else is written, every recording on disk included.
    Refuses only an unwritable target, or an existing one unless `replace` (or `numbered`: then
    the archive is written as NAME-2, NAME-3, ...).
    """
    kind = archive_kind(out)
    out = out.expanduser().resolve()
    if out.exists() and not (replace or numbered):
        raise StoreError(f"{out} already exists; pass --force to replace it")
    tmp_out = out.with_name(f".{out.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    unreadable: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="voice-coach-export-") as work:
            work_dir = Path(work)
            _copy_database(store, work_dir / "voice-coach.sqlite3", unreadable)
            audio: list[tuple[str, Path, str]] = []
            sessions, answers = _write_sessions_json(store, work_dir / "sessions.json", audio, unreadable)
            checked = [(name, path, _audio_ok(path, sha)) for name, path, sha in audio]
            good = [(name, path) for name, path, ok in checked if ok]
            missing = tuple(name for name, _, ok in checked if not ok)
            unlisted = _unlisted_audio(store, {name for name, _, _ in checked})
            manifest = {"made": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "sessions": sessions, "answers": answers,
                        "audio_files": len(good), "missing_or_damaged_audio": list(missing),
                        "unreadable_in_the_database": unreadable,
                        "audio_without_a_readable_answer": [name for name, _ in unlisted]}  # fmt: skip
            (work_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
            (work_dir / "README.txt").write_text(_README, encoding="utf-8")
            names = ["README.txt", "manifest.json", "sessions.json"]
            if (work_dir / "voice-coach.sqlite3").exists():
                names.insert(2, "voice-coach.sqlite3")
            members = [(f"{ROOT}/{n}", work_dir / n) for n in names]
            members += [(f"{ROOT}/{name}", path) for name, path in good + unlisted]
            fd = os.open(tmp_out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as raw:
                if kind == "zip":
                    with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                        for arcname, path in members:
                            _add_zip(zf, arcname, path)
                else:
                    with tarfile.open(fileobj=raw, mode="w:gz") as tf:
                        for arcname, path in members:
                            _add_tar(tf, arcname, path)
                raw.flush()
                os.fsync(raw.fileno())
        final = _publish(tmp_out, out, replace=replace, numbered=numbered)
    except OSError as exc:
        tmp_out.unlink(missing_ok=True)
        raise StoreError(f"cannot write the export {out}: {describe_os_error(exc)}") from exc
    except BaseException:
        tmp_out.unlink(missing_ok=True)
        raise
    return ExportResult(final, sessions, answers, len(good), missing, tuple(unreadable), tuple(n for n, _ in unlisted))
