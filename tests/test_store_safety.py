"""Issue 15 and 16.4 against real files: an emptied or damaged database, crafted ids, cut-short imports,
archive modes, export names, forget asking first.

Every test builds a real store (SQLite + FLAC files) and damages it the way a disk, a sync tool
or a person would; the CLI is run in-process except where a signal needs a real child process.
"""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import tarfile
import threading
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voice_coach import cli
from voice_coach.store import Store, StoreError
from voice_coach.store.archive import export_archive
from voice_coach.store.paths import DB_NAME, audio_folder
from voice_coach.store.upkeep import delete_sessions, sweep_orphans
from voice_coach.testing.synthetic_store import synthetic_analysis

REPO = Path(__file__).resolve().parents[1]
MINE = ["history", "review", "progress", "forget", "export", "import_cmd"]
OLD = 1_000_000_000  # an mtime long past the sweep's one-hour guard


@pytest.fixture(autouse=True)
def only_store_commands(monkeypatch):
    monkeypatch.setattr(cli, "COMMAND_MODULES", MINE)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def error_lines(err: str) -> list[str]:
    """The failure lines (progress lines of import are on stderr too); never a traceback."""
    assert "Traceback" not in err, err
    return [line for line in err.splitlines() if line.startswith("voice-coach: ")]


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("voice-coach: ") and "Traceback" not in err, err
    return lines[0]


def tone(seconds: float, freq: float) -> np.ndarray:
    t = np.arange(int(seconds * 16000)) / 16000
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def build_home(home: Path, sessions: int = 3, answers: int = 3, words: int = 80) -> dict[tuple[str, int], dict]:
    """A store of `sessions` finished sessions; returns each answer's JSON form and audio bytes by (session, number)."""
    rng = random.Random(7)
    with Store.open(home) as store:
        for k in range(sessions):
            sid = store.start_session(bank="default", model="tiny.en", settings={"n": k})
            for q in range(answers):
                store.save_answer(sid, question={"id": f"q{q}", "category": "behavioral", "text": f"Question {q} of {k}"},
                                  audio=tone(0.5 + 0.25 * q, 180 + 40 * q + 7 * k), sample_rate=16000,
                                  analysis=synthetic_analysis(rng, words=words), feedback=f"feedback {k}.{q}")  # fmt: skip
            store.finish_session(sid, complete=True)
            store.conn.execute("UPDATE sessions SET started_ts = started_ts + ? WHERE id = ?", (k * 3600.0, sid))
        known = {}
        for summary in store.sessions():
            for rec in store.answers(summary.id):
                known[(rec.session_id, rec.number)] = {"analysis": rec.analysis.to_dict(), "feedback": rec.feedback,
                                                       "audio": rec.audio_path.read_bytes(),
                                                       "rel": rec.audio_path.relative_to(home).as_posix()}  # fmt: skip
    return known


def age(folder: Path) -> None:
    """Make every file and folder under `folder` old, so only the database's knowledge protects them."""
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, (OLD, OLD))


@pytest.fixture
def fake_analyzer(monkeypatch):
    """import without Whisper: the real decoder's checks, the file's real samples, a synthetic analysis."""
    from voice_coach.audio.decode import check_readable
    from voice_coach.live import replay as analyze

    def fake(path, settings, model=None, progress=None, transcriber=None):
        check_readable(Path(path))  # the real one-line errors: "PATH: no such file", ...
        samples, _ = sf.read(path, dtype="float32")
        return replace(synthetic_analysis(random.Random(len(str(path)))), samples=samples)

    monkeypatch.setattr(analyze, "load_transcriber", lambda model=None: object())
    monkeypatch.setattr(analyze, "analyze_file", fake)


def memo(folder: Path, name: str | bytes, seconds: float = 1.0, freq: float = 300.0) -> Path:
    """A WAV file; a bytes name may be one that is not UTF-8 (written under a plain name, then renamed)."""
    plain = folder / f"memo-{len(list(folder.iterdir()))}.tmp.wav"
    sf.write(plain, tone(seconds, freq), 16000)
    path = folder / (os.fsdecode(name) if isinstance(name, bytes) else name)
    os.rename(os.fsencode(plain), os.fsencode(path))
    return path


# ---- 15.2: an empty or unreadable database never licenses deleting audio ---------------------------


def test_zero_byte_database_keeps_every_recording_and_says_where(tmp_path, capsys, fake_analyzer):
    home = tmp_path / "home"
    known = build_home(home, sessions=4)  # 12 recordings
    age(home / "audio")
    os.truncate(home / DB_NAME, 0)  # `truncate -s 0 voice-coach.sqlite3`
    code, out, err = run(capsys, "import", str(memo(tmp_path, "new.wav")), "--home", str(home))
    assert code == 0, err
    (notice,) = error_lines(err)
    assert "the database is empty but 12 recordings exist: kept them in " in notice
    kept = Path(notice.split("kept them in ", 1)[1])
    assert kept.parent == home / "audio" and kept.name.startswith("orphans-")
    for (sid, number), item in known.items():  # every byte of every answer is still there
        assert (kept / sid / f"{number:03d}.flac").read_bytes() == item["audio"]
    with Store.open(home, readonly=True) as store:
        (summary,) = store.sessions()
        assert summary.answers == 1 and store.read_audio(store.answers(summary.id)[0])[0].size == 16000
    # a second import moves nothing again and says nothing
    code, _, err = run(capsys, "import", str(memo(tmp_path, "newer.wav")), "--home", str(home))
    assert code == 0 and error_lines(err) == []
    assert sorted(p.name for p in kept.iterdir()) == sorted({sid for sid, _ in known})


def test_unreadable_database_refuses_in_one_line_and_touches_no_audio(tmp_path, capsys, fake_analyzer):
    home = tmp_path / "home"
    known = build_home(home, sessions=2)
    age(home / "audio")
    (home / DB_NAME).write_bytes(b"this is not a database, a sync tool wrote it" * 100)
    code, _, err = run(capsys, "import", str(memo(tmp_path, "new.wav")), "--home", str(home))
    assert code == 2 and "damaged" in one_error_line(err)
    for item in known.values():
        assert (home / item["rel"]).read_bytes() == item["audio"]


def test_sweep_keeps_folders_the_database_does_not_know(tmp_path):
    home = tmp_path / "home"
    known = build_home(home, sessions=2)
    lost = home / "audio" / "2020-01-01-0900"  # a session whose row was lost (restored old database)
    lost.mkdir()
    (lost / "001.flac").write_bytes(b"a voice")
    (lost / "002.flac").write_bytes(b"another")
    age(home / "audio")
    with Store.open(home) as store:
        assert sweep_orphans(store) == 0
        (notice,) = store.notices
        assert notice.startswith("2 recordings the database does not know were kept in ")
        kept = Path(notice.split(" kept in ", 1)[1])
        assert (kept / "2020-01-01-0900" / "002.flac").read_bytes() == b"another" and not lost.exists()
        for item in known.values():  # what the database knows stays where it is
            assert (home / item["rel"]).read_bytes() == item["audio"]
        store.notices.clear()
        assert sweep_orphans(store) == 0 and store.notices == []  # orphans- folders are never judged again
        assert (kept / "2020-01-01-0900" / "001.flac").exists()


def test_forget_that_died_is_finished_or_undone_by_the_sweep(tmp_path):
    home = tmp_path / "home"
    known = build_home(home, sessions=2)
    first, second = sorted({sid for sid, _ in known})
    audio = home / "audio"
    # died before deleting the rows: the folder was marked, the rows are still there -> put back
    os.rename(audio / first, audio / f".forget-{first}")
    # died after deleting the rows: the marked folder has no session -> its deletion is finished
    with Store.open(home) as store:
        store.conn.execute("DELETE FROM sessions WHERE id = ?", (second,))
    os.rename(audio / second, audio / f".forget-{second}")
    with Store.open(home) as store:
        assert sweep_orphans(store, min_age_s=0) == 3  # a marked folder is put back once old (by ctime, not fakeable)
        assert sorted(p.name for p in audio.iterdir()) == [first] and store.notices == []
        for rec in store.answers(first):
            assert len(store.read_audio(rec)[0]) == rec.audio_frames


def test_new_session_never_writes_into_a_folder_the_database_does_not_know(tmp_path, monkeypatch):
    home = tmp_path / "home"
    Store.open(home).close()
    now = time.mktime((2026, 12, 4, 18, 30, 0, 0, 0, -1))
    import voice_coach.store.store as store_module

    monkeypatch.setattr(store_module.time, "time", lambda: now)
    taken = home / "audio" / "2026-12-04-1830"
    taken.mkdir(parents=True)
    (taken / "001.flac").write_bytes(b"said a minute ago, row lost")
    with Store.open(home) as store:
        sid = store.start_session(bank=None, model="m", settings={})
        assert sid == "2026-12-04-1830-2"
        store.save_answer(sid, question={"text": "q"}, audio=tone(0.5, 200), sample_rate=16000,
                          analysis=synthetic_analysis(random.Random(1)), feedback="")  # fmt: skip
    kept = [p for p in (home / "audio").glob("orphans-*/2026-12-04-1830/001.flac")]
    assert len(kept) == 1 and kept[0].read_bytes() == b"said a minute ago, row lost"


# ---- 15.11: session ids from the database never name a folder outside the store --------------------


@pytest.mark.parametrize("bad", ["../../x", "..", ".", "", "/etc", "a/b", "2026-01-01-0000/../..", "2026-01-01-0000\n",
                                 "2026-01-01-0000-0", None, 5])  # fmt: skip
def test_audio_folder_refuses_ids_the_store_does_not_make(tmp_path, bad):
    with pytest.raises(StoreError, match="not one voice-coach makes"):
        audio_folder(tmp_path, bad)
    assert audio_folder(tmp_path, "2026-01-01-0000-12") == tmp_path / "audio" / "2026-01-01-0000-12"


def _craft(home: Path, session_id: str, audio_path: str) -> None:
    """A row another program wrote: its id and audio path point outside the store."""
    conn = sqlite3.connect(home / DB_NAME)
    with conn:
        conn.execute("INSERT INTO sessions (id, started_ts, kind, model, settings_json, complete) "
                     "VALUES (?, 1.0, 'practice', 'm', '{}', 1)", (session_id,))  # fmt: skip
        cur = conn.execute("SELECT * FROM answers LIMIT 1")
        row = dict(zip([d[0] for d in cur.description], cur.fetchone()))
        old_id = row.pop("id")
        row.update(session_id=session_id, audio_path=audio_path, number=1)
        new_id = conn.execute(f"INSERT INTO answers ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                              tuple(row.values())).lastrowid  # fmt: skip
        conn.execute("INSERT INTO answer_details SELECT ?, question_json, analysis_json, feedback FROM answer_details "
                     "WHERE answer_id = ?", (new_id, old_id))  # fmt: skip
    conn.close()


def test_crafted_session_id_cannot_make_forget_delete_outside_the_store(tmp_path, capsys):
    home = tmp_path / "home"
    build_home(home, sessions=1)
    victim = tmp_path / "x"  # home/audio/../../x
    victim.mkdir()
    (victim / "precious.txt").write_text("not the store's")
    _craft(home, "../../x", "audio/../../x/precious.txt")
    code, _, err = run(capsys, "forget", "../../x", "--yes", "--home", str(home))
    assert code == 2 and "not one voice-coach makes" in one_error_line(err)
    assert (victim / "precious.txt").read_text() == "not the store's"
    with Store.open(home) as store:
        with pytest.raises(StoreError, match="not one voice-coach makes"):
            delete_sessions(store, ["../../x"])
        assert store.conn.execute("SELECT count(*) FROM sessions WHERE id = '../../x'").fetchone()[0] == 1
    code, _, err = run(capsys, "review", "../../x", "--home", str(home))
    assert code == 2 and "not one voice-coach makes" in one_error_line(err)
    code, out, _ = run(capsys, "forget", "--all", "--yes", "--home", str(home))
    assert code == 0 and "Forgot 2 sessions and 4 answers" in out
    assert (victim / "precious.txt").read_text() == "not the store's"


def test_crafted_audio_path_is_not_read_into_an_export(tmp_path, capsys):
    home = tmp_path / "home"
    build_home(home, sessions=1)
    secret = tmp_path / "secret.txt"
    secret.write_text("private key")
    sid = "2026-01-01-0000"
    _craft(home, sid, f"audio/{sid}/../../../secret.txt")
    code, _, err = run(capsys, "export", "--home", str(home), "--out", str(tmp_path / "a.zip"))
    assert code == 1 and "answer 1 of session 2026-01-01-0000" in one_error_line(err)
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        assert not any(b"private key" in zf.read(n) for n in zf.namelist())
        manifest = json.loads(zf.read("voice-coach-export/manifest.json"))
    assert any("not one voice-coach makes" in m for m in manifest["unreadable_in_the_database"])


# ---- 15.5 and 15.13: an import cut short says so, and records what it took ---------------------------

IMPORTER = r"""
import random, sys, time
from dataclasses import replace
from pathlib import Path
import soundfile as sf
from voice_coach import cli
from voice_coach.live import replay as analyze
from voice_coach.testing.synthetic_store import synthetic_analysis

calls = []

def fake(path, settings, model=None, progress=None, transcriber=None):
    calls.append(path)
    if len(calls) == 2:
        time.sleep(60)  # analysing the second file when Ctrl-C comes
    samples, _ = sf.read(path, dtype="float32")
    return replace(synthetic_analysis(random.Random(len(calls))), samples=samples)

analyze.load_transcriber = lambda model=None: object()
analyze.analyze_file = fake
cli.COMMAND_MODULES = ["import_cmd"]
sys.exit(cli.main(sys.argv[1:]))
"""


def _import_record(home: Path) -> tuple:
    with Store.open(home, readonly=True) as store:
        (row,) = store.conn.execute("SELECT id, complete, settings_json FROM sessions").fetchall()
        answers = store.answers(row["id"])
        for rec in answers:
            assert len(store.read_audio(rec)[0]) == rec.audio_frames
        return row["id"], row["complete"], json.loads(row["settings_json"])["import"], answers


def test_ctrl_c_after_the_first_file_keeps_it_and_marks_the_session_stopped(tmp_path):
    files = [memo(tmp_path, f"{n}.wav", 1.0 + k) for k, n in enumerate("abc")]
    script = tmp_path / "importer.py"
    script.write_text(IMPORTER)
    home = tmp_path / "home"
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, str(script), "import", *map(str, files), "--home", str(home)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)  # fmt: skip
    first = proc.stdout.readline()  # printed once the first answer is committed
    assert first.startswith("  answer 1: a.wav"), first + proc.stderr.read()
    time.sleep(0.3)  # into the second file's analysis
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    (line,) = error_lines(err)
    assert line.startswith(f"voice-coach: the import stopped at {files[1]}: interrupted (Ctrl-C); saved 1 of 3 files")
    sid, complete, record, answers = _import_record(home)
    assert complete == 0 and f"Saved 1 answer as session {sid}" in out
    assert [a.question_text for a in answers] == ["a.wav"]
    assert [(f["file"], f["status"]) for f in record["files"]] == [
        (str(files[0]), "imported"), (str(files[1]), "not imported"), (str(files[2]), "not imported")]
    assert "interrupted" in record["stopped"] and "interrupted" in record["files"][2]["reason"]


def test_full_disk_during_import_stops_keeps_what_was_saved_and_marks_it_stopped(tmp_path, capsys, fake_analyzer,
                                                                                 monkeypatch):  # fmt: skip
    import voice_coach.store.audio_files as audio_files

    real_write, real_encode, encodes = audio_files._write_all, audio_files._encode_flac, []

    def encode(fd, samples, rate):
        encodes.append(fd)
        real_encode(fd, samples, rate)

    def write_until_full(fd, data):
        if len(encodes) > 1:  # the second answer's file fills the disk
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(fd, data)

    monkeypatch.setattr(audio_files, "_encode_flac", encode)
    monkeypatch.setattr(audio_files, "_write_all", write_until_full)
    files = [memo(tmp_path, f"{n}.wav", 3.0) for n in ("a", "b", "c")]
    home = tmp_path / "home"
    code, out, err = run(capsys, "import", *map(str, files), "--home", str(home))
    assert code == 2
    (line,) = error_lines(err)
    assert f"the import stopped at {files[1]}: " in line and "the disk is full" in line and "saved 1 of 3 files" in line
    sid, complete, record, answers = _import_record(home)
    assert complete == 0 and [a.question_text for a in answers] == ["a.wav"]
    assert [f["status"] for f in record["files"]] == ["imported", "failed", "not imported"]
    assert "the disk is full" in record["files"][1]["reason"]
    assert sorted(p.name for p in (home / "audio" / sid).iterdir()) == ["001.flac"]  # no half file left


def test_a_file_name_that_is_not_utf8_is_skipped_alone(tmp_path, capsys, fake_analyzer):
    bad = memo(tmp_path, b"memo-\xff.wav")
    files = [memo(tmp_path, "a.wav"), bad, memo(tmp_path, "c.wav")]
    home = tmp_path / "home"
    code, out, err = run(capsys, "import", *map(str, files), "--home", str(home))
    assert code == 2
    skipped, summary = error_lines(err)
    assert skipped == f"voice-coach: skipped {tmp_path}/memo-\\xff.wav: the file's name is not valid UTF-8 " \
                      "(rename it and import it again)"
    assert summary == "voice-coach: 1 of 3 files could not be imported"
    sid, complete, record, answers = _import_record(home)
    assert complete == 0 and [a.question_text for a in answers] == ["a.wav", "c.wav"]
    assert [f["status"] for f in record["files"]] == ["imported", "failed", "imported"]
    assert record["files"][1]["file"] == f"{tmp_path}/memo-\\xff.wav" and record["stopped"] is None


def test_a_skipped_file_is_named_once(tmp_path, capsys, fake_analyzer):
    missing, empty = tmp_path / "missing.m4a", tmp_path / "empty.wav"
    empty.write_bytes(b"")
    code, _, err = run(capsys, "import", str(missing), str(empty), "--home", str(tmp_path / "home"))
    assert code == 2
    assert error_lines(err) == [f"voice-coach: skipped {missing}: no such file",
                                f"voice-coach: skipped {empty}: the file is empty (0 bytes)",
                                "voice-coach: 2 of 2 files could not be imported"]  # fmt: skip
    assert not (tmp_path / "home" / DB_NAME).exists() or Store.open(tmp_path / "home", readonly=True).sessions() == []


def test_an_import_that_went_through_records_every_file(tmp_path, capsys, fake_analyzer):
    files = [memo(tmp_path, "only.wav")]
    code, out, err = run(capsys, "import", *map(str, files), "--home", str(tmp_path / "home"))
    assert code == 0 and error_lines(err) == [] and "Saved 1 answer as session" in out
    _, complete, record, _ = _import_record(tmp_path / "home")
    assert complete == 1 and record == {"files": [{"file": str(files[0]), "status": "imported", "answer": 1}],
                                        "stopped": None}  # fmt: skip
