"""The store commands end to end through the CLI: history, review (+ formats, --play), progress, forget, export, import."""

from __future__ import annotations

from dataclasses import replace

import html.parser
import json
import random
import sqlite3
import stat
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voice_coach import cli
from voice_coach.store import Store
from voice_coach.testing.synthetic_store import synthetic_analysis

MINE = ["history", "review", "progress", "forget", "export", "import_cmd"]
DAY = 86400.0
T0 = 1_790_000_000.0  # 2026-09-21
PACES = [182, 176, 170, 163, 157, 151]


@pytest.fixture(autouse=True)
def only_store_commands(monkeypatch):
    monkeypatch.setattr(cli, "COMMAND_MODULES", MINE)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse rejects an argument
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def tone(seconds: float, freq: float) -> np.ndarray:
    t = np.arange(int(seconds * 16000)) / 16000
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.fixture
def home(tmp_path) -> Path:
    """Six sessions a day apart, pace falling from 182 to 151 wpm, three answers each (one 'general')."""
    home = tmp_path / "home"
    rng = random.Random(11)
    with Store.open(home) as store:
        for day, wpm in enumerate(PACES):
            sid = store.start_session(bank="default", model="tiny.en", settings={"dead_air_s": 3.0})
            for q in range(3):
                a = synthetic_analysis(rng, words=80, wpm=wpm, fillers=6 - day // 2, pauses=(1.4, 3.4), star="STAR" if q else "SA")
                # exact, so the trend sentence is known: words over speaking time is `wpm`
                a = replace(a, pace=replace(a.pace, wpm=float(wpm)),
                            length=replace(a.length, speaking_s=60.0 * a.pace.word_count / wpm))
                cat = "general" if q == 0 else "behavioral"
                store.save_answer(sid, question={"id": f"q{q}", "category": cat, "kind": cat, "star": q > 0,
                                                 "text": f"Question {q}: tell me about a hard call."},
                                  audio=tone(1.0 + q, 200 + 50 * q), sample_rate=16000, analysis=a,
                                  feedback=f"Feedback for answer {q + 1}.")  # fmt: skip
            store.finish_session(sid, complete=day != 5)
            store.conn.execute("UPDATE sessions SET started_ts = ? WHERE id = ?", (T0 + day * DAY, sid))
    return home


def ids(home: Path) -> list[str]:
    with Store.open(home, readonly=True) as s:
        return [x.id for x in s.sessions()]


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("voice-coach: ") and "Traceback" not in err
    return lines[0]


# ---- history ------------------------------------------------------------------------------------


def test_history_one_line_per_session_newest_first(home, capsys):
    code, out, _ = run(capsys, "history", "--home", str(home))
    assert code == 0
    newest_first = ids(home)
    rows = [line for line in out.splitlines() if line[:4].isdigit()]
    assert [r.split()[0] for r in rows] == newest_first
    for row, wpm in zip(rows, reversed(PACES)):
        assert f" {wpm} " in row and row.split()[4] == "3"  # questions
    assert rows[0].rstrip().endswith("stopped") and rows[1].rstrip().endswith("done")


def test_history_shows_each_start_time_and_the_data_folder(home, capsys):
    import time

    code, out, _ = run(capsys, "history", "--home", str(home))
    assert code == 0
    rows = [line for line in out.splitlines() if line[:4].isdigit()]
    for row, day in zip(rows, range(len(PACES) - 1, -1, -1)):
        assert time.strftime("%H:%M", time.localtime(T0 + day * DAY)) in row
    assert out.rstrip().splitlines()[-1] == f"Data folder: {home}"


def test_history_filters_and_json(home, capsys):
    code, out, _ = run(capsys, "history", "--home", str(home), "--json", "--since", "2026-09-23", "--until", "2026-09-24")
    rows = json.loads(out)
    assert code == 0 and [r["started"][:10] for r in rows] == ["2026-09-24", "2026-09-23"]
    code, out, _ = run(capsys, "history", "--home", str(home), "--json", "--category", "general")
    rows = json.loads(out)
    assert all(r["questions"] == 1 and r["categories"] == ["general"] for r in rows) and len(rows) == 6
    assert rows[0]["star_complete"] is None  # general questions are not STAR questions
    code, out, err = run(capsys, "history", "--home", str(home), "--since", "someday")
    assert code == 2 and "cannot read 'someday' as a date" in err


def test_history_of_an_empty_store(tmp_path, capsys):
    code, out, _ = run(capsys, "history", "--home", str(tmp_path / "none"))
    assert code == 0 and "No saved sessions yet" in out
    assert not (tmp_path / "none").exists()


def test_home_comes_from_the_environment(home, capsys, monkeypatch):
    monkeypatch.setenv("VOICE_COACH_HOME", str(home))
    code, out, _ = run(capsys, "history")
    assert code == 0 and ids(home)[0] in out


# ---- review -------------------------------------------------------------------------------------


def test_review_shows_question_transcript_pauses_star_metrics_feedback(home, capsys):
    sid = ids(home)[0]
    code, out, _ = run(capsys, "review", sid, "--home", str(home), "--answer", "2")
    assert code == 0
    assert "Answer 2 of 3" in out and "Question 1: tell me about a hard call." in out
    assert "[1.4 s]" in out and "[3.4 s]" in out
    for label in ("Situation", "Task", "Action", "Result"):
        assert label in out
    assert "Pace" in out and "151 wpm" in out and "Dead air" in out
    assert "Feedback for answer 2." in out
    assert "Answer 1 of 3" not in out


def test_review_unknown_session_and_answer_are_one_line(home, capsys):
    code, _, err = run(capsys, "review", "1999-01-01", "--home", str(home))
    assert code == 2 and "no session '1999-01-01'" in one_error_line(err)
    code, _, err = run(capsys, "review", "last", "--home", str(home), "--answer", "9")
    assert code == 2 and "has no answer 9" in one_error_line(err)


class _Marks(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fillers = 0
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ("meta", "br", "hr"):  # void elements have no end tag
            self.stack.append(tag)
        if tag == "mark" and ("class", "filler") in attrs:
            self.fillers += 1

    def handle_endtag(self, tag):
        assert self.stack.pop() == tag


def test_review_exports_md_html_json(home, tmp_path, capsys):
    with Store.open(home, readonly=True) as s:
        sid = s.resolve_session("last")
        stored = s.answers(sid)
    fillers = sum(len(a.analysis.to_dict()["fillers"]["items"]) for a in stored)
    code, out, _ = run(capsys, "review", sid, "--home", str(home), "--format", "md")
    assert code == 0 and out.count("**um**") + out.count("**uh**") == fillers and "*\\[3.4 s\\]*" in out
    out_html = tmp_path / "r.html"
    code, out, _ = run(capsys, "review", sid, "--home", str(home), "--out", str(out_html))
    assert code == 0 and stat.S_IMODE(out_html.stat().st_mode) == 0o600
    parser = _Marks()
    parser.feed(out_html.read_text())
    assert parser.fillers == fillers and parser.stack == []
    code, out, _ = run(capsys, "review", sid, "--home", str(home), "--format", "json")
    doc = json.loads(out)
    assert [a["analysis"] for a in doc["answers"]] == [a.analysis.to_dict() for a in stored]
    assert doc["session"]["id"] == sid


def test_review_subtitles_of_every_answer_one_file_each(home, tmp_path, capsys, monkeypatch):
    sid = ids(home)[0]
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "review", sid, "--home", str(home), "--format", "srt")  # no --answer: every answer
    assert code == 0 and err == ""
    names = [f"{sid}-answer-{n}.srt" for n in (1, 2, 3)]
    lines = out.strip().splitlines()
    assert lines[0] == f"srt subtitles, one file per answer of session {sid}:"
    assert [line.split()[1] for line in lines[1:]] == names and all("cues)" in line for line in lines[1:])
    for n, name in enumerate(names, 1):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
        _, single, _ = run(capsys, "review", sid, "--home", str(home), "--format", "srt", "--answer", str(n))
        assert (tmp_path / name).read_text() == single  # the same cues as that answer's own subtitles
    code, out, err = run(capsys, "review", sid, "--home", str(home), "--out", str(tmp_path / "subs" / "talk.vtt"))
    assert code == 2 and out == "" and "no such folder" in one_error_line(err)
    (tmp_path / "subs").mkdir()
    code, out, _ = run(capsys, "review", sid, "--home", str(home), "--out", str(tmp_path / "subs" / "talk.vtt"))
    assert code == 0 and sorted(p.name for p in (tmp_path / "subs").iterdir()) == ["talk-1.vtt", "talk-2.vtt", "talk-3.vtt"]
    assert all((tmp_path / "subs" / f"talk-{n}.vtt").read_text().startswith("WEBVTT\n") for n in (1, 2, 3))
    code, out, _ = run(capsys, "review", sid, "--home", str(home), "--format", "vtt", "--out", str(tmp_path / "subs"))
    assert code == 0 and (tmp_path / "subs" / f"{sid}-answer-2.vtt").exists()


def test_review_subtitles(home, tmp_path, capsys):
    sid = ids(home)[0]
    srt, vtt = tmp_path / "a.srt", tmp_path / "a.vtt"
    assert run(capsys, "review", sid, "--home", str(home), "--answer", "1", "--out", str(srt))[0] == 0
    assert run(capsys, "review", sid, "--home", str(home), "--answer", "1", "--out", str(vtt))[0] == 0
    with Store.open(home, readonly=True) as s:
        (answer,) = s.answers(sid, 1)
    words = [w["text"] for w in answer.analysis.to_dict()["words"]]
    blocks = srt.read_text().strip().split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == [str(i) for i in range(1, len(blocks) + 1)]
    cue_words = " ".join(b.splitlines()[2] for b in blocks).replace("<i>", "").replace("</i>", "").split()
    assert cue_words == words
    stamps = [b.splitlines()[1] for b in blocks]
    assert all("," in s and " --> " in s for s in stamps)
    text = vtt.read_text()
    assert text.startswith("WEBVTT\n") and text.count(" --> ") == len(blocks) and "<c.filler>" in text


def test_review_play_sends_the_stored_audio(home, capsys, monkeypatch):
    from voice_coach.commands import review

    played = []
    monkeypatch.setattr(review, "play", lambda samples, rate, on_start=None: played.append((samples, rate)))
    code, _, _ = run(capsys, "review", "last", "--home", str(home), "--answer", "3", "--play")
    assert code == 0 and len(played) == 1
    samples, rate = played[0]
    assert rate == 16000 and len(samples) == 3 * 16000
    assert np.max(np.abs(samples - tone(3.0, 300))) < 1e-4


def test_review_play_of_damaged_audio_is_one_line(home, capsys, monkeypatch):
    from voice_coach.commands import review

    monkeypatch.setattr(review, "play", lambda samples, rate, on_start=None: pytest.fail("played damaged audio"))
    with Store.open(home, readonly=True) as s:
        (answer,) = s.answers(s.resolve_session("last"), 2)
    data = bytearray(answer.audio_path.read_bytes())
    data[len(data) // 2] ^= 0x55
    answer.audio_path.write_bytes(bytes(data))
    code, _, err = run(capsys, "review", "last", "--home", str(home), "--answer", "2", "--play")
    assert code == 2 and "is damaged" in one_error_line(err)


def test_review_play_without_a_sound_device_is_one_line(home, tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("PULSE_SERVER", "PULSE_SINK")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    env["HOME"] = str(tmp_path)  # no user Pulse config to autospawn from
    code = "import sys; from voice_coach import cli; cli.COMMAND_MODULES = ['review']; sys.exit(cli.main(sys.argv[1:]))"
    proc = subprocess.run([sys.executable, "-c", code, "review", "last", "--home", str(home), "--answer", "1", "--play"],
                          capture_output=True, text=True, env=env, timeout=60, check=False)  # fmt: skip
    if proc.returncode == 0:
        pytest.skip("this machine has a working sound output")
    assert proc.returncode == 2
    assert "cannot play audio" in one_error_line(proc.stderr)


# ---- progress -----------------------------------------------------------------------------------


def test_progress_trend_sentence_and_charts(home, tmp_path, capsys):
    png, page = tmp_path / "p.png", tmp_path / "p.html"
    code, out, _ = run(capsys, "progress", "--home", str(home), "--png", str(png), "--html", str(page))
    assert code == 0
    flat = " ".join(out.split())
    assert "pace went from 182 to 151 wpm over your 6 sessions; now inside the target band (130-160 wpm)" in flat
    for label in ("fillers", "dead air", "response latency", "STAR completeness"):
        assert label in flat
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 2000
    assert page.read_text().count("<svg") == 5


def test_progress_with_one_session_says_there_is_no_trend_yet(home, capsys):
    code, out, _ = run(capsys, "progress", "--home", str(home), "--since", "2026-09-26")
    assert code == 0 and "not enough data for a trend" in " ".join(out.split()).lower()


def test_progress_by_week(home, capsys):
    code, out, _ = run(capsys, "progress", "--home", str(home), "--by", "week")
    assert code == 0 and "week of 2026-09-21" in out


# ---- forget -------------------------------------------------------------------------------------


def test_forget_one_session(home, capsys):
    victim, *rest = ids(home)
    code, out, _ = run(capsys, "forget", victim, "--yes", "--home", str(home))  # it asks first (test_store_safety)
    assert code == 0 and "3 answers" in out
    assert ids(home) == rest and not (home / "audio" / victim).exists()
    code, _, err = run(capsys, "forget", victim, "--home", str(home))
    assert code == 2 and "no session" in one_error_line(err)


def test_forget_all_asks_first(home, capsys, monkeypatch):
    code, _, err = run(capsys, "forget", "--all", "--home", str(home))  # stdin is not a terminal under pytest
    assert code == 2 and "--yes" in one_error_line(err) and len(ids(home)) == 6
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    code, out, _ = run(capsys, "forget", "--all", "--home", str(home))
    assert code == 1 and "Nothing deleted" in out and len(ids(home)) == 6
    code, out, _ = run(capsys, "forget", "--all", "--yes", "--home", str(home))
    assert code == 0 and "6 sessions and 18 answers" in out
    assert ids(home) == [] and not (home / "audio").exists()


# ---- export -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["all.zip", "all.tar.gz"])
def test_export_holds_database_json_and_audio(home, tmp_path, capsys, name):
    out_file = tmp_path / name
    code, out, _ = run(capsys, "export", "--home", str(home), "--out", str(out_file))
    assert code == 0 and "6 sessions, 18 answers, 18 recordings" in out
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    if name.endswith(".zip"):
        with zipfile.ZipFile(out_file) as zf:
            files = {n: zf.read(n) for n in zf.namelist()}
    else:
        with tarfile.open(out_file) as tf:
            files = {m.name: tf.extractfile(m).read() for m in tf.getmembers() if m.isfile()}
    root = "voice-coach-export/"
    flacs = {n for n in files if n.endswith(".flac")}
    assert len(flacs) == 18
    for n in flacs:
        assert files[n] == (home / n[len(root):]).read_bytes()
    sessions = json.loads(files[root + "sessions.json"])
    assert sorted(s["id"] for s in sessions) == sorted(ids(home))
    assert all(len(s["answers"]) == 3 for s in sessions)
    db_copy = tmp_path / "copy.sqlite3"
    db_copy.write_bytes(files[root + "voice-coach.sqlite3"])
    conn = sqlite3.connect(db_copy)
    assert conn.execute("SELECT count(*) FROM answers").fetchone()[0] == 18
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_export_refuses_to_overwrite_and_odd_names(home, tmp_path, capsys):
    target = tmp_path / "x.zip"
    target.write_bytes(b"keep me")
    code, _, err = run(capsys, "export", "--home", str(home), "--out", str(target))
    assert code == 2 and "--force" in one_error_line(err) and target.read_bytes() == b"keep me"
    code, _, err = run(capsys, "export", "--home", str(home), "--out", str(tmp_path / "x.rar"))
    assert code == 2 and ".zip, .tar.gz or .tgz" in one_error_line(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "x.zip"]  # no temporary left behind


# ---- import -------------------------------------------------------------------------------------




def test_import_files_into_one_session(tmp_path, capsys, monkeypatch):
    from voice_coach.live import replay as analyze
    from voice_coach.core.errors import AudioInputError

    memo1, memo2 = tmp_path / "memo1.wav", tmp_path / "memo2.flac"
    sf.write(memo1, tone(2.0, 220), 16000)
    sf.write(memo2, tone(3.0, 330), 16000)
    seen = []

    def fake_analyze(path, settings, model=None, progress=None, transcriber=None):
        path = Path(path)
        if not path.exists():
            raise AudioInputError(f"{path} does not exist")
        samples, _ = sf.read(path, dtype="float32")
        seen.append(path.name)
        return replace(synthetic_analysis(random.Random(len(seen)), wpm=140 + 10 * len(seen)), samples=samples)

    monkeypatch.setattr(analyze, "load_transcriber", lambda model=None: object())
    monkeypatch.setattr(analyze, "analyze_file", fake_analyze)
    home = tmp_path / "home"
    code, out, err = run(capsys, "import", str(memo1), str(tmp_path / "missing.m4a"), str(memo2), "--home", str(home),
                         "--category", "general")  # fmt: skip
    assert code == 2 and "skipped" in err and "missing.m4a" in err
    with Store.open(home, readonly=True) as s:
        (summary,) = s.sessions()
        assert summary.kind == "import" and summary.answers == 2 and summary.complete is False
        answers = s.answers(summary.id)
        assert [a.question_text for a in answers] == ["memo1.wav", "memo2.flac"]
        assert [a.category for a in answers] == ["general", "general"]
        assert len(s.read_audio(answers[1])[0]) == 3 * 16000
        assert f"Pace {answers[1].analysis.to_dict()['pace']['wpm']:.0f} wpm" in answers[1].feedback
    assert summary.id in out


@pytest.mark.slow
def test_import_with_the_real_analyzer(tmp_path, capsys):
    from voice_coach.testing.synth import speak, trim

    try:
        first = trim(speak("I called the customer back the next morning."))
        second = trim(speak("She thanked me and renewed her contract."))
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"espeak-ng is not available: {exc}")
    gap = np.zeros(int(2.0 * 16000), np.float32)
    audio = np.concatenate([np.zeros(8000, np.float32), first, gap, second, np.zeros(16000, np.float32)])
    wav = tmp_path / "voice memo.wav"
    sf.write(wav, audio, 16000)
    code, _, err = run(capsys, "import", str(wav), "--home", str(tmp_path / "home"))
    assert code == 0, err
    with Store.open(tmp_path / "home", readonly=True) as s:
        (answer,) = s.answers(s.resolve_session("last"))
        assert answer.question_text == "voice memo.wav"
        assert len(s.read_audio(answer)[0]) == len(audio)
        assert "customer" in answer.analysis.to_dict()["transcript"].lower()
        longest = max(p["duration"] for p in answer.analysis.to_dict()["pauses"]["items"])
        assert abs(longest - 2.0) < 0.3
        assert answer.metrics["wpm"] and answer.metrics["wpm"] > 60
