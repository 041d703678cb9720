"""The target band for each tracked metric, and the small formatters every view shares.

The bands are product choices, stated once here so history, review, progress and the charts agree.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from voice_coach.core import targets as T


@dataclass(frozen=True)
class Target:
    """A metric tracked over sessions and the band it should sit in."""

    key: str
    """Attribute of SessionSummary (or a derived one) that holds the value."""
    label: str
    unit: str
    low: float | None
    """Lower edge of the band, None if there is no floor."""
    high: float | None
    """Upper edge of the band, None if there is no ceiling."""
    digits: int = 0
    percent: bool = False
    """Stored as 0..1, shown as a percentage."""

    def inside(self, value: float) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def side(self, value: float) -> str:
        """"inside", "above" or "below" the band."""
        if self.low is not None and value < self.low:
            return "below"
        if self.high is not None and value > self.high:
            return "above"
        return "inside"

    def fmt(self, value: float | None, *, unit: bool = True) -> str:
        if value is None:
            return "–"
        shown = value * 100 if self.percent else value
        text = f"{shown:.{self.digits}f}"
        if not unit:
            return text + ("%" if self.percent else "")
        return text + ("%" if self.percent else f" {self.unit}" if self.unit else "")

    def band_text(self) -> str:
        scale = 100 if self.percent else 1
        suffix = "%" if self.percent else f" {self.unit}" if self.unit else ""
        if self.low is not None and self.high is not None:
            return f"{self.low * scale:g}-{self.high * scale:g}{suffix}"
        if self.high is not None:
            return f"≤ {self.high * scale:g}{suffix}"
        return f"≥ {(self.low or 0) * scale:g}{suffix}"


def pace_target(band: tuple[float, float] | None = None) -> Target:
    """Pace in words per minute; the band comes from AnalysisSettings unless given."""
    if band is None:
        band = T.PACE_WPM
    return Target("wpm", "pace", "wpm", float(band[0]), float(band[1]))


FILLERS = Target("fillers_per_min", "fillers", "per min", None, T.FILLERS_PER_MIN, digits=1)
"""Up to about three fillers a minute goes unnoticed on a call; more starts to sound unsure."""
DEAD_AIR = Target("dead_air_per_answer", "dead air", "per answer", None, T.DEAD_AIR_PER_ANSWER, digits=1)
"""Dead-air events (silences of dead_air_s or more) per answer; the aim is none."""
LATENCY = Target("response_latency_s", "response latency", "s", None, T.RESPONSE_LATENCY_S, digits=1)
"""Seconds from the end of the question to the first word; a short think is fine, a long one is dead air."""
STAR = Target("star_complete", "STAR completeness", "", T.STAR_COMPLETE_MIN, 1.0, percent=True)
"""Share of Situation, Task, Action, Result present; three of four is the floor."""


POINTS = Target("points_covered", "talking points covered", "", T.TALKING_POINTS_MIN, 1.0, percent=True)
"""Share of the questions' talking points an answer covered, pooled over answers."""


def all_targets(pace_band: tuple[float, float] | None = None) -> tuple[Target, ...]:
    return (pace_target(pace_band), FILLERS, DEAD_AIR, LATENCY, STAR, POINTS)


def fmt_date(ts: float) -> str:
    """Local date and time, e.g. "2026-11-23 11:42"."""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


def fmt_clock(seconds: float) -> str:
    """"m:ss.s" position inside an answer."""
    seconds = max(0.0, float(seconds))
    minutes, rest = divmod(seconds, 60.0)
    return f"{int(minutes)}:{rest:04.1f}"


def fmt_duration(seconds: float | None) -> str:
    """"1 min 05 s" or "42 s"."""
    if seconds is None:
        return "–"
    total = round(seconds)
    if total < 60:
        return f"{total} s"
    return f"{total // 60} min {total % 60:02d} s"


def fmt_pause(duration: float) -> str:
    """How a pause reads inline in a transcript: "[3.4 s]"."""
    return f"[{duration:.1f} s]"
