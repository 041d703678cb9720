"""`progress --png FILE`: the same charts as the HTML report, drawn with Pillow and written as PNG.

Text uses the TrueType font that ships inside Pillow (`ImageFont.load_default(size=...)`, Pillow >= 10.1),
so nothing is read from the system and nothing is written but the picture. Everything is drawn at
twice the size and scaled down, which smooths the lines, dots and letters.
Pillow is imported here only: `voice-coach --help` and the terminal views start without it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from voice_coach.views import chart_layout as L
from voice_coach.views.chart_layout import layout, legend, runs, tick_label
from voice_coach.views.progress_data import Point
from voice_coach.views.targets import Target

Color = tuple[int, int, int]


def rgb(hex_color: str) -> Color:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


WHITE: Color = (255, 255, 255)
INK: Color = rgb(L.INK)
GREY: Color = rgb(L.MUTED)
GRID: Color = rgb(L.GRID)
AXIS: Color = rgb(L.AXIS)
BAND: Color = rgb(L.BAND_FILL)
LINE: Color = rgb(L.LINE)
IN_DOT: Color = rgb(L.IN_DOT)
OUT_DOT: Color = rgb(L.OUT_DOT)
COLORS = {L.BAND_FILL: BAND, L.LINE: LINE, L.IN_DOT: IN_DOT, L.OUT_DOT: OUT_DOT}

SCALE = 2
"""Drawn at this multiple of the final size, then scaled down with a box filter (smooth edges, exact flat colours)."""
WIDTH = 800
CHART_H = 210
HEAD = 76
"""Title line and legend above the charts."""


_SUBSTITUTES = {"≤ ": "at most ", "≥ ": "at least ", "≤": "<=", "≥": ">=", "–": "-", "—": "-", "×": "x", "→": "->"}
"""Characters the embedded font has no glyph for, written in words or ASCII."""


def plain_text(text: str) -> str:
    for ch, repl in _SUBSTITUTES.items():
        text = text.replace(ch, repl)
    return text


@lru_cache(maxsize=8)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's embedded TrueType font (Aileron) at `size` final pixels."""
    return ImageFont.load_default(size=size * SCALE)


class Canvas:
    """A white picture with the few drawing operations the charts need, in final-size pixel coordinates."""

    def __init__(self, width: int, height: int, background: Color = WHITE) -> None:
        self.width, self.height = width, height
        self.image = Image.new("RGB", (width * SCALE, height * SCALE), background)
        self.draw = ImageDraw.Draw(self.image)

    @staticmethod
    def _s(v: float) -> float:
        return v * SCALE

    def rect(self, x0: float, y0: float, x1: float, y1: float, color: Color) -> None:
        xa, xb = sorted((x0, x1))
        ya, yb = sorted((y0, y1))
        self.draw.rectangle((self._s(xa), self._s(ya), self._s(xb) - 1, self._s(yb) - 1), fill=color)

    def line(self, x0: float, y0: float, x1: float, y1: float, color: Color, width: float = 2.0) -> None:
        self.polyline([(x0, y0), (x1, y1)], color, width)

    def polyline(self, pts: Sequence[tuple[float, float]], color: Color, width: float = 2.0) -> None:
        if len(pts) < 2:
            return
        w = max(1, round(width * SCALE))
        self.draw.line([(self._s(x), self._s(y)) for x, y in pts], fill=color, width=w, joint="curve")

    def dots(self, xs: Sequence[float], ys: Sequence[float], radius: float, color: Color, ring: Color | None = None) -> None:
        """Filled circles; with `ring`, each sits on a slightly larger circle of that colour (to stand off the line)."""
        for x, y in zip(xs, ys):
            cx, cy = self._s(x), self._s(y)
            if ring is not None:
                r = (radius + 1.5) * SCALE
                self.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=ring)
            r = radius * SCALE
            self.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=color)

    def dot(self, x: float, y: float, radius: float, color: Color) -> None:
        self.dots([x], [y], radius, color)

    def text(self, x: float, y: float, text: str, color: Color = INK, size: int = 11, anchor: str = "lt") -> None:
        """Text at (x, y); `anchor` is Pillow's: l/m/r horizontally, t (top), m (middle) or s (baseline) vertically."""
        self.draw.text((self._s(x), self._s(y)), plain_text(text), fill=color, font=font(size), anchor=anchor)

    def text_width(self, text: str, size: int = 11) -> float:
        return font(size).getlength(plain_text(text)) / SCALE

    def picture(self) -> Image.Image:
        return self.image.resize((self.width, self.height), Image.Resampling.BOX)

    def png(self) -> bytes:
        out = io.BytesIO()
        self.picture().save(out, format="PNG", optimize=True)
        return out.getvalue()


def draw_legend(canvas: Canvas, x: float, y: float, smooth_window: int, by: str) -> None:
    """One row of swatches and words: the band, the two dot colours, the line (every colour in the charts)."""
    for item in legend(smooth_window, by):
        color = COLORS[item.color]
        if item.kind == "band":
            canvas.rect(x, y - 6, x + 22, y + 6, color)
            x += 28
        elif item.kind == "line":
            canvas.line(x, y, x + 22, y, color, width=2.5)
            x += 28
        else:
            canvas.dots([x + 5], [y], 4.0, color)
            x += 14
        canvas.text(x, y, item.text, INK, size=12, anchor="lm")
        x += canvas.text_width(item.text, 12) + 22


def draw_metric(canvas: Canvas, top: int, target: Target, pts: Sequence[Point], width: int, height: int,
                by: str = "session") -> None:  # fmt: skip
    """One metric's chart in the band of rows starting at `top`."""
    lay = layout(target, pts, width, height, left=62, right=16, top=34, bottom=44, by=by)
    title = f"{target.label} ({target.unit})" if target.unit and not target.percent else target.label
    canvas.text(lay.left, top + 10, title, INK, size=14)
    canvas.text(lay.right, top + 12, f"target {target.band_text()}", GREY, size=12, anchor="rt")
    band = lay.band(target)
    if band:
        canvas.rect(lay.left, top + band[0], lay.right, top + band[1], BAND)
    for tick in lay.ticks:
        y = top + lay.y(tick)
        canvas.line(lay.left, y, lay.right, y, GRID, width=1)
        canvas.text(lay.left - 7, y, tick_label(target, tick), GREY, size=11, anchor="rm")
    canvas.line(lay.left, top + lay.top, lay.left, top + lay.bottom, AXIS, width=1)
    canvas.line(lay.left, top + lay.bottom, lay.right, top + lay.bottom, AXIS, width=1)
    for label in lay.x_labels:
        canvas.line(label.x, top + lay.bottom, label.x, top + lay.bottom + 4, AXIS, width=1)
        canvas.text(label.x, top + lay.bottom + 7, label.text, GREY, size=11, anchor="mt")
        if label.day:
            canvas.text(label.x, top + lay.bottom + 22, label.day, GREY, size=11, anchor="mt")
    radius = 4.0 if len(pts) <= 60 else 2.5 if len(pts) <= 400 else 1.2
    ring = WHITE if len(pts) <= 60 else None
    smoothed = lay.smooth_window > 1
    if not smoothed:
        for run in runs(lay):
            canvas.polyline([(x, top + y) for x, y in run], LINE, width=2.5)
    for inside, color in ((True, IN_DOT), (False, OUT_DOT)):
        chosen = [(x, top + lay.y(v)) for x, v in zip(lay.xs, lay.values) if v is not None and target.inside(v) == inside]
        canvas.dots([x for x, _ in chosen], [y for _, y in chosen], radius, color, ring)
    if smoothed:  # the trend on top of the cloud of points
        for run in runs(lay):
            canvas.polyline([(x, top + y) for x, y in run], LINE, width=2.5)
    latest = lay.latest()
    if latest is not None:
        x, v = latest
        canvas.text(x + radius + 5, top + lay.y(v), target.fmt(v, unit=False), INK, size=12, anchor="lm")


def progress_png(targets: Sequence[Target], pts: Sequence[Point], title: str, width: int = WIDTH,
                 chart_h: int = CHART_H, by: str = "session") -> bytes:  # fmt: skip
    """All metrics stacked in one picture under a title line and the legend."""
    canvas = Canvas(width, HEAD + chart_h * len(targets))
    canvas.text(16, 14, title, INK, size=17)
    smooth = max((layout(t, pts, width, chart_h).smooth_window for t in targets[:1]), default=1)
    draw_legend(canvas, 18, 52, smooth, by)
    for i, target in enumerate(targets):
        draw_metric(canvas, HEAD + i * chart_h, target, pts, width, chart_h, by)
    return canvas.png()
