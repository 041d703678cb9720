"""What an interview produces and how it stopped: the records the session returns and the commands read.

Kept apart from the interview loop (interview/session.py, which re-exports them) so that the commands,
the views and the tests can name a Turn or a StopReason without the loop's imports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from voice_coach.analysis.answer import AnswerAnalysis
from voice_coach.analysis.feedback import Feedback, SessionRecap
from voice_coach.core.interfaces import Transcriber
from voice_coach.interview.bank import Question
from voice_coach.live.background import BackgroundCall
from voice_coach.live.capture import Capture


class StopReason(str, Enum):
    """Why a session stopped before its last question (a session that ran to the end has None)."""

    INTERRUPTED = "interrupted"
    """Ctrl-C, SIGTERM or SIGHUP (SessionOutcome.stop_signal says which)."""
    DEVICE = "device"
    """A microphone or speaker failed."""

    def __str__(self) -> str:
        return self.value


# ---------------------------------------------------------------- the model
class ModelLoader:
    """Loads the Whisper model once, on a "model-loader" thread (live/background.py), while the greeting is spoken."""

    def __init__(self, load: Callable[[], Transcriber]) -> None:
        self._call = BackgroundCall("model-loader", load)

    def get(self) -> Transcriber:
        """The model once it is loaded; a load failure is raised here, on the session's thread."""
        return self._call.result()


# ---------------------------------------------------------------- results
@dataclass(frozen=True)
class Turn:
    """One analysed answer (or follow-up answer), as saved."""

    question: Question
    is_followup: bool
    analysis: AnswerAnalysis
    feedback: Feedback
    capture: Capture
    time_to_feedback_s: float | None
    number: int | None
    """Its number in the stored session (None when nothing is stored)."""
    parent: int | None = None
    probe: str | None = None
    attempt: int = 1
    """1 for the first answer to a question, 2 for the first try again, and so on (follow-ups: their answer's)."""


@dataclass(frozen=True)
class SessionOutcome:
    turns: tuple[Turn, ...]
    asked: int
    complete: bool
    stopped: StopReason | None
    """None when the session ran to its end."""
    session_id: str | None
    recap: SessionRecap
    saved: int = 0
    """Answers saved in the store (0 when nothing is stored)."""
    stop_signal: int | None = None
    """The signal that stopped the session (signal.SIGINT for Ctrl-C), if one did."""
