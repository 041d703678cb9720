"""`progress --png FILE`: the same charts as the HTML report, rasterised with numpy and written as PNG.

A small canvas (rectangles, thick lines, dots, a 5x7 bitmap font) avoids a plotting dependency
for four charts of lines and dots. Text is drawn in capitals.
"""

from __future__ import annotations

import struct
import time
import zlib
from collections.abc import Sequence

import numpy as np

from voice_coach.views.chart_layout import layout, runs, tick_label
from voice_coach.views.progress_data import Point
from voice_coach.views.targets import Target

Color = tuple[int, int, int]
WHITE: Color = (255, 255, 255)
INK: Color = (34, 34, 34)
GREY: Color = (120, 120, 120)
GRID: Color = (228, 228, 228)
BAND: Color = (217, 242, 217)
LINE: Color = (31, 95, 168)
IN_DOT: Color = (42, 138, 42)
OUT_DOT: Color = (208, 128, 0)

_GLYPHS = {
    "0": ".###. #...# #..## #.#.# ##..# #...# .###.", "1": "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
    "2": ".###. #...# ....# ...#. ..#.. .#... #####", "3": "##### ...#. ..#.. ...#. ....# #...# .###.",
    "4": "...#. ..##. .#.#. #..#. ##### ...#. ...#.", "5": "##### #.... ####. ....# ....# #...# .###.",
    "6": "..##. .#... #.... ####. #...# #...# .###.", "7": "##### ....# ...#. ..#.. .#... .#... .#...",
    "8": ".###. #...# #...# .###. #...# #...# .###.", "9": ".###. #...# #...# .#### ....# ...#. .##..",
    "A": ".###. #...# #...# ##### #...# #...# #...#", "B": "####. #...# #...# ####. #...# #...# ####.",
    "C": ".###. #...# #.... #.... #.... #...# .###.", "D": "###.. #..#. #...# #...# #...# #..#. ###..",
    "E": "##### #.... #.... ####. #.... #.... #####", "F": "##### #.... #.... ####. #.... #.... #....",
    "G": ".###. #...# #.... #.### #...# #...# .####", "H": "#...# #...# #...# ##### #...# #...# #...#",
    "I": ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.", "J": "..### ...#. ...#. ...#. ...#. #..#. .##..",
    "K": "#...# #..#. #.#.. ##... #.#.. #..#. #...#", "L": "#.... #.... #.... #.... #.... #.... #####",
    "M": "#...# ##.## #.#.# #.#.# #...# #...# #...#", "N": "#...# #...# ##..# #.#.# #..## #...# #...#",
    "O": ".###. #...# #...# #...# #...# #...# .###.", "P": "####. #...# #...# ####. #.... #.... #....",
    "Q": ".###. #...# #...# #...# #.#.# #..#. .##.#", "R": "####. #...# #...# ####. #.#.. #..#. #...#",
    "S": ".#### #.... #.... .###. ....# ....# ####.", "T": "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
    "U": "#...# #...# #...# #...# #...# #...# .###.", "V": "#...# #...# #...# #...# #...# .#.#. ..#..",
    "W": "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.", "X": "#...# #...# .#.#. ..#.. .#.#. #...# #...#",
    "Y": "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..", "Z": "##### ....# ...#. ..#.. .#... #.... #####",
    " ": "..... ..... ..... ..... ..... ..... .....", ".": "..... ..... ..... ..... ..... .##.. .##..",
    ",": "..... ..... ..... ..... .##.. ..#.. .#...", "-": "..... ..... ..... ##### ..... ..... .....",
    "/": "..... ....# ...#. ..#.. .#... #.... .....", ":": "..... .##.. .##.. ..... .##.. .##.. .....",
    "%": "##... ##..# ...#. ..#.. .#... #..## ...##", "(": "...#. ..#.. .#... .#... .#... ..#.. ...#.",
    ")": ".#... ..#.. ...#. ...#. ...#. ..#.. .#...", "<": "...#. ..#.. .#... #.... .#... ..#.. ...#.",
    ">": ".#... ..#.. ...#. ....# ...#. ..#.. .#...", "=": "..... ..... ##### ..... ##### ..... .....",
    "+": "..... ..#.. ..#.. ##### ..#.. ..#.. .....", "'": "..#.. ..#.. .#... ..... ..... ..... .....",
    "?": ".###. #...# ....# ...#. ..#.. ..... ..#..",
}  # fmt: skip
_FONT = {ch: np.array([[c == "#" for c in row] for row in rows.split()], dtype=bool) for ch, rows in _GLYPHS.items()}
_SUBSTITUTES = {"≤": "<", "≥": ">", "–": "-", "—": "-", "·": "-"}


class Canvas:
    """An RGB pixel array with the few drawing operations the charts need."""

    def __init__(self, width: int, height: int, background: Color = WHITE) -> None:
        self.px = np.empty((height, width, 3), dtype=np.uint8)
        self.px[:] = background

    @property
    def height(self) -> int:
        return int(self.px.shape[0])

    @property
    def width(self) -> int:
        return int(self.px.shape[1])

    def rect(self, x0: float, y0: float, x1: float, y1: float, color: Color) -> None:
        xa, xb = sorted((round(x0), round(x1)))
        ya, yb = sorted((round(y0), round(y1)))
        self.px[max(0, ya):max(0, yb + 1), max(0, xa):max(0, xb + 1)] = color

    def _stamp(self, xs: np.ndarray, ys: np.ndarray, radius: float, color: Color) -> None:
        r = int(np.ceil(radius))
        for dy in range(-r, r + 1):
            for dx in range(-r, r + 1):
                if dx * dx + dy * dy > radius * radius + 0.25:
                    continue
                px, py = np.rint(xs + dx).astype(int), np.rint(ys + dy).astype(int)
                ok = (px >= 0) & (px < self.width) & (py >= 0) & (py < self.height)
                self.px[py[ok], px[ok]] = color

    def line(self, x0: float, y0: float, x1: float, y1: float, color: Color, width: float = 2.0) -> None:
        self.polyline([(x0, y0), (x1, y1)], color, width)

    def polyline(self, pts: Sequence[tuple[float, float]], color: Color, width: float = 2.0) -> None:
        """Connected segments, sampled every half pixel and stamped in one go (fast for thousands of points)."""
        if len(pts) < 2:
            return
        p = np.asarray(pts, dtype=float)
        a, b = p[:-1], p[1:]
        steps = (np.abs(b - a).max(axis=1) * 2).astype(int) + 2
        seg = np.repeat(np.arange(len(a)), steps)
        first = np.concatenate([[0], np.cumsum(steps)[:-1]])
        t = (np.arange(int(steps.sum())) - first[seg]) / (steps[seg] - 1)
        xy = a[seg] + (b - a)[seg] * t[:, None]
        self._stamp(xy[:, 0], xy[:, 1], width / 2, color)

    def dots(self, xs: Sequence[float], ys: Sequence[float], radius: float, color: Color) -> None:
        if len(xs):
            self._stamp(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), radius, color)

    def dot(self, x: float, y: float, radius: float, color: Color) -> None:
        self.dots([x], [y], radius, color)

    def text(self, x: float, y: float, text: str, color: Color = INK, scale: int = 2, anchor: str = "left") -> None:
        """Capitals from the 5x7 font; (x, y) is the top-left corner (top-right with anchor="right")."""
        chars = [_SUBSTITUTES.get(c, c) for c in text.upper()]
        advance = 6 * scale
        if anchor == "right":
            x -= advance * len(chars) - scale
        for i, ch in enumerate(chars):
            glyph = _FONT.get(ch, _FONT["?"])
            big = np.kron(glyph, np.ones((scale, scale), dtype=bool))
            gx, gy = round(x) + i * advance, round(y)
            h, w = big.shape
            if gx < 0 or gy < 0 or gx + w > self.width or gy + h > self.height:
                continue
            region = self.px[gy:gy + h, gx:gx + w]
            region[big] = color

    def png(self) -> bytes:
        """The canvas as PNG bytes (8-bit RGB, no filtering, zlib level 6)."""
        h, w = self.height, self.width
        rows = np.concatenate([np.zeros((h, 1), dtype=np.uint8), self.px.reshape(h, w * 3)], axis=1)

        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

        header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
                + chunk(b"IEND", b""))  # fmt: skip


def draw_metric(canvas: Canvas, top: int, target: Target, pts: Sequence[Point], width: int, height: int) -> None:
    """One metric's chart in the band of rows starting at `top`."""
    lay = layout(target, pts, width, height, left=64, top=30, bottom=28)
    title = f"{target.label} ({target.unit})" if target.unit and not target.percent else target.label
    canvas.text(lay.left, top + 6, title, INK)
    canvas.text(lay.right, top + 6, f"target {target.band_text()}", GREY, anchor="right")
    band = lay.band(target)
    if band:
        canvas.rect(lay.left, top + band[0], lay.right, top + band[1], BAND)
    for tick in lay.ticks:
        y = top + lay.y(tick)
        canvas.line(lay.left, y, lay.right, y, GRID, width=1)
        canvas.text(lay.left - 6, y - 7, tick_label(target, tick), GREY, anchor="right")
    canvas.line(lay.left, top + lay.top, lay.left, top + lay.bottom, GREY, width=1)
    canvas.line(lay.left, top + lay.bottom, lay.right, top + lay.bottom, GREY, width=1)
    radius = 3.5 if len(pts) <= 60 else 2.0 if len(pts) <= 400 else 1.0
    smoothed = lay.smooth_window > 1
    if not smoothed:
        for run in runs(lay):
            canvas.polyline([(x, top + y) for x, y in run], LINE, width=2.5)
    for inside, color in ((True, IN_DOT), (False, OUT_DOT)):
        chosen = [(x, top + lay.y(v)) for x, v in zip(lay.xs, lay.values) if v is not None and target.inside(v) == inside]
        canvas.dots([x for x, _ in chosen], [y for _, y in chosen], radius, color)
    if smoothed:  # the trend on top of the cloud of points
        for run in runs(lay):
            canvas.polyline([(x, top + y) for x, y in run], LINE, width=2.5)
    if pts:
        canvas.text(lay.left, top + height - 20, time.strftime("%Y-%m-%d", time.localtime(pts[0].ts)), GREY)
        if len(pts) > 1:
            last = time.strftime("%Y-%m-%d", time.localtime(pts[-1].ts))
            canvas.text(lay.right, top + height - 20, last, GREY, anchor="right")


def progress_png(targets: Sequence[Target], pts: Sequence[Point], title: str, width: int = 720, chart_h: int = 190) -> bytes:
    """All metrics stacked in one picture under a title line."""
    head = 40
    canvas = Canvas(width, head + chart_h * len(targets))
    canvas.text(16, 12, title[: (width - 32) // 12], INK)
    for i, target in enumerate(targets):
        draw_metric(canvas, head + i * chart_h, target, pts, width, chart_h)
    return canvas.png()
