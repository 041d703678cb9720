"""Ctrl-C (once or twice), SIGTERM and SIGHUP against a real `voice-coach practice` child process.

Each stop must keep the answer in progress: the session is saved as stopped, the store holds the
answer with its audio (PRAGMA integrity_check ok), and the command ends with one line and the
exit status a shell expects (128 + the signal: 130, 143, 129). A second Ctrl-C 0.5-2 s after the
first used to raise into the finishing analysis: exit 134 (abort) or 139 (segfault), or 130 with
the answer lost. The answers come from `--answers DIR` (real decoding, the real Whisper model,
the real capture loop at speaking pace); SIGHUP is also sent the way a closing terminal sends
it, by closing the master side of a pseudo-terminal; Ctrl-C during the spoken feedback goes
through the private PulseAudio daemon (tests/pulse_server.py).
"""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_practice_e2e import Child

from voice_coach.store import Store
from voice_coach.testing.synth import Filler, build_answer, write_wav

pytestmark = pytest.mark.slow

QUESTION = "why-customer-service"
SCRIPT = ["I enjoy helping people when something has gone wrong.", Filler("um"),
          "In my last job I answered about forty calls a day for a phone company.", 1.0,
          "I learned that patience and a clear plan calm most callers down."]
FIRST_STOP_S = 3.0
"""The first signal comes this long after "Listening": the answer in progress is 3 s of speech."""


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("answers")
    write_wav(folder / "01.wav", build_answer(SCRIPT, voice="en-us", rate_wpm=150, lead_in_s=0.3, tail_s=0.5, seed=5))
    return folder


def practice_args(answers: Path, home: Path, *extra: str) -> list[str]:
    return ["practice", "--answers", str(answers), "--quiet", "--count", "1", "--question", QUESTION,
            "--home", str(home), *extra]


def saved_answer(home: Path) -> dict:
    """The one stopped session's one answer, after checking the database and the audio file."""
    with Store.open(home, readonly=True) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        (session,) = store.sessions()
        (answer,) = store.answers(session.id)
        audio, rate = store.read_audio(answer)
    assert session.complete is False  # stopped, not finished
    assert len(audio) == answer.audio_frames and rate == 16000
    return answer.analysis.to_dict()


def check_stopped(code: int, out: str, err: str, home: Path, signum: int, name: str) -> dict:
    assert code == 128 + signum, (code, out, err)
    assert "Traceback" not in err and "Fatal Python error" not in err, err
    stopped = [line for line in out.splitlines() if line.startswith("Session stopped")]
    assert len(stopped) == 1 and stopped[0].startswith(f"Session stopped ({name}): 1 answer saved as session"), out
    a = saved_answer(home)
    assert a["capture"]["end_reason"] == "interrupted"
    assert FIRST_STOP_S - 1.0 < a["duration_s"] < FIRST_STOP_S + 1.5, a["duration_s"]
    assert "helping people" in a["transcript"].lower(), a["transcript"]
    return a


@pytest.mark.parametrize("second_after_s", [0.5, 1.0, 2.0])
def test_a_second_ctrl_c_keeps_the_answer(answers: Path, tmp_path: Path, second_after_s: float) -> None:
    home = tmp_path / "home"
    child = Child(practice_args(answers, home), dict(os.environ))
    child.wait_for("Listening")
    time.sleep(FIRST_STOP_S)
    child.proc.send_signal(signal.SIGINT)
    time.sleep(second_after_s)
    child.proc.send_signal(signal.SIGINT)
    code, out, err = child.finish()
    check_stopped(code, out, err, home, signal.SIGINT, "Ctrl-C")


@pytest.mark.parametrize(("signum", "name", "twice"), [(signal.SIGTERM, "SIGTERM", False), (signal.SIGTERM, "SIGTERM", True),
                                                       (signal.SIGHUP, "SIGHUP", False)])
def test_sigterm_and_sighup_keep_the_answer_like_ctrl_c(answers: Path, tmp_path: Path, signum: int, name: str,
                                                        twice: bool) -> None:
    home = tmp_path / "home"
    child = Child(practice_args(answers, home), dict(os.environ))
    child.wait_for("Listening")
    time.sleep(FIRST_STOP_S)
    child.proc.send_signal(signum)
    if twice:
        time.sleep(0.8)
        child.proc.send_signal(signum)
    code, out, err = child.finish()
    check_stopped(code, out, err, home, signum, name)


def test_closing_the_terminal_keeps_the_answer(answers: Path, tmp_path: Path) -> None:
    """The child runs on a pseudo-terminal as its controlling terminal; closing the master hangs it
    up: the kernel sends SIGHUP, and every later write to the terminal fails with EIO."""
    home = tmp_path / "home"
    pid, fd = pty.fork()
    if pid == 0:  # the child: exec at once, nothing else
        os.environ.update(COLUMNS="100", LINES="40")
        os.execv(sys.executable, [sys.executable, "-m", "voice_coach", *practice_args(answers, home)])
    seen, listening_at = b"", None
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:
            if listening_at is not None and time.monotonic() - listening_at >= FIRST_STOP_S:
                break
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    chunk = b""
                assert chunk, f"the child ended early:\n{seen.decode(errors='replace')}"
                seen += chunk
                if listening_at is None and b"Listening" in seen:
                    listening_at = time.monotonic()
        assert listening_at is not None, seen.decode(errors="replace")
    finally:
        os.close(fd)  # the terminal is closed
    deadline = time.monotonic() + 90
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            raise AssertionError("practice did not end after its terminal was closed")
        time.sleep(0.1)
    assert os.waitstatus_to_exitcode(status) == 128 + signal.SIGHUP
    a = saved_answer(home)
    assert a["capture"]["end_reason"] == "interrupted" and "helping people" in a["transcript"].lower()


def test_ctrl_c_while_the_model_loads_stops_before_the_first_question(answers: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    child = Child(practice_args(answers, home), dict(os.environ))
    child.wait_for("1 question from")  # printed before the greeting, while the model loads
    child.proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    child.proc.send_signal(signal.SIGINT)
    code, out, err = child.finish()
    assert code == 130, (out, err)
    assert "Traceback" not in err and "Fatal Python error" not in err, err
    assert "Listening" not in out
    assert [line for line in out.splitlines() if line.startswith("Session stopped")] == [
        "Session stopped (Ctrl-C) before any answer was recorded; nothing was saved."]
    with Store.open(home, readonly=True) as store:
        assert store.sessions() == []


def test_ctrl_c_twice_during_the_spoken_feedback_keeps_the_answer(pulse_server, answers: Path, tmp_path: Path) -> None:
    """The interviewer speaks (into a second null sink); Ctrl-C twice while the feedback plays."""
    if shutil.which("espeak-ng") is None and shutil.which("espeak") is None:
        pytest.skip("no espeak-ng for the interviewer's voice")
    home = tmp_path / "home"
    env = {**pulse_server.env(), "PULSE_SINK": "vc_drain"}
    args = [a for a in practice_args(answers, home) if a != "--quiet"]
    child = Child(args, env)
    child.wait_for("Answer over")
    child.wait_for("Interviewer:")  # the feedback's first sound: its echo is printed as it starts
    time.sleep(0.3)
    child.proc.send_signal(signal.SIGINT)
    time.sleep(1.0)
    child.proc.send_signal(signal.SIGINT)
    code, out, err = child.finish()
    assert code == 130, (out, err)
    assert "Traceback" not in err and "Fatal Python error" not in err, err
    assert len([line for line in out.splitlines() if line.startswith("Session stopped (Ctrl-C): 1 answer saved")]) == 1, out
    a = saved_answer(home)
    assert a["capture"]["end_reason"] == "source_ended" and "helping people" in a["transcript"].lower()


def test_ctrl_c_is_not_echoed_onto_the_live_view(tmp_path: Path) -> None:
    """On a terminal, a typed ^C echoed at the end of the live view's last line wrapped it onto a new
    line, so the view's cleanup missed its top line: a stray "Question 2 of 4" border stayed on screen.
    The demo (which has no Enter key) now turns the echo off as practice does."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(COLUMNS="90", LINES="40", TERM="xterm")
        os.execv(sys.executable, [sys.executable, "-m", "voice_coach", "demo", "--quiet", "--home", str(tmp_path / "h")])
    seen, sent_at = b"", None
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
            if sent_at is None and seen.count(b"Listening") >= 2:
                time.sleep(1.5)
                os.write(fd, b"\x03")
                sent_at = time.monotonic()
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert sent_at is not None, seen.decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 130
    after = seen[seen.index(b"Listening", seen.index(b"Listening") + 1):]  # from the second question on
    assert b"^C" not in after, after.decode(errors="replace")[:2000]
    assert b"Session stopped" in after and b"Ctrl-C" in after
