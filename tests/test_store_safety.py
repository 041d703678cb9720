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
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voice_coach import cli
from voice_coach.store import Store, StoreError
from voice_coach.store.archive import export_archive
from voice_coach.store.paths import DB_NAME, audio_folder
from voice_coach.store.records import plain, to_json
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
                doc = {**plain(asdict(rec)), "audio_path": rec.audio_path.relative_to(home).as_posix()}
                known[(rec.session_id, rec.number)] = {"doc": doc, "feedback": rec.feedback,
                                                       "stored_analysis": json.loads(to_json(rec.analysis.to_dict())),
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
    code, out, err = run(capsys, "history", "--home", str(home))
    assert code == 0 and "No saved sessions in the database" in out and "12 recordings are in" in " ".join(out.split())
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
    (home / "audio" / ".forget-2026-12-04-1830-2").mkdir()  # a forget of this minute that died
    with Store.open(home) as store:
        sid = store.start_session(bank=None, model="m", settings={})
        assert sid == "2026-12-04-1830-3"
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
from dataclasses import asdict, replace
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


# ---- 15.6: a home this user cannot write is read, never refused -------------------------------------

OTHER_USER = 65534  # nobody


def _other_user_prefix() -> list[str] | str:
    """A command prefix that runs as a user without root's powers, or why there is none."""
    if os.geteuid() != 0:
        return []  # already an ordinary user: chmod 500 binds us
    import shutil

    for prefix in ([f"setpriv", f"--reuid={OTHER_USER}", f"--regid={OTHER_USER}", "--clear-groups"],
                   ["runuser", "-u", "nobody", "--"]):  # fmt: skip
        if not shutil.which(prefix[0]):
            continue
        probe = subprocess.run([*prefix, sys.executable, "-c", "import voice_coach.store"], capture_output=True,
                               env={**os.environ, "PYTHONPATH": str(REPO)}, cwd="/", check=False)  # fmt: skip
        if probe.returncode == 0:
            return prefix
        reason = f"{prefix[0]} works, but user {OTHER_USER} cannot import voice_coach from {REPO}: {probe.stderr[-200:]}"
        return reason
    return "neither setpriv nor runuser can run a command as user 65534 (nobody) here"


def _snapshot(folder: Path) -> dict:
    """Every file's size, mtime and mode. A -shm file (SQLite's shared-memory index, no data) is left
    by a writer that died; any reader takes its read locks in it, so only its presence and size count."""
    return {p.relative_to(folder).as_posix(): (p.lstat().st_size, p.lstat().st_mode) + (
            () if p.name.endswith("-shm") else (p.lstat().st_mtime_ns,)) for p in [folder, *folder.rglob("*")]}  # fmt: skip


DYING_WRITER = r"""
import os, random, sys
from pathlib import Path
import numpy as np
from voice_coach.store import Store
from voice_coach.testing.synthetic_store import synthetic_analysis
store = Store.open(Path(sys.argv[1]))
sid = store.start_session(bank=None, model="m", settings={})
store.save_answer(sid, question={"text": "the last one"}, audio=np.zeros(4000, np.float32), sample_rate=16000,
                  analysis=synthetic_analysis(random.Random(3)), feedback="")
os._exit(0)  # no close: the answer is committed in the -wal file only
"""


@pytest.fixture
def shared_tmp():
    """A folder another user can reach (pytest's own tmp folders are 0700 root)."""
    import shutil
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="voice-coach-ro-", dir="/tmp"))
    os.chmod(base, 0o755)
    yield base
    for path in [base, *base.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            os.chmod(path, 0o700)
    shutil.rmtree(base)


@pytest.mark.parametrize("left", ["closed", pytest.param("wal", marks=pytest.mark.slow)])
def test_read_only_home_reads_history_review_export_and_refuses_writes_in_one_line(shared_tmp, left):
    prefix = _other_user_prefix()
    if isinstance(prefix, str):
        pytest.skip(prefix)
    home, out_dir = shared_tmp / "home", shared_tmp / "out"
    known = build_home(home, sessions=2)
    env = {**os.environ, "PYTHONPATH": str(REPO), "HOME": str(shared_tmp)}
    if left == "wal":
        script = shared_tmp / "writer.py"
        script.write_text(DYING_WRITER)
        subprocess.run([sys.executable, str(script), str(home)], env=env, check=True)
        assert (home / f"{DB_NAME}-wal").stat().st_size > 0
    out_dir.mkdir()
    if prefix:
        for path in [home, *home.rglob("*"), out_dir]:
            os.chown(path, OTHER_USER, OTHER_USER)
    os.chmod(home, 0o500)
    before = _snapshot(home)

    def cli_as_user(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([*prefix, sys.executable, "-m", "voice_coach", *argv, "--home", str(home)],
                              capture_output=True, text=True, env=env, cwd=out_dir, timeout=120, check=False)  # fmt: skip

    expected = len(known) + (1 if left == "wal" else 0)
    history = cli_as_user("history", "--json")
    assert history.returncode == 0 and history.stderr == "", history.stderr
    assert sum(row["questions"] for row in json.loads(history.stdout)) == expected
    sid = sorted({s for s, _ in known})[0]
    review = cli_as_user("review", sid)
    assert review.returncode == 0 and review.stderr == "" and "Question 2 of 0" in review.stdout, review.stderr
    export = cli_as_user("export", "--out", str(out_dir / "all.zip"))
    assert export.returncode == 0 and export.stderr == "", export.stderr
    with zipfile.ZipFile(out_dir / "all.zip") as zf:
        flacs = [n for n in zf.namelist() if n.endswith(".flac")]
        sessions = json.loads(zf.read("voice-coach-export/sessions.json"))
    assert len(flacs) == expected and sum(len(s["answers"]) for s in sessions) == expected
    for argv in (["forget", "--all", "--yes"], ["import", str(out_dir / "none.wav")]):
        refused = cli_as_user(*argv)
        assert refused.returncode == 2 and "read-only" in one_error_line(refused.stderr), refused.stderr
    assert _snapshot(home) == before  # reading changed nothing, not even a -shm file


# ---- 15.7: a damaged database is one line on review, and export saves everything readable -----------


def _damage_page(db_file: Path, table: str) -> int:
    """Overwrite one b-tree leaf page of `table` (the one nearest the middle of the file) with garbage."""
    assert not Path(f"{db_file}-wal").exists()  # every commit is in the file itself
    conn = sqlite3.connect(db_file)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    leaves = [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf'", (table,))]
    conn.close()
    page = min(leaves, key=lambda p: abs(p - pages / 2))
    with open(db_file, "r+b") as f:
        f.seek((page - 1) * page_size)
        f.write(random.Random(page).randbytes(page_size))
    return page


@pytest.mark.parametrize("table", ["answer_details", "answers", "sessions"])
def test_damaged_page_is_one_line_on_review_and_export_saves_the_rest(tmp_path, capsys, table):
    home = tmp_path / "home"
    known = build_home(home, sessions=6, words=300)  # 18 answers over many pages
    _damage_page(home / DB_NAME, table)
    sids = sorted({sid for sid, _ in known})
    codes = []
    for sid in sids:
        code, out, err = run(capsys, "review", sid, "--home", str(home))
        codes.append(code)
        if code:
            assert code == 2 and "the database file is damaged" in one_error_line(err)
    assert 2 in codes  # the damage was met
    code, _, err = run(capsys, "history", "--home", str(home))
    assert code == 0 or "the database file is damaged" in one_error_line(err)

    code, out, err = run(capsys, "export", "--home", str(home), "--out", str(tmp_path / "all.zip"))
    assert code == 1 and "could not be read" in one_error_line(err) and "manifest.json lists them all" in err
    with zipfile.ZipFile(tmp_path / "all.zip") as zf:
        files = {n.removeprefix("voice-coach-export/"): zf.read(n) for n in zf.namelist()}
    manifest = json.loads(files["manifest.json"])
    unreadable = manifest["unreadable_in_the_database"]
    assert unreadable and all(u in err for u in unreadable[:3])
    exported = {(s["id"], a["number"]): a for s in json.loads(files["sessions.json"]) for a in s["answers"]}
    assert exported, "nothing readable was exported"
    for (sid, number), item in known.items():
        # every answer is exported exactly as it was, or named as unreadable (and what is left of it kept)
        entry = exported.get((sid, number))
        if entry is not None and "damaged" not in entry:
            assert entry == item["doc"]  # the whole record, as a healthy export writes it
        else:
            if entry is not None:  # its own row was lost, its details row was not
                assert entry["analysis"] == item["stored_analysis"] and entry["audio_path"] == item["rel"]
            assert any(f"answer {number} of session {sid}" in u or f"answers of session {sid}" in u
                       or "session row" in u for u in unreadable), (sid, number, unreadable)  # fmt: skip
        assert files[item["rel"]] == item["audio"]  # every recording is in the archive, readable row or not
    if table == "answers":  # their metric rows are gone, their transcripts are not
        assert any("damaged" in entry for entry in exported.values())
    listed_alone = set(manifest["audio_without_a_readable_answer"])
    assert listed_alone == {item["rel"] for key, item in known.items() if "damaged" in exported.get(key, {"damaged": 1})}


def test_one_damaged_row_is_one_line_and_export_writes_every_other(tmp_path, capsys):
    home = tmp_path / "home"
    known = build_home(home, sessions=2)
    victim, other = sorted({sid for sid, _ in known})
    conn = sqlite3.connect(home / DB_NAME)
    with conn:
        conn.execute("UPDATE answer_details SET analysis_json = '{\"pace\": [' WHERE answer_id = "
                     "(SELECT id FROM answers WHERE session_id = ? AND number = 2)", (victim,))  # fmt: skip
    conn.close()
    code, _, err = run(capsys, "review", victim, "--home", str(home))
    assert code == 2 and f"answer 2 of session {victim} is damaged" in one_error_line(err)
    code, out, err = run(capsys, "review", other, "--home", str(home))
    assert code == 0 and "Question 1 of 1" in out
    code, out, err = run(capsys, "export", "--home", str(home), "--out", str(tmp_path / "all.tar.gz"))
    assert code == 1 and f"answer 2 of session {victim} is damaged in the database" in one_error_line(err)
    assert "Wrote" in out and "2 sessions, 5 answers, 5 recordings" in out
    with tarfile.open(tmp_path / "all.tar.gz") as tf:
        files = {m.name.removeprefix("voice-coach-export/"): tf.extractfile(m).read() for m in tf.getmembers()}
    manifest = json.loads(files["manifest.json"])
    assert manifest["unreadable_in_the_database"] == [f"answer 2 of session {victim} is damaged in the database"]
    assert manifest["audio_without_a_readable_answer"] == [f"audio/{victim}/002.flac"]
    assert all(files[item["rel"]] == item["audio"] for item in known.values())
    sessions = {s["id"]: [a["number"] for a in s["answers"]] for s in json.loads(files["sessions.json"])}
    assert sessions == {victim: [1, 3], other: [1, 2, 3]}


# ---- 15.9: every member of an archive is the owner's only -------------------------------------------


@pytest.mark.parametrize("name", ["all.zip", "all.tar.gz", "all.tgz"])
def test_every_archive_member_is_0600(tmp_path, capsys, name):
    home = tmp_path / "home"
    known = build_home(home, sessions=2)
    old_umask = os.umask(0o022)  # what a user's shell has: new files 0644
    try:
        code, out, err = run(capsys, "export", "--home", str(home), "--out", str(tmp_path / name))
    finally:
        os.umask(old_umask)
    assert code == 0, err
    if name.endswith(".zip"):
        with zipfile.ZipFile(tmp_path / name) as zf:
            modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
    else:
        with tarfile.open(tmp_path / name) as tf:
            members = tf.getmembers()
            assert all(m.isfile() and m.uname == "" and m.gname == "" for m in members)
            modes = {m.name: stat.S_IFREG | m.mode for m in members}
    root = "voice-coach-export/"
    assert {root + n for n in ("README.txt", "manifest.json", "sessions.json", "voice-coach.sqlite3")} <= set(modes)
    assert len([n for n in modes if n.endswith(".flac")]) == len(known)
    assert {n: oct(m) for n, m in modes.items() if m != stat.S_IFREG | 0o600} == {}
    assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600


# ---- 16.4: export names never collide; forget asks before deleting ----------------------------------


def test_two_exports_in_the_same_second_write_two_archives(tmp_path, capsys, monkeypatch):
    home = tmp_path / "home"
    known = build_home(home, sessions=1)
    import voice_coach.store.archive as archive

    monkeypatch.setattr(archive.time, "time", lambda: 1_790_000_000.0)  # both in the same second
    monkeypatch.chdir(tmp_path)
    written = []
    for _ in range(3):
        code, out, err = run(capsys, "export", "--home", str(home))
        assert code == 0, err
        written.append(Path(out.split("Wrote ", 1)[1].split(": ", 1)[0]))
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(1_790_000_000.0))
    assert [p.name for p in written] == [f"voice-coach-export-{stamp}.zip", f"voice-coach-export-{stamp}-2.zip",
                                         f"voice-coach-export-{stamp}-3.zip"]  # fmt: skip
    for path in written:
        with zipfile.ZipFile(path) as zf:
            assert len([n for n in zf.namelist() if n.endswith(".flac")]) == len(known)


def test_exports_at_the_same_moment_never_share_a_file(tmp_path):
    home = tmp_path / "home"
    known = build_home(home, sessions=2)
    target = tmp_path / "same.tar.gz"
    results, errors = [], []
    start = threading.Barrier(4)

    def export() -> None:
        try:
            with Store.open(home, readonly=True) as store:
                start.wait()
                results.append(export_archive(store, target, numbered=True).path)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=export) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and len(set(results)) == 4
    assert sorted(p.name for p in results) == ["same-2.tar.gz", "same-3.tar.gz", "same-4.tar.gz", "same.tar.gz"]
    for path in results:
        with tarfile.open(path) as tf:
            assert len([m for m in tf.getmembers() if m.name.endswith(".flac")]) == len(known)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary left


def test_export_to_a_named_file_still_refuses_to_replace_it(tmp_path, capsys):
    home = tmp_path / "home"
    build_home(home, sessions=1)
    target = tmp_path / "mine.zip"
    target.write_bytes(b"keep")
    code, _, err = run(capsys, "export", "--home", str(home), "--out", str(target))
    assert code == 2 and "--force" in one_error_line(err) and target.read_bytes() == b"keep"
    code, out, _ = run(capsys, "export", "--home", str(home), "--out", str(target), "--force")
    assert code == 0 and zipfile.is_zipfile(target)


def test_forget_one_session_asks_first(tmp_path, capsys, monkeypatch):
    home = tmp_path / "home"
    known = build_home(home, sessions=2)
    victim, keep = sorted({sid for sid, _ in known})
    code, _, err = run(capsys, "forget", victim, "--home", str(home))  # stdin is not a terminal under pytest
    line = one_error_line(err)
    assert code == 2 and "--yes" in line and "no terminal" in line and (home / "audio" / victim).is_dir()
    asked = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "n")
    code, out, _ = run(capsys, "forget", victim, "--home", str(home))
    assert code == 1 and "Nothing deleted" in out and (home / "audio" / victim).is_dir()
    assert asked[0].startswith(f"Delete 1 session ({victim}: 3 answers, ") and asked[0].endswith(" for good? [y/N] ")
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    code, out, _ = run(capsys, "forget", victim, "--home", str(home))
    assert code == 0 and out.strip() == f"Forgot 1 session ({victim}): 3 answers with their audio."
    assert not (home / "audio" / victim).exists()
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("--yes must not ask"))
    code, out, _ = run(capsys, "forget", keep, "--yes", "--home", str(home))
    assert code == 0 and not (home / "audio" / keep).exists()


def test_counts_read_as_english(tmp_path, capsys, monkeypatch):
    home = tmp_path / "home"
    build_home(home, sessions=1, answers=1)
    code, out, _ = run(capsys, "export", "--home", str(home), "--out", str(tmp_path / "one.zip"))
    assert code == 0 and "1 session, 1 answer, 1 recording." in out
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "y")
    code, out, _ = run(capsys, "forget", "--all", "--home", str(home))
    assert asked[0].startswith("Delete 1 session (1 answer, ") and out.strip() == "Forgot 1 session and 1 answer with their audio."
    build_home(home, sessions=1, answers=1)
    code, out, _ = run(capsys, "forget", "last", "--yes", "--home", str(home))
    assert code == 0 and ": 1 answer with their audio." in out and "1 answers" not in out


def _unshare_ok() -> bool:
    import shutil

    if sys.platform != "linux" or not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs tmpfs /mnt"], capture_output=True, check=False)
    return probe.returncode == 0


READ_IMPORT = r"""
import json, sys
from voice_coach.store import Store
store = Store.open(sys.argv[1], readonly=True)
sid, complete, settings = store.conn.execute("SELECT id, complete, settings_json FROM sessions").fetchone()
answers = store.answers(sid)
print(json.dumps({"complete": complete, "record": json.loads(settings)["import"],
                  "answers": [a.question_text for a in answers],
                  "playable": sum(len(store.read_audio(a)[0]) == 48000 for a in answers),
                  "files": sorted(p.name for p in (store.home / "audio" / sid).iterdir())}))
"""


@pytest.mark.skipif(not _unshare_ok(), reason="needs unshare -m and mount (root or user namespaces)")
def test_import_onto_a_really_full_disk_stops_and_keeps_what_fit(tmp_path):
    rng = np.random.default_rng(5)
    files = []
    for n in range(12):  # noise: FLAC cannot shrink it, ~90 KB each
        path = tmp_path / f"memo{n:02d}.wav"
        sf.write(path, rng.uniform(-0.5, 0.5, 48000).astype(np.float32), 16000)
        files.append(path)
    script = tmp_path / "importer.py"
    script.write_text(IMPORTER.replace("if len(calls) == 2:", "if False:"))
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    home = mnt / "home"
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    reader = tmp_path / "reader.py"
    reader.write_text(READ_IMPORT)
    shell = (f"mount -t tmpfs -o size=700k tmpfs {mnt} && {sys.executable} {script} import "
             f"{' '.join(map(str, files))} --home {home}; echo rc=$?; {sys.executable} {reader} {home}")  # fmt: skip
    out = subprocess.run(["unshare", "-m", "sh", "-c", shell], capture_output=True, text=True, env=env, timeout=120,
                         check=False)  # fmt: skip
    assert "rc=2" in out.stdout, out.stdout + out.stderr
    (line,) = [l for l in error_lines(out.stderr) if "stopped" in l]
    assert "the disk is full" in line and "(marked stopped)" in line
    result = json.loads(out.stdout.strip().splitlines()[-1])
    saved = result["answers"]
    assert 1 <= len(saved) < len(files) and result["playable"] == len(saved)
    assert result["complete"] == 0
    statuses = [f["status"] for f in result["record"]["files"]]
    assert statuses == ["imported"] * len(saved) + ["failed"] + ["not imported"] * (len(files) - len(saved) - 1)
    assert result["files"] == [f"{n:03d}.flac" for n in range(1, len(saved) + 1)]  # no half-written file left
