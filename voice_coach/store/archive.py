"""`export`: everything in one archive (zip or tar.gz): a database snapshot, all sessions as JSON, all audio.

The archive is built under a temporary name and renamed at the end, so an interrupted or failed
export leaves no half-written file behind. It is created 0600: it holds the user's voice.
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from voice_coach.store.errors import StoreError, describe_os_error
from voice_coach.store.records import plain

if TYPE_CHECKING:
    from voice_coach.store.store import Store

ROOT = "voice-coach-export"
SUFFIXES = (".zip", ".tar.gz", ".tgz")

_README = """voice-coach export

voice-coach.sqlite3  the whole store (SQLite; open with any SQLite tool)
sessions.json        every session with its answers, metrics, full analysis and feedback
audio/SESSION/NNN.flac  the recording of each answer (16-bit FLAC)
manifest.json        when this was made, counts, and any audio file that was missing or damaged
"""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    sessions: int
    answers: int
    audio_files: int
    missing: tuple[str, ...]
    """Audio files that were missing or did not match their saved checksum (listed, not exported)."""


def default_export_path(now: float | None = None) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(time.time() if now is None else now))
    return Path.cwd() / f"voice-coach-export-{stamp}.zip"


def archive_kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".zip"):
        return "zip"
    if name.endswith((".tar.gz", ".tgz")):
        return "tar.gz"
    raise StoreError(f"cannot tell the archive type of {path.name}: end the name in .zip, .tar.gz or .tgz")


def _write_sessions_json(store: Store, dest: Path, check: list[tuple[str, Path, str]]) -> tuple[int, int]:
    """Stream every session to `dest`; collect (archive name, file, sha256) of each audio file."""
    sessions = answers = 0
    with open(dest, "w", encoding="utf-8") as out:
        out.write("[\n")
        rows = store.conn.execute("SELECT id, started_ts, finished_ts, complete, kind, bank, model, settings_json "
                                  "FROM sessions ORDER BY started_ts").fetchall()  # fmt: skip
        for i, row in enumerate(rows):
            records = store.answers(row["id"])
            doc = {k: row[k] for k in ("id", "started_ts", "finished_ts", "kind", "bank", "model")}
            doc["complete"] = None if row["complete"] is None else bool(row["complete"])
            doc["settings"] = json.loads(row["settings_json"])
            doc["answers"] = []
            for rec in records:
                item = plain(asdict(rec))
                item["audio_path"] = rec.audio_path.relative_to(store.home).as_posix()
                doc["answers"].append(item)
                check.append((item["audio_path"], rec.audio_path, rec.audio_sha256))
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


def export_archive(store: Store, out: Path) -> ExportResult:
    """Write the whole store to `out` (.zip, .tar.gz or .tgz); refuses nothing but an unwritable target."""
    from voice_coach.store.upkeep import backup_to

    kind = archive_kind(out)
    out = out.expanduser().resolve()
    tmp_out = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with tempfile.TemporaryDirectory(prefix="voice-coach-export-") as work:
            work_dir = Path(work)
            backup_to(store, work_dir / "voice-coach.sqlite3")
            audio: list[tuple[str, Path, str]] = []
            sessions, answers = _write_sessions_json(store, work_dir / "sessions.json", audio)
            checked = [(name, path, _audio_ok(path, sha)) for name, path, sha in audio]
            good = [(name, path) for name, path, ok in checked if ok]
            missing = tuple(name for name, _, ok in checked if not ok)
            manifest = {"made": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "sessions": sessions, "answers": answers,
                        "audio_files": len(good), "missing_or_damaged_audio": list(missing)}  # fmt: skip
            (work_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
            (work_dir / "README.txt").write_text(_README, encoding="utf-8")
            members = [(f"{ROOT}/{n}", work_dir / n) for n in
                       ("README.txt", "manifest.json", "voice-coach.sqlite3", "sessions.json")]  # fmt: skip
            members += [(f"{ROOT}/{name}", path) for name, path in good]
            fd = os.open(tmp_out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as raw:
                if kind == "zip":
                    with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                        for arcname, path in members:
                            # FLAC is already compressed: store it as is
                            method = zipfile.ZIP_STORED if arcname.endswith(".flac") else zipfile.ZIP_DEFLATED
                            zf.write(path, arcname, compress_type=method)
                else:
                    with tarfile.open(fileobj=raw, mode="w:gz") as tf:
                        for arcname, path in members:
                            tf.add(path, arcname, recursive=False)
                raw.flush()
                os.fsync(raw.fileno())
        os.replace(tmp_out, out)
    except OSError as exc:
        tmp_out.unlink(missing_ok=True)
        raise StoreError(f"cannot write the export {out}: {describe_os_error(exc)}") from exc
    except BaseException:
        tmp_out.unlink(missing_ok=True)
        raise
    return ExportResult(out, sessions, answers, len(good), missing)
