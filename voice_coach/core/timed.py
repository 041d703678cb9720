"""Timed values shared by every stage: words and spans, in seconds from the start of the answer.

Time inside analysis is always samples / SAMPLE_RATE, never the wall clock, so a file replayed
fast gives the same figures as a live microphone.
"""

from __future__ import annotations

from dataclasses import dataclass

SAMPLE_RATE = 16_000
"""The one internal audio currency: mono float32 at 16 kHz."""


@dataclass(frozen=True)
class Span:
    """A stretch of time [start, end) in seconds."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Word:
    """One transcribed (or acoustically found) word.

    `text` keeps Whisper's punctuation ("customer.") so sentences can be split later;
    `source` is "asr" for Whisper's words and "acoustic" for hesitations found in the samples.
    """

    text: str
    start: float
    end: float
    probability: float = 1.0
    filler: bool = False
    source: str = "asr"

    @property
    def bare(self) -> str:
        """Lower-case text without punctuation, for matching."""
        return "".join(ch for ch in self.text.lower() if ch.isalnum() or ch in "'-").strip("-'")
