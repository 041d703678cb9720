"""What practice, demo and mic-check print: lines wrapped at words, plurals, silence named as such."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import pytest
from rich.console import Console

from voice_coach.commands import mic_check, practice
from voice_coach.interview.lines import load_lines

GREETING = load_lines().say("greeting", role="Customer service representative", count="four questions")


@pytest.mark.parametrize("width", [80, 90, 100])
def test_printed_interviewer_lines_wrap_at_words(width: int) -> None:
    """--quiet printed each line whole and the terminal broke it wherever it reached the edge ("phone s" / "creen")."""
    console = Console(width=width, color_system=None, record=True)
    speaker = practice.make_speaker(argparse.Namespace(quiet=True), console)
    speaker.say(GREETING)
    lines = console.export_text().splitlines()
    assert len(lines) > 1 and all(len(line) <= width for line in lines)
    assert " ".join(line.strip() for line in lines) == "Interviewer: " + GREETING  # every break is between words
    demo_speaker = practice.printed_speaker(console)  # the demo's, when it has no sound or --quiet
    assert type(demo_speaker) is type(speaker)


def test_practice_plural_options_line() -> None:
    assert practice.plural(1, "question") == "1 question" and practice.plural(5, "question") == "5 questions"


def test_mic_check_says_silent_for_digital_silence() -> None:
    console = Console(width=100, color_system=None, record=True)
    console.print(mic_check.render_meter(-120.0, -120.0, 1.0, 5.0))
    line = console.export_text().rstrip("\n")
    assert "inf" not in line and " silent " in line and "peak silent" in line and "4.0 s left" in line
    console = Console(width=100, color_system=None, record=True)
    console.print(mic_check.render_meter(-120.0, -20.0, 1.0, 5.0))  # quiet now, but something was heard
    line = console.export_text().rstrip("\n")
    assert " silent " in line and "peak -20.0" in line
    # the bar keeps its place whichever is shown
    console = Console(width=100, color_system=None, record=True)
    console.print(mic_check.render_meter(-30.0, -12.0, 1.5, 5.0))
    assert console.export_text().index("peak") == line.index("peak")


@pytest.mark.slow
def test_demo_interviewer_lines_fit_a_90_column_terminal(tmp_path) -> None:
    env = {**os.environ, "COLUMNS": "90"}
    proc = subprocess.run([sys.executable, "-m", "voice_coach", "demo", "--fast", "--quiet", "--home", str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert all(len(line) <= 90 for line in lines), max(lines, key=len)
    assert "Interviewer: " + GREETING in " ".join(" ".join(lines).split())
