"""Listening to one answer: blocks from an AudioSource go into a LiveAnalyzer until the answer is over.

An answer is over when the candidate presses Enter, after `turn_silence_s` of silence once the
words so far read as a finished answer (analysis/turn_end.py: the last sentence closed and, for a
story question, a result told), after `end_silence_s` of silence following speech otherwise, at `max_answer_s`, when nobody has spoken `no_answer_s` after the question, when the source
runs out (a recorded answer), on Ctrl-C, or when the microphone goes away. Every rule is judged on
the audio's own clock (samples / 16 kHz), so a recording replayed fast ends where a live one would.
Whatever was captured stays in the LiveAnalyzer, whatever the reason.

The capture loop runs on the caller's thread. EnterKey starts one "enter-key" thread (a blocking
read of the terminal cannot share the loop's thread) the first time it is armed; it lives until the
command ends. Ctrl-C, SIGTERM and SIGHUP arrive as signals on the main thread (StopRequest), not on a
thread of its own.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from voice_coach.core.errors import DeviceError, VoiceCoachError
from voice_coach.core.interfaces import AudioSource
from voice_coach.core.timed import SAMPLE_RATE

if TYPE_CHECKING:
    from voice_coach.live.analyzer import LiveAnalyzer


class EndReason(str, Enum):
    """Why an answer ended. The value is what the store and the JSON keep (`capture.end_reason`)."""

    ENTER = "enter"
    SILENCE = "silence"
    MAX_LENGTH = "max_length"
    NO_ANSWER = "no_answer"
    SOURCE_ENDED = "source_ended"
    INTERRUPTED = "interrupted"
    DEVICE_LOST = "device_lost"
    REPEAT_REQUEST = "repeat_request"

    def __str__(self) -> str:
        return self.value

    @property
    def described(self) -> str:
        """The reason in words, as the session prints it ("silence after speech")."""
        return _DESCRIBED[self]


_DESCRIBED = {
    EndReason.ENTER: "you pressed Enter", EndReason.SILENCE: "silence after speech",
    EndReason.MAX_LENGTH: "maximum length reached", EndReason.NO_ANSWER: "no answer heard",
    EndReason.SOURCE_ENDED: "end of the recording", EndReason.INTERRUPTED: "Ctrl-C",
    EndReason.DEVICE_LOST: "the microphone went away", EndReason.REPEAT_REQUEST: "a request to repeat",
}

_REPEAT_WORDS = {"repeat", "again", "pardon", "sorry", "yes", "yeah", "yep", "please", "sure", "ok", "okay", "what",
                 "come", "say", "that", "could", "can", "you", "would", "the", "question", "one", "more", "time", "mind",
                 "i", "didn't", "catch", "hear", "it", "hello", "hi", "go", "ahead", "excuse", "me", "uh", "um"}
_REPEAT_CUES = {"repeat", "again", "pardon", "yes", "yeah", "yep", "please", "catch", "hear", "sure", "okay", "ok"}


@dataclass(frozen=True)
class CaptureSettings:
    """When an answer counts as over."""

    end_silence_s: float = 6.0
    """Silence after speech that ends the answer; keep it well above the dead-air threshold."""
    max_answer_s: float = 180.0
    """The answer is cut here, whatever is happening."""
    no_answer_s: float = 8.0
    """Nobody has spoken this long after the question: the interviewer offers to repeat it."""
    reply_silence_s: float = 1.5
    """After the repeat offer, a short "yes, please" ends this soon (a person would not wait 6 s)."""
    turn_silence_s: float = 1.0
    """Silence that ends an answer whose words read as finished (analysis/turn_end.py); the
    transcript must reach the last speech heard, so a late transcription waits longer, never less."""
    detect_turn: bool = True
    """False: only `end_silence_s` ends the answer (the old fixed rule)."""

    def check(self) -> None:
        for name in ("end_silence_s", "max_answer_s", "no_answer_s", "reply_silence_s", "turn_silence_s"):
            if not getattr(self, name) > 0:
                raise VoiceCoachError(f"--{name[:-2].replace('_', '-')} must be more than 0 s, not {getattr(self, name)}")
        if self.end_silence_s >= self.max_answer_s:
            raise VoiceCoachError(f"--end-silence ({self.end_silence_s:g} s) must be shorter than --max-answer "
                                  f"({self.max_answer_s:g} s)")


@dataclass(frozen=True)
class Capture:
    """How one capture ended. `ended_at` is time.monotonic() when the answer was judged over."""

    reason: EndReason
    ended_at: float
    duration_s: float
    error: str | None = None


def is_repeat_request(words: Sequence[str]) -> bool:
    """True for a short reply asking to hear the question again ("sorry, could you repeat that?")."""
    bare = [re.sub(r"[^a-z']", "", w.lower()) for w in words]
    bare = [w for w in bare if w]
    if not bare or len(bare) > 10:
        return False
    return any(w in _REPEAT_CUES for w in bare) and sum(w not in _REPEAT_WORDS for w in bare) <= 1


def judge(elapsed_s: float, speech_started: bool, silence_s: float, settings: CaptureSettings,
          reply_words: Sequence[str] | None = None, finished: bool = False) -> EndReason | None:
    """The end reason the audio so far gives, or None to keep listening (pure; the loop's rule book).

    `finished`: the words so far, reaching the last speech heard, read as a finished answer
    (turn_end.answer_finished); then `turn_silence_s` of silence ends it.
    """
    from voice_coach.analysis.turn_end import silence_needed

    if elapsed_s >= settings.max_answer_s:
        return EndReason.MAX_LENGTH
    if not speech_started:
        return EndReason.NO_ANSWER if elapsed_s >= settings.no_answer_s else None
    if silence_s >= silence_needed(finished and settings.detect_turn, settings.turn_silence_s, settings.end_silence_s):
        return EndReason.SILENCE
    if reply_words is not None and silence_s >= settings.reply_silence_s and is_repeat_request(reply_words):
        return EndReason.REPEAT_REQUEST
    return None


def capture_answer(
    source: AudioSource,
    live: LiveAnalyzer,
    settings: CaptureSettings = CaptureSettings(),
    *,
    enter: threading.Event | None = None,
    stop: threading.Event | None = None,
    reply: bool = False,
) -> Capture:
    """Feed `source` into `live` (a LiveAnalyzer) until the answer is over; the source is closed afterwards.

    `enter` set ends the answer at the next block; `stop` set (Ctrl-C) ends it as interrupted.
    `reply=True` listens for a request to repeat the question.
    """
    samples = 0
    reason: EndReason | None = None
    error: str | None = None
    turn = _TurnReader(live, settings)
    try:
        for block in source.blocks():
            live.insert(block)
            samples += len(block)
            if stop is not None and stop.is_set():
                reason = EndReason.INTERRUPTED
            elif enter is not None and enter.is_set():
                reason = EndReason.ENTER
            else:
                words = [w.text for w in live.words()] if reply else None
                silence = live.silence_s
                reason = judge(samples / SAMPLE_RATE, live.speech_started, silence, settings, words,
                               finished=turn.finished(silence))
            if reason is not None:
                break
        else:
            reason = EndReason.INTERRUPTED if stop is not None and stop.is_set() else EndReason.SOURCE_ENDED
    except KeyboardInterrupt:
        reason = EndReason.INTERRUPTED
    except DeviceError as exc:
        reason, error = EndReason.DEVICE_LOST, str(exc)
    ended_at = time.monotonic()
    with contextlib.suppress(Exception):  # a vanished device may fail to close; the answer is what matters
        source.close()
    return Capture(reason or EndReason.SOURCE_ENDED, ended_at, samples / SAMPLE_RATE, error)


class _TurnReader:
    """Reads the end-of-turn rule off the analyzer's words, once a silence is long enough to matter,
    and again only when the words change."""

    def __init__(self, live: LiveAnalyzer, settings: CaptureSettings) -> None:
        self.live, self.settings = live, settings
        self.expect_star = bool(getattr(getattr(live, "settings", None), "expect_star", True))
        self._key: tuple | None = None
        self._finished = False

    def finished(self, silence_s: float) -> bool:
        if not self.settings.detect_turn or silence_s < self.settings.turn_silence_s:
            return False
        heard = getattr(self.live, "heard_words", None)
        if heard is None:
            return False
        words, covered = heard()
        if not covered or not words:
            return False
        key = (len(words), words[-1])
        if key != self._key:
            from voice_coach.analysis.turn_end import answer_finished

            self._key, self._finished = key, answer_finished(words, self.expect_star)
        return self._finished


# ---------------------------------------------------------------- keys and signals
