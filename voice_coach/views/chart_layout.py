"""Geometry shared by the SVG and PNG progress charts: plot box, value range, ticks, point positions."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from voice_coach.views.progress_data import Point
from voice_coach.views.targets import Target


def nice_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten) covering [lo, hi]."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(1, count)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(lo / step) * step
    ticks = [round(first, 10)]
    while ticks[-1] < hi - step * 1e-6:
        ticks.append(round(first + len(ticks) * step, 10))
    return ticks


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

    def y(self, value: float) -> float:
        frac = (value - self.y_min) / (self.y_max - self.y_min)
        return self.bottom - frac * (self.bottom - self.top)

    def band(self, target: Target) -> tuple[float, float] | None:
        """Top and bottom pixel of the target band, clipped to the plot."""
        lo = self.y_min if target.low is None else max(self.y_min, target.low)
        hi = self.y_max if target.high is None else min(self.y_max, target.high)
        if hi <= lo:
            return None
        return self.y(hi), self.y(lo)


def layout(target: Target, pts: Sequence[Point], width: int = 640, height: int = 170,
           left: int = 56, right: int = 16, top: int = 28, bottom: int = 26) -> ChartLayout:  # fmt: skip
    """Fit the points and the band into the plot; the y range always starts at 0 for counts and rates."""
    values = tuple(p.values.get(target.key) for p in pts)
    have = [v for v in values if v is not None] or [0.0]
    edges = [e for e in (target.low, target.high) if e is not None]
    lo, hi = min([0.0, *have]), max([*have, *edges])
    ticks = [0.0, 0.25, 0.5, 0.75, 1.0] if target.percent else nice_ticks(lo, hi * 1.05 if hi > 0 else 1.0)
    x0, x1 = left + 6, width - right - 6
    n = len(pts)
    xs = tuple(x0 + (x1 - x0) * (i / (n - 1) if n > 1 else 0.5) for i in range(n))
    window = max(3, n // 25) if n > SMOOTH_ABOVE else 1
    return ChartLayout(width, height, left, width - right, top, height - bottom, ticks[0], ticks[-1],
                       tuple(ticks), xs, values, rolling_mean(values, window), window)  # fmt: skip


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
