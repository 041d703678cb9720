"""Geometry shared by the SVG and PNG progress charts: plot box, value range, ticks, point positions,
x-axis labels and the legend, so the two pictures cannot disagree.

The value axis fits the data and the target band (it does not start at 0 unless the data come
near it), so a change of 10 wpm is visible. Points are evenly spaced in time order; their labels
say when each was (the time for sessions, with the day under the first point of each day), so
sessions of one evening are told apart.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from voice_coach.views.progress_data import Point
from voice_coach.views.targets import Target

# The palette both renderers use; the legend explains every one of them.
BAND_FILL = "#d9f2d9"
LINE = "#1f5fa8"
IN_DOT = "#2a8a2a"
OUT_DOT = "#d08000"
INK = "#222222"
MUTED = "#555555"
GRID = "#e4e4e4"
AXIS = "#888888"

PAD = 0.1
"""Share of the value span left free above and below the data, so no dot sits on the plot's edge."""
X_INSET = 34
"""Pixels between the plot's sides and the first and last point, room for a centred label."""
CHAR_PX = 6.6
"""Estimated width of one character of the 11 px label font (both renderers), for spacing labels."""


def nice_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten) covering [lo, hi]."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(1, count)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(lo / step + 1e-9) * step
    ticks = [round(first, 10)]
    while ticks[-1] < hi - step * 1e-6:
        ticks.append(round(first + len(ticks) * step, 10))
    return ticks


def value_range(target: Target, values: Sequence[float | None]) -> tuple[float, float, list[float], float | None]:
    """(bottom, top, ticks, floor) of the value axis: the data and the band's finite edges, padded a little.

    A band without a floor reaches down to 0. The axis leaves a little room under 0 and over 100 %
    (for the dots), but no tick or band goes below 0 for values that cannot, nor above 100 % for a share. The ends are not rounded
    out to ticks (that could double the range); the round ticks are those inside.
    """
    have = [v for v in values if v is not None]
    edges = [e for e in (target.low, target.high) if e is not None]
    if target.low is None and all(v >= 0 for v in [*have, *edges]):
        edges.append(0.0)  # a band with no floor ("at most 3 per min") reaches down to 0: show all of it
    lo, hi = min([*have, *edges]), max([*have, *edges])
    if not have:
        lo = min(lo, 0.0)
    span = hi - lo
    if span < 1e-9:  # one value on a one-edged band: show a little on either side
        span = max(abs(hi) * 0.2, 0.01 if target.percent else 1.0)
        lo, hi = lo - span / 2, hi + span / 2
    floor = 0.0 if min([*have, *edges]) >= 0 else None
    if floor is not None and lo - span * PAD < 0:
        lo = -span * PAD  # room under a dot at 0, but no tick below 0
    else:
        lo -= span * PAD
    hi += span * PAD
    top = min(hi, 1.0) if target.percent else hi  # a share's axis may run past 100 % (room for a dot), its ticks do not
    bottom = max(lo, floor) if floor is not None else lo
    eps = (hi - lo) * 1e-6
    for count in (4, 6, 8):
        ticks = [t for t in nice_ticks(bottom, hi, count) if bottom - eps <= t <= top + eps]
        if len(ticks) >= 3:
            break
    return lo, hi, ticks, floor


@dataclass(frozen=True)
class XLabel:
    """A label under one point: `text` (e.g. the time "18:20"), and `day` under it where the day changes."""

    x: float
    text: str
    day: str | None = None


@dataclass(frozen=True)
class LegendItem:
    kind: str
    """"band", "in", "out" or "line": which mark the swatch draws."""
    color: str
    text: str


@dataclass(frozen=True)
class ChartLayout:
    """Where everything goes in one metric's chart, in pixels from the top-left."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    y_min: float
    y_max: float
    ticks: tuple[float, ...]
    xs: tuple[float, ...]
    values: tuple[float | None, ...]
    line_values: tuple[float | None, ...]
    """What the line joins: the values, or their rolling mean when there are too many points to read."""
    smooth_window: int = 1
    x_labels: tuple[XLabel, ...] = ()
    floor: float | None = None
    """The lowest value the metric can take (0 for counts and rates), where a band without a floor stops."""

    def y(self, value: float) -> float:
        frac = (value - self.y_min) / (self.y_max - self.y_min)
        return self.bottom - frac * (self.bottom - self.top)

    def band(self, target: Target) -> tuple[float, float] | None:
        """Top and bottom pixel of the target band, clipped to the plot (a band without a floor stops at 0)."""
        bottom = self.y_min if self.floor is None else max(self.y_min, self.floor)
        lo = bottom if target.low is None else max(self.y_min, target.low)
        hi = self.y_max if target.high is None else min(self.y_max, target.high)
        if hi <= lo:
            return None
        return self.y(hi), self.y(lo)

    def latest(self) -> tuple[float, float] | None:
        """(x, value) of the last point that has a value: its figure is written beside it."""
        for x, v in zip(reversed(self.xs), reversed(self.values)):
            if v is not None:
                return x, v
        return None


def layout(target: Target, pts: Sequence[Point], width: int = 720, height: int = 200,
           left: int = 56, right: int = 16, top: int = 28, bottom: int = 42, by: str = "session") -> ChartLayout:  # fmt: skip
    """Fit the points and the band into the plot (`bottom` leaves room for two lines of x labels)."""
    values = tuple(p.values.get(target.key) for p in pts)
    y_min, y_max, ticks, floor = value_range(target, values)
    x0, x1 = left + X_INSET, width - right - X_INSET
    n = len(pts)
    xs = tuple(x0 + (x1 - x0) * (i / (n - 1) if n > 1 else 0.5) for i in range(n))
    window = max(3, n // 25) if n > SMOOTH_ABOVE else 1
    return ChartLayout(width, height, left, width - right, top, height - bottom, y_min, y_max,
                       tuple(ticks), xs, values, rolling_mean(values, window), window,
                       x_labels(pts, xs, by), floor)  # fmt: skip


def when_text(ts: float, by: str) -> tuple[str, str | None]:
    """What a point's label says: (time, day) for a session, (day, None) for a day, ("week of ...", None) for a week."""
    t = time.localtime(ts)
    if by == "session":
        return time.strftime("%H:%M", t), time.strftime("%a %d %b", t)
    if by == "day":
        return time.strftime("%a %d %b", t), None
    return "week of " + time.strftime("%d %b", t), None


def x_labels(pts: Sequence[Point], xs: Sequence[float], by: str = "session") -> tuple[XLabel, ...]:
    """Labels for as many points as fit without overlapping, the first and the last always among them.

    For sessions each label is the start time, with the day under it at the first labelled point of
    each day, so "18:20" and "18:41" of one evening read apart.
    """
    texts = [when_text(p.ts, by) for p in pts]

    def gap(j: int, i: int) -> float:
        """Pixels needed between the labels of points j and i: their widths, or their days' when the day changes."""
        chars = max(len(texts[j][0]), len(texts[i][0]))
        if texts[i][1] != texts[j][1]:
            chars = max(chars, len(texts[i][1] or ""), len(texts[j][1] or ""))
        return chars * CHAR_PX + 12

    chosen: list[int] = []
    for i, x in enumerate(xs):
        if not chosen or x - xs[chosen[-1]] >= gap(chosen[-1], i):
            chosen.append(i)
    last = len(xs) - 1
    if chosen and chosen[-1] != last:
        while len(chosen) > 1 and xs[last] - xs[chosen[-1]] < gap(chosen[-1], last):
            chosen.pop()
        chosen.append(last)
    out: list[XLabel] = []
    shown_day: str | None = None
    for i in chosen:
        text, day = texts[i]
        out.append(XLabel(xs[i], text, day if day != shown_day else None))
        shown_day = day
    return tuple(out)


def legend(smooth_window: int = 1, by: str = "session") -> list[LegendItem]:
    """What each colour means, in the order the legend shows them."""
    unit = {"session": "sessions", "day": "days", "week": "weeks"}.get(by, "sessions")
    line = f"mean of {smooth_window} neighbouring {unit}" if smooth_window > 1 else f"your {unit}, in order"
    return [
        LegendItem("band", BAND_FILL, "target band"),
        LegendItem("in", IN_DOT, "inside the band"),
        LegendItem("out", OUT_DOT, "outside the band"),
        LegendItem("line", LINE, line),
    ]


SMOOTH_ABOVE = 40
"""With more points than this, the line shows a rolling mean and the points stay as dots."""


def rolling_mean(values: Sequence[float | None], window: int) -> tuple[float | None, ...]:
    """Centred mean over `window` neighbours, skipping missing values; missing stays missing."""
    if window <= 1:
        return tuple(values)
    half = window // 2
    out: list[float | None] = []
    for i, v in enumerate(values):
        near = [x for x in values[max(0, i - half): i + half + 1] if x is not None]
        out.append(None if v is None or not near else sum(near) / len(near))
    return tuple(out)


def runs(lay: ChartLayout) -> list[list[tuple[float, float]]]:
    """Connected stretches of (x, y) pixels; a missing value breaks the line."""
    out: list[list[tuple[float, float]]] = [[]]
    for x, v in zip(lay.xs, lay.line_values):
        if v is None:
            if out[-1]:
                out.append([])
            continue
        out[-1].append((x, lay.y(v)))
    return [r for r in out if r]


def tick_label(target: Target, value: float) -> str:
    if target.percent:
        return f"{value * 100:.0f}%"
    return f"{value:g}"
