"""`voice-coach practice` end to end through a real audio stack.

A private PulseAudio daemon (tests/pulse_server.py) provides a null sink; the CLI runs as a child
process and records the sink's monitor with sounddevice, while this test plays a synthesized answer
into the sink with paplay. The answer has a known 2 s pause and a known "um"; the saved analysis
must find them, and the pace, within the stated tolerances.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from voice_coach.store import Store
from voice_coach.testing.synth import Filler, SyntheticAnswer, build_answer, write_wav

pytestmark = pytest.mark.slow

QUESTION = "why-customer-service"
SCRIPT = [
    "I enjoy helping people when something has gone wrong.",
    Filler("um"),
    "In my last job I answered about forty calls a day for a phone company.",
    2.0,
    "I learned that patience and a clear plan calm most callers down.",
]


class Child:
    """The CLI as a child process, its stdout read line by line on a thread."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        env = {**env, "PYTHONUNBUFFERED": "1", "COLUMNS": "100"}
        self.proc = subprocess.Popen([sys.executable, "-m", "voice_coach", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            self.seen.append(line)
            if text in line:
                return
        raise AssertionError(f"no {text!r} from the CLI; stdout so far:\n{''.join(self.seen)}\nstderr:\n"
                             f"{self.proc.stderr.read() if self.proc.poll() is not None else ''}")

    def finish(self, timeout_s: float = 120.0) -> tuple[int, str, str]:
        try:
            code = self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code, "".join(self.seen), self.proc.stderr.read()


@pytest.fixture(scope="module")
def answer_wav(tmp_path_factory: pytest.TempPathFactory) -> tuple[SyntheticAnswer, Path]:
    answer = build_answer(SCRIPT, voice="en-us", rate_wpm=150, lead_in_s=0.3, tail_s=0.5, seed=11)
    path = tmp_path_factory.mktemp("e2e") / "answer.wav"
    write_wav(path, answer)
    return answer, path


def run_practice(pulse, home: Path, wav: Path, extra: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    if shutil.which("paplay") is None:
        pytest.skip("paplay is not installed (apt-get install pulseaudio-utils)")
    child = Child(["practice", "--count", "1", "--question", QUESTION, "--home", str(home), "--end-silence", "4",
                   "--no-answer", "30", *extra], env)
    child.wait_for("Listening")
    subprocess.run(["paplay", f"--device={pulse_sink()}", str(wav)], env=env, check=True, timeout=60)
    return child.finish()


def pulse_sink() -> str:
    from pulse_server import SINK

    return SINK


def check_saved_answer(home: Path, answer: SyntheticAnswer) -> dict:
    with Store.open(home, readonly=True) as store:
        sessions = store.sessions()
        assert len(sessions) == 1 and sessions[0].complete is True
        answers = store.answers(sessions[0].id)
    assert len(answers) == 1
    a = answers[0].analysis.to_dict()
    text = a["transcript"].lower()
    assert all(w in text for w in ("helping people", "calls a day", "phone company", "i learned", "clear plan")), text
    # pace within 10 % of the truth (words without fillers over first-to-last speech)
    assert abs(a["pace"]["wpm"] - answer.wpm) / answer.wpm < 0.10, (a["pace"]["wpm"], answer.wpm)
    # the 2 s pause, placed relative to the first speech (playback started at an unknown moment of the recording)
    first = a["speech"][0]["start"]
    (p0, p1), = answer.pauses(1.5)
    truth_start, truth_end = p0 - answer.first_speech_s, p1 - answer.first_speech_s
    matches = [p for p in a["pauses"]["items"]
               if abs(p["start"] - first - truth_start) <= 0.25 and abs(p["end"] - first - truth_end) <= 0.25]
    assert matches, (a["pauses"]["items"], first, truth_start, truth_end)
    # the "um", found within 0.3 s of where it was said
    um = answer.fillers[0]
    um_start, um_end = um.start - answer.first_speech_s, um.end - answer.first_speech_s
    found = [f for f in a["fillers"]["items"] if f["start"] - first < um_end + 0.3 and f["end"] - first > um_start - 0.3]
    assert found, (a["fillers"]["items"], um_start, um_end)
    assert a["capture"]["end_reason"] == "silence"
    assert a["time_to_feedback_s"] is not None and a["time_to_feedback_s"] >= a["capture"]["analysis_s"] >= 0
    return a


def test_practice_quiet_through_pulseaudio(pulse_server, answer_wav, tmp_path: Path) -> None:
    answer, wav = answer_wav
    code, out, err = run_practice(pulse_server, tmp_path / "home", wav, ["--quiet"], pulse_server.env())
    assert code == 0, (out, err)
    assert "Interviewer: Let's start." in out and "Session summary" in out
    a = check_saved_answer(tmp_path / "home", answer)
    print(f"time to feedback (printed): {a['time_to_feedback_s']:.3f} s, analysis {a['capture']['analysis_s']:.3f} s")


def test_practice_spoken_through_pulseaudio(pulse_server, answer_wav, tmp_path: Path) -> None:
    """The interviewer speaks (pyttsx3 -> sounddevice) into a second sink, so the microphone hears only the answer."""
    answer, wav = answer_wav
    env = {**pulse_server.env(), "PULSE_SINK": "vc_drain"}
    code, out, err = run_practice(pulse_server, tmp_path / "home", wav, ["--phone-line"], env)
    assert code == 0, (out, err)
    assert "Interviewer: Let's start." in out  # spoken lines are echoed on screen too
    a = check_saved_answer(tmp_path / "home", answer)
    print(f"time to feedback (spoken): {a['time_to_feedback_s']:.3f} s, analysis {a['capture']['analysis_s']:.3f} s")


def test_practice_without_a_microphone_is_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PULSE_SERVER"}
    env["PULSE_SERVER"] = f"unix:{tmp_path}/no-such-socket"
    proc = subprocess.run([sys.executable, "-m", "voice_coach", "practice", "--quiet", "--home", str(tmp_path / "h")],
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "voice-coach devices" in lines[0] and "--input-device" in lines[0] and "--answers" in lines[0]


def test_sound_server_dying_mid_answer_keeps_the_answer(answer_wav, tmp_path: Path) -> None:
    """A private daemon of its own, killed while the answer plays: one line, the answer so far saved, exit 2."""
    from pulse_server import start_pulse_server

    if shutil.which("paplay") is None:
        pytest.skip("paplay is not installed (apt-get install pulseaudio-utils)")
    _, wav = answer_wav
    server = start_pulse_server(set_env=False)
    try:
        env = server.env()
        child = Child(["practice", "--quiet", "--count", "1", "--question", QUESTION, "--home", str(tmp_path / "home"),
                       "--no-answer", "30"], env)
        child.wait_for("Listening")
        player = subprocess.Popen(["paplay", f"--device={pulse_sink()}", str(wav)], env=env)
        time.sleep(5.0)
        server.kill()
        player.wait(timeout=10)
        code, out, err = child.finish()
    finally:
        server.stop()
    assert code == 2, (out, err)
    lines = [line for line in err.strip().splitlines() if line.startswith("voice-coach:")]
    assert len(lines) == 1 and "--answers" in lines[0], err
    with Store.open(tmp_path / "home", readonly=True) as store:
        (session,) = store.sessions()
        (saved,) = store.answers(session.id)
    assert session.complete is False
    assert saved.analysis.to_dict()["capture"]["end_reason"] == "device_lost"
    assert 3.0 < saved.analysis.to_dict()["duration_s"] < 8.0
    assert "helping people" in saved.analysis.to_dict()["transcript"].lower()
