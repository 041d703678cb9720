"""What one interview is run with: analysis thresholds, targets, capture rules, lines and what the store is told.

`practice` and `demo` build it in one place (commands/practice.py `interview_settings`); the tests
build it directly. The collaborators (questions, inputs, speaker, transcriber, console, store, Enter
key) are not settings: they are passed to `Interview` itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from voice_coach.core.settings import AnalysisSettings
from voice_coach.core.targets import DEFAULT_TARGETS, Targets
from voice_coach.interview.lines import InterviewerLines, load_lines
from voice_coach.live.capture import CaptureSettings


@dataclass(frozen=True)
class InterviewSettings:
    """How one interview is run."""

    analysis: AnalysisSettings = AnalysisSettings()
    """Thresholds of the analysis (pace band, pause, dead air); each question sets its own length band
    and whether a STAR answer is expected on top of these."""
    targets: Targets = DEFAULT_TARGETS
    """Bands and limits (core/targets.py with --pace, --length and friends applied): the length band
    of each question kind and of a follow-up answer."""
    capture: CaptureSettings = CaptureSettings()
    """When an answer counts as over: end-of-answer silence, longest answer, no answer after the question."""
    lines: InterviewerLines = field(default_factory=load_lines)
    """What the interviewer says (by default the shipped prompts/interviewer.toml)."""
    kind: str = "practice"
    """The session's kind as the store records it: "practice" or "demo"."""
    bank_label: str | None = None
    """Where the questions came from, as the store records it (the bank file's path)."""
    role: str = "customer service"
    """The job the interview is for, named in the greeting (the bank's role)."""
    terms: tuple[str, ...] = ()
    """The bank's job-related terms, counted in each answer's content."""
    session_settings: Mapping[str, Any] = field(default_factory=dict)
    """What the store keeps about how the session was run (commands/practice.py `session_settings`)."""
    echo: bool = False
    """Print each of the interviewer's lines as it is spoken."""
    seed: int | None = None
    """Seed for the choice among a line's alternatives (None: a different choice each run)."""
    show_live: bool | None = None
    """Show the live view while listening; None: only when the console is a terminal."""
    retry: bool = False
    """After each question's feedback, ask whether to try it again (`practice --retry`); without it a
    try again is only on request ("r" then Enter)."""
