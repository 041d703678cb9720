"""`progress --html FILE`: a self-contained page with one inline SVG chart per metric (no scripts, nothing fetched)."""

from __future__ import annotations

import html
import time
from collections.abc import Sequence

from voice_coach.views.chart_layout import layout, runs, tick_label
from voice_coach.views.progress_data import Point, summary_sentence, trend_sentence
from voice_coach.views.targets import Target

BAND_FILL = "#d9f2d9"
LINE = "#1f5fa8"
OUT_DOT = "#d08000"
IN_DOT = "#2a8a2a"


def _f(v: float) -> str:
    return f"{v:.1f}"


def metric_svg(target: Target, pts: Sequence[Point], width: int = 640, height: int = 170) -> str:
    """One metric over the points: shaded target band, line, dots with a hover title each."""
    lay = layout(target, pts, width, height)
    e = html.escape
    title = f"{target.label} ({target.unit})" if target.unit and not target.percent else target.label
    out = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
         f'role="img" aria-label="{e(title)}" font-family="sans-serif" font-size="11">'),
        f'<text x="{lay.left}" y="16" font-size="13" font-weight="bold">{e(title)}</text>',
        f'<text x="{lay.right}" y="16" text-anchor="end" fill="#555">target {e(target.band_text())}</text>',
    ]
    band = lay.band(target)
    if band:
        out.append(f'<rect class="band" x="{lay.left}" y="{_f(band[0])}" width="{lay.right - lay.left}" '
                   f'height="{_f(band[1] - band[0])}" fill="{BAND_FILL}"/>')  # fmt: skip
    for tick in lay.ticks:
        y = _f(lay.y(tick))
        out.append(f'<line x1="{lay.left}" x2="{lay.right}" y1="{y}" y2="{y}" stroke="#e4e4e4"/>')
        out.append(f'<text x="{lay.left - 6}" y="{y}" dy="4" text-anchor="end" fill="#555">{e(tick_label(target, tick))}</text>')
    out.append(f'<line x1="{lay.left}" x2="{lay.left}" y1="{lay.top}" y2="{lay.bottom}" stroke="#888"/>')
    out.append(f'<line x1="{lay.left}" x2="{lay.right}" y1="{lay.bottom}" y2="{lay.bottom}" stroke="#888"/>')
    line = []
    for run in runs(lay):
        if len(run) > 1:
            coords = " ".join(f"{_f(x)},{_f(y)}" for x, y in run)
            line.append(f'<polyline points="{coords}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    dots = []
    dot_r = 3.5 if len(pts) <= 60 else 2.0 if len(pts) <= 400 else 1.2
    for p, x, v in zip(pts, lay.xs, lay.values):
        if v is None:
            continue
        color = IN_DOT if target.inside(v) else OUT_DOT
        dots.append(f'<circle cx="{_f(x)}" cy="{_f(lay.y(v))}" r="{dot_r}" fill="{color}">'
                    f"<title>{e(p.label)}: {e(target.fmt(v))}</title></circle>")  # fmt: skip
    out += (dots + line) if lay.smooth_window > 1 else (line + dots)
    if lay.smooth_window > 1:
        out.append(f'<text x="{lay.right}" y="{lay.top + 12}" text-anchor="end" fill="{LINE}">'
                   f"line: mean of {lay.smooth_window} neighbouring points</text>")  # fmt: skip
    if pts:
        first = time.strftime("%Y-%m-%d", time.localtime(pts[0].ts))
        last = time.strftime("%Y-%m-%d", time.localtime(pts[-1].ts))
        out.append(f'<text x="{lay.left}" y="{height - 8}" fill="#555">{first}</text>')
        if len(pts) > 1:
            out.append(f'<text x="{lay.right}" y="{height - 8}" text-anchor="end" fill="#555">{last}</text>')
    out.append("</svg>")
    return "\n".join(out)


def progress_html(targets: Sequence[Target], pts: Sequence[Point], by: str = "session") -> str:
    """The whole progress report as one HTML file."""
    e = html.escape
    body = [f"<h1>voice-coach progress</h1><p>{e(summary_sentence(pts, by))}</p>"]
    if len(pts) > 1:
        body.append("<ul>" + "".join(f"<li>{e(trend_sentence(t, pts, by))}</li>" for t in targets) + "</ul>")
    if pts:
        for t in targets:
            body.append(f'<figure>{metric_svg(t, pts)}</figure>')
        body.append(f'<p class="key"><span style="background:{BAND_FILL}">&nbsp;&nbsp;&nbsp;</span> target band; '
                    "dots are green inside it and orange outside; hover a dot for its value.</p>")
    css = ("body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#222}"
           "figure{margin:1.2rem 0}h1{font-size:1.3rem}.key{color:#555;font-size:.9em}")  # fmt: skip
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>voice-coach progress</title>'
        f"<style>{css}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
