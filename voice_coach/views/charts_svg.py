"""`progress --html FILE`: a self-contained page with one inline SVG chart per metric (no scripts, nothing fetched).

The geometry, the x labels and the legend come from chart_layout, the same as the PNG's.
"""

from __future__ import annotations

import html
import time
from collections.abc import Sequence

from voice_coach.views.chart_layout import (
    AXIS,
    BAND_FILL,
    GRID,
    IN_DOT,
    LINE,
    MUTED,
    OUT_DOT,
    layout,
    legend,
    runs,
    tick_label,
)
from voice_coach.views.progress_data import Point, summary_sentence, trend_sentence
from voice_coach.views.targets import Target

__all__ = ["BAND_FILL", "IN_DOT", "LINE", "OUT_DOT", "metric_svg", "progress_html"]


def _f(v: float) -> str:
    return f"{v:.1f}"


def metric_svg(target: Target, pts: Sequence[Point], width: int = 720, height: int = 200, by: str = "session") -> str:
    """One metric over the points: shaded target band, line, dots with a hover title each, labelled times."""
    lay = layout(target, pts, width, height, by=by)
    e = html.escape
    title = f"{target.label} ({target.unit})" if target.unit and not target.percent else target.label
    out = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
         f'role="img" aria-label="{e(title)}" font-family="sans-serif" font-size="11">'),
        f'<text x="{lay.left}" y="16" font-size="13" font-weight="bold">{e(title)}</text>',
        f'<text x="{lay.right}" y="16" text-anchor="end" fill="{MUTED}">target {e(target.band_text())}</text>',
    ]
    band = lay.band(target)
    if band:
        out.append(f'<rect class="band" x="{lay.left}" y="{_f(band[0])}" width="{lay.right - lay.left}" '
                   f'height="{_f(band[1] - band[0])}" fill="{BAND_FILL}"/>')  # fmt: skip
    for tick in lay.ticks:
        y = _f(lay.y(tick))
        out.append(f'<line x1="{lay.left}" x2="{lay.right}" y1="{y}" y2="{y}" stroke="{GRID}"/>')
        out.append(f'<text x="{lay.left - 6}" y="{y}" dy="4" text-anchor="end" fill="{MUTED}">{e(tick_label(target, tick))}</text>')
    out.append(f'<line x1="{lay.left}" x2="{lay.left}" y1="{lay.top}" y2="{lay.bottom}" stroke="{AXIS}"/>')
    out.append(f'<line x1="{lay.left}" x2="{lay.right}" y1="{lay.bottom}" y2="{lay.bottom}" stroke="{AXIS}"/>')
    for label in lay.x_labels:
        x = _f(label.x)
        out.append(f'<line x1="{x}" x2="{x}" y1="{lay.bottom}" y2="{lay.bottom + 4}" stroke="{AXIS}"/>')
        out.append(f'<text class="x" x="{x}" y="{lay.bottom + 16}" text-anchor="middle" fill="{MUTED}">{e(label.text)}</text>')
        if label.day:
            out.append(f'<text class="day" x="{x}" y="{lay.bottom + 30}" text-anchor="middle" fill="{MUTED}">{e(label.day)}</text>')
    line = []
    for run in runs(lay):
        if len(run) > 1:
            coords = " ".join(f"{_f(x)},{_f(y)}" for x, y in run)
            line.append(f'<polyline points="{coords}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    dots = []
    dot_r = 4 if len(pts) <= 60 else 2.0 if len(pts) <= 400 else 1.2
    ring = ' stroke="#fff" stroke-width="1.5"' if len(pts) <= 60 else ""
    for p, x, v in zip(pts, lay.xs, lay.values):
        if v is None:
            continue
        color = IN_DOT if target.inside(v) else OUT_DOT
        when = time.strftime("%a %d %b %H:%M" if by == "session" else "%a %d %b", time.localtime(p.ts))
        dots.append(f'<circle cx="{_f(x)}" cy="{_f(lay.y(v))}" r="{dot_r}" fill="{color}"{ring}>'
                    f"<title>{e(p.label)} ({e(when)}): {e(target.fmt(v))}</title></circle>")  # fmt: skip
    out += (dots + line) if lay.smooth_window > 1 else (line + dots)
    latest = lay.latest()
    if latest is not None:
        x, v = latest
        out.append(f'<text class="latest" x="{_f(x + dot_r + 5)}" y="{_f(lay.y(v))}" dy="4" font-size="12">'
                   f"{e(target.fmt(v, unit=False))}</text>")  # fmt: skip
    out.append("</svg>")
    return "\n".join(out)


_SWATCH = {
    "band": f"display:inline-block;width:22px;height:12px;background:{BAND_FILL}",
    "in": f"display:inline-block;width:9px;height:9px;border-radius:50%;background:{IN_DOT}",
    "out": f"display:inline-block;width:9px;height:9px;border-radius:50%;background:{OUT_DOT}",
    "line": f"display:inline-block;width:22px;height:0;border-top:2.5px solid {LINE};vertical-align:middle",
}


def legend_html(smooth_window: int = 1, by: str = "session") -> str:
    """The legend as HTML: a swatch and words for every colour in the charts."""
    items = "".join(f'<span class="item"><span class="sw" style="{_SWATCH[i.kind]}"></span> {html.escape(i.text)}</span>'
                    for i in legend(smooth_window, by))  # fmt: skip
    return f'<p class="legend">{items}</p>'


def progress_html(targets: Sequence[Target], pts: Sequence[Point], by: str = "session") -> str:
    """The whole progress report as one HTML file."""
    e = html.escape
    body = [f"<h1>voice-coach progress</h1><p>{e(summary_sentence(pts, by))}</p>"]
    if len(pts) > 1:
        body.append("<ul>" + "".join(f"<li>{e(trend_sentence(t, pts, by))}</li>" for t in targets) + "</ul>")
    if pts:
        smooth = layout(targets[0], pts).smooth_window
        body.append(legend_html(smooth, by))
        for t in targets:
            body.append(f"<figure>{metric_svg(t, pts, by=by)}</figure>")
        body.append('<p class="key">Hover a dot for its session and value; the figure at the right is the latest.</p>')
    css = ("body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#222}"
           "figure{margin:1rem 0}h1{font-size:1.3rem}.key{color:#555;font-size:.9em}"
           ".legend{font-size:.9em}.legend .item{margin-right:1.4rem;white-space:nowrap}"
           ".legend .sw{margin-right:.2rem;vertical-align:middle}")  # fmt: skip
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>voice-coach progress</title>'
        f"<style>{css}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
