"""Dead air: response latency, pauses inside the answer, dead-air events and the share of silence.

Measured on speech spans found in the samples (voice activity), never on word timestamps, which
stretch into silences and often start the first word at 0.0.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any, Sequence

from voice_coach.core.targets import DEAD_AIR_S, PAUSE_MIN_S
from voice_coach.core.timed import Span


@dataclass(frozen=True)
class PauseResult:
    items: tuple[Span, ...]
    """Every silence of at least `pause_min_s` between the first and the last speech."""
    response_latency_s: float | None
    """Start of the recording to the first speech; None when nobody spoke."""
    dead_air: tuple[Span, ...]
    longest_s: float
    silence_share: float
    """Share of the speaking span (first to last speech) that is silence of any length."""
    pause_min_s: float
    dead_air_s: float

    def to_dict(self) -> dict:
        return {
            "items": [{"start": p.start, "end": p.end, "duration": round(p.duration, 3)} for p in self.items],
            "response_latency_s": self.response_latency_s,
            "dead_air": [{"start": p.start, "end": p.end, "duration": round(p.duration, 3)} for p in self.dead_air],
            "dead_air_count": len(self.dead_air),
            "longest_s": round(self.longest_s, 3),
            "silence_share": round(self.silence_share, 4),
            "pause_min_s": self.pause_min_s,
            "dead_air_s": self.dead_air_s,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PauseResult:
        spans = lambda key: tuple(Span(float(p["start"]), float(p["end"])) for p in d.get(key, ()))  # noqa: E731
        latency = d.get("response_latency_s")
        return cls(spans("items"), None if latency is None else float(latency), spans("dead_air"),
                   float(d.get("longest_s") or 0.0), float(d.get("silence_share") or 0.0),
                   float(d.get("pause_min_s") or PAUSE_MIN_S), float(d.get("dead_air_s") or DEAD_AIR_S))


def measure_pauses(speech: Sequence[Span], pause_min_s: float = 1.0, dead_air_s: float = 3.0) -> PauseResult:
    """Pauses are the gaps between consecutive speech spans (already sample-accurate)."""
    if not speech:
        return PauseResult((), None, (), 0.0, 0.0, pause_min_s, dead_air_s)
    gaps = [Span(a.end, b.start) for a, b in zip(speech, speech[1:]) if b.start > a.end]
    items = tuple(g for g in gaps if g.duration >= pause_min_s)
    span = speech[-1].end - speech[0].start
    silent = sum(g.duration for g in gaps)
    return PauseResult(
        items=items,
        response_latency_s=round(speech[0].start, 4),
        dead_air=tuple(g for g in items if g.duration >= dead_air_s),
        longest_s=max((g.duration for g in gaps), default=0.0),
        silence_share=silent / span if span > 0 else 0.0,
        pause_min_s=pause_min_s,
        dead_air_s=dead_air_s,
    )
