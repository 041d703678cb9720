"""Answer length against a target band (behavioral answers: about one to two minutes)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from voice_coach.core.targets import LENGTH_BY_KIND_S


@dataclass(frozen=True)
class LengthResult:
    speaking_s: float
    """First speech to last speech: the answer as the interviewer heard it."""
    verdict: str
    """"short", "good" or "long"; "n/a" when nobody spoke."""
    band: tuple[float, float]

    def to_dict(self) -> dict:
        return {"speaking_s": round(self.speaking_s, 3), "verdict": self.verdict, "band": list(self.band)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LengthResult:
        band = d.get("band")
        lo_hi = (float(band[0]), float(band[1])) if band and len(band) == 2 else LENGTH_BY_KIND_S["behavioral"]
        return cls(float(d.get("speaking_s") or 0.0), str(d.get("verdict", "n/a")), lo_hi)


def measure_length(first_speech_s: float | None, last_speech_s: float | None, band: tuple[float, float]) -> LengthResult:
    if first_speech_s is None or last_speech_s is None:
        return LengthResult(0.0, "n/a", band)
    speaking = round(max(0.0, last_speech_s - first_speech_s), 3)  # as stored, so a saved answer reads back equal
    verdict = "short" if speaking < band[0] else "long" if speaking > band[1] else "good"
    return LengthResult(speaking, verdict, band)
