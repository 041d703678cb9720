"""Progress as data: one point per session (or day, or week) and a plain sentence on each trend.

Pure functions over SessionSummary; the terminal, SVG and PNG charts all draw these points.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from voice_coach.analysis.session_figures import AnswerTotals, SessionFigures
from voice_coach.store.records import SessionSummary
from voice_coach.views.targets import Target

GROUPINGS = ("session", "day", "week")

STEADY = {"wpm": 3.0, "fillers_per_min": 0.3, "dead_air_per_answer": 0.2, "response_latency_s": 0.2, "star_complete": 0.05,
          "points_covered": 0.05}
"""Changes smaller than this between the first and last point read as "held steady"."""


@dataclass(frozen=True)
class Point:
    """One point on every progress chart."""

    ts: float
    """Start of the session, or of the day/week, as a Unix time."""
    label: str
    answers: int
    values: Mapping[str, float | None] = field(default_factory=dict)


def combine(group: Sequence[SessionSummary]) -> dict[str, float | None]:
    """Metric values over several sessions: their totals summed, then the figures of analysis.session_figures."""
    figures = SessionFigures(sum((s.totals for s in group), AnswerTotals()))
    return {
        "wpm": figures.wpm,
        "fillers_per_min": figures.fillers_per_min,
        "dead_air_per_answer": figures.dead_air_per_answer,
        "response_latency_s": figures.response_latency_s,
        "star_complete": figures.star_complete,
        "points_covered": figures.points_covered,
    }


def _period_start(ts: float, by: str) -> tuple[float, str]:
    t = time.localtime(ts)
    day = time.mktime((t.tm_year, t.tm_mon, t.tm_mday, 0, 0, 0, 0, 0, -1))
    if by == "day":
        return day, time.strftime("%Y-%m-%d", time.localtime(day))
    monday = day - t.tm_wday * 86400
    lt = time.localtime(monday + 3 * 3600)  # stay clear of DST edges when naming the week
    monday = time.mktime((lt.tm_year, lt.tm_mon, lt.tm_mday, 0, 0, 0, 0, 0, -1))
    return monday, "week of " + time.strftime("%Y-%m-%d", time.localtime(monday))


def points(summaries: Sequence[SessionSummary], by: str = "session") -> list[Point]:
    """Oldest first: one point per session, or per local calendar day or week (Monday start)."""
    ordered = sorted(summaries, key=lambda s: (s.started_ts, s.id))
    if by == "session":
        return [Point(s.started_ts, s.id, s.answers, combine([s])) for s in ordered]
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    groups: dict[float, tuple[str, list[SessionSummary]]] = {}
    for s in ordered:
        start, label = _period_start(s.started_ts, by)
        groups.setdefault(start, (label, []))[1].append(s)
    return [Point(start, label, sum(x.answers for x in g), combine(g)) for start, (label, g) in groups.items()]


@dataclass(frozen=True)
class Trend:
    target: Target
    first: float
    last: float
    count: int
    """How many points the trend spans."""

    @property
    def changed(self) -> bool:
        return abs(self.last - self.first) >= STEADY.get(self.target.key, 0.0)


def trend(target: Target, pts: Sequence[Point], window: int = 10) -> Trend | None:
    """First and last value over the last `window` points that have this metric; None under two points."""
    values = [p.values.get(target.key) for p in pts]
    have = [v for v in values if v is not None][-window:]
    if len(have) < 2:
        return None
    return Trend(target, have[0], have[-1], len(have))


def _unit(by: str, n: int) -> str:
    word = {"session": "session", "day": "day", "week": "week"}[by]
    return word if n == 1 else word + "s"


def trend_sentence(target: Target, pts: Sequence[Point], by: str = "session", window: int = 10) -> str:
    """E.g. "pace went from 182 to 151 wpm over your last 6 sessions; now inside the target band (130-160 wpm)"."""
    have = [p for p in pts if p.values.get(target.key) is not None]
    if not have:
        return f"{target.label}: no data yet"
    if len(have) == 1:
        return f"{target.label}: only one {_unit(by, 1)} so far ({target.fmt(have[0].values[target.key])}); not enough data for a trend yet"
    t = trend(target, pts, window)
    assert t is not None
    span = f"over your last {t.count} {_unit(by, t.count)}" if len(have) > t.count else f"over your {t.count} {_unit(by, t.count)}"
    now, before = target.side(t.last), target.side(t.first)
    band = f"the target band ({target.band_text()})"
    if now == "inside":
        where = f"now inside {band}" if before != "inside" else f"inside {band}"
    else:
        where = f"still {now} {band}" if before == now else f"now {now} {band}"
    if t.changed:
        a, b = target.fmt(t.first, unit=False), target.fmt(t.last)
        return f"{target.label} went from {a} to {b} {span}; {where}"
    return f"{target.label} held steady at about {target.fmt(t.last)} {span}; {where}"


def summary_sentence(pts: Sequence[Point], by: str = "session") -> str:
    """The opening line: how much data there is."""
    if not pts:
        return "No saved sessions yet: practise a session, or add recordings with `voice-coach import FILE`."
    answers = sum(p.answers for p in pts)
    first, last = time.strftime("%Y-%m-%d", time.localtime(pts[0].ts)), time.strftime("%Y-%m-%d", time.localtime(pts[-1].ts))
    when = first if first == last else f"{first} to {last}"
    text = f"{len(pts)} {_unit(by, len(pts))}, {answers} answer{'s' if answers != 1 else ''}, {when}"
    if len(pts) == 1:
        text += ". Not enough data for a trend yet: one more session will show which way you are heading."
    return text
