"""Speaking pace: words per minute over the speaking span, fillers excluded.

The span runs from the first speech to the last (voice activity on the samples), pauses included:
that is the pace a listener hears. Articulation rate leaves out pauses of a second or more.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any, Sequence

from voice_coach.core.targets import PACE_WPM
from voice_coach.core.timed import Span, Word

WINDOW_S = 15.0


def _band(value: Any, default: tuple[float, float]) -> tuple[float, float]:
    """A stored [lo, hi] band, or `default` when an older record has none."""
    return (float(value[0]), float(value[1])) if value and len(value) == 2 else default


@dataclass(frozen=True)
class PaceWindow:
    start: float
    end: float
    wpm: float


@dataclass(frozen=True)
class PaceResult:
    wpm: float
    articulation_wpm: float
    word_count: int
    windows: tuple[PaceWindow, ...]
    verdict: str
    """"slow", "good", "fast", or "n/a" when there is too little speech to judge."""
    band: tuple[float, float]

    def to_dict(self) -> dict:
        return {
            "wpm": round(self.wpm, 1),
            "articulation_wpm": round(self.articulation_wpm, 1),
            "word_count": self.word_count,
            "windows": [{"start": w.start, "end": w.end, "wpm": round(w.wpm, 1)} for w in self.windows],
            "verdict": self.verdict,
            "band": list(self.band),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PaceResult:
        windows = tuple(PaceWindow(float(w["start"]), float(w["end"]), float(w["wpm"])) for w in d.get("windows", ()))
        return cls(float(d.get("wpm") or 0.0), float(d.get("articulation_wpm") or 0.0), int(d.get("word_count") or 0),
                   windows, str(d.get("verdict", "n/a")), _band(d.get("band"), PACE_WPM))


def pace_verdict(wpm: float, band: tuple[float, float], minimum_words: int, words: int) -> str:
    if words < minimum_words:
        return "n/a"
    low, high = band
    return "slow" if wpm < low else "fast" if wpm > high else "good"


def measure_pace(
    words: Sequence[Word],
    speech: Sequence[Span],
    pauses: Sequence[Span],
    band: tuple[float, float] = PACE_WPM,
    window_s: float = WINDOW_S,
) -> PaceResult:
    """`speech`: speech spans from voice activity; `pauses`: the pauses >= 1 s inside the answer."""
    spoken = [w for w in words if not w.filler]
    if not speech or not spoken:
        return PaceResult(0.0, 0.0, len(spoken), (), "n/a", band)
    start, end = speech[0].start, speech[-1].end
    span = max(end - start, 1e-6)
    wpm = 60.0 * len(spoken) / span
    talking = span - sum(p.duration for p in pauses)
    articulation = 60.0 * len(spoken) / max(talking, 1e-6)
    windows = []
    t = start
    while t < end - 1e-6:
        w_end = min(t + window_s, end)
        # A short tail window is noisy; fold it into the previous one.
        if windows and w_end - t < window_s / 2:
            prev = windows.pop()
            t = prev.start
        count = sum(1 for w in spoken if t <= (w.start + w.end) / 2 < w_end)
        windows.append(PaceWindow(round(t, 2), round(w_end, 2), 60.0 * count / max(w_end - t, 1e-6)))
        t = w_end
    return PaceResult(wpm, articulation, len(spoken), tuple(windows), pace_verdict(wpm, band, 8, len(spoken)), band)
