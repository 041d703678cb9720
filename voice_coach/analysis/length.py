"""Answer length against a target band (behavioral answers: about one to two minutes)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LengthResult:
    speaking_s: float
    """First speech to last speech: the answer as the interviewer heard it."""
    verdict: str
    """"short", "good" or "long"; "n/a" when nobody spoke."""
    band: tuple[float, float]

    def to_dict(self) -> dict:
        return {"speaking_s": round(self.speaking_s, 2), "verdict": self.verdict, "band": list(self.band)}


def measure_length(first_speech_s: float | None, last_speech_s: float | None, band: tuple[float, float]) -> LengthResult:
    if first_speech_s is None or last_speech_s is None:
        return LengthResult(0.0, "n/a", band)
    speaking = max(0.0, last_speech_s - first_speech_s)
    verdict = "short" if speaking < band[0] else "long" if speaking > band[1] else "good"
    return LengthResult(speaking, verdict, band)
