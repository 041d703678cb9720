"""`practice --retry` end to end: a real child process, recorded answers, the real model, the prompt on stdin."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from voice_coach.store import Store
from voice_coach.testing.synth import Filler, build_answer, write_wav

pytestmark = pytest.mark.slow

FIRST = ["I like helping people.", Filler("um"), "Um, I guess I answered, like, a lot of calls.", Filler("uh"),
         "Uh, and people were happy."]
SECOND = ["I enjoy solving problems for people on the phone.",
          "In my last job I answered about forty calls a day, and most callers left happier than they called."]


def test_retry_asks_again_and_the_second_feedback_compares(tmp_path: Path) -> None:
    answers = tmp_path / "answers"
    answers.mkdir()
    write_wav(answers / "01.wav", build_answer(FIRST, voice="en-us", rate_wpm=190, lead_in_s=0.3, tail_s=0.5, seed=2))
    write_wav(answers / "02.wav", build_answer(SECOND, voice="en-us", rate_wpm=140, lead_in_s=0.3, tail_s=0.5, seed=3))
    home = tmp_path / "home"
    proc = subprocess.Popen([sys.executable, "-m", "voice_coach", "practice", "--answers", str(answers), "--quiet",
                             "--retry", "--count", "1", "--question", "why-customer-service", "--home", str(home)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "COLUMNS": "100", "PYTHONUNBUFFERED": "1"})
    replies, out = ["r", ""], []

    def read() -> None:
        assert proc.stdout is not None and proc.stdin is not None
        for line in proc.stdout:
            out.append(line)
            if "Try this question again?" in line and replies:
                proc.stdin.write(replies.pop(0) + "\n")
                proc.stdin.flush()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        code = proc.wait(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
    reader.join(5)
    text = "".join(out)
    assert code == 0, text + proc.stderr.read()
    assert text.count("Try this question again?") == 2 and replies == []
    assert "Of course, let's try that one again." in text and "Try 2 compared with try 1" in text
    with Store.open(home, readonly=True) as store:
        (session,) = store.sessions()
        first, second = store.answers(session.id)
    assert session.complete is True
    assert (second.parent_number, second.question["attempt"], second.question["id"]) == (1, 2, first.question["id"])
    assert second.feedback.startswith("Compared with your first try: pace "), second.feedback  # 190 vs 140 wpm voices
    assert "fewer fillers" in second.feedback or "no fillers this time" in second.feedback, second.feedback
    spoken = " ".join(" ".join(out).split())
    assert "Interviewer: " + second.feedback.split(".")[0] in spoken
    assert time.time() - second.created_ts < 300
