"""`progress` in the terminal: a sparkline per metric against its band, a bar chart of one metric, trend sentences.

Without colour the band still shows: bars mark the band's edges with "┊", and each sparkline
table row says whether the latest value is inside, above or below.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from voice_coach.views.progress_data import Point, summary_sentence, trend_sentence
from voice_coach.views.targets import Target

BLOCKS = "▁▂▃▄▅▆▇█"
IN_BAND = "green"
OUT_OF_BAND = "yellow"


def _scale(target: Target, values: Sequence[float]) -> tuple[float, float]:
    """Value range for a chart: the data plus the band's finite edges, so the band's place is visible."""
    edges = [e for e in (target.low, target.high) if e is not None]
    lo, hi = min([*values, *edges]), max([*values, *edges])
    if hi - lo < 1e-9:
        hi = lo + 1.0
    return lo, hi


def sparkline(target: Target, values: Sequence[float | None]) -> Text:
    """One character per point; a gap (space) where the metric is missing; green inside the band."""
    have = [v for v in values if v is not None]
    text = Text()
    if not have:
        return text
    lo, hi = _scale(target, have)
    for v in values:
        if v is None:
            text.append(" ")
            continue
        level = round((v - lo) / (hi - lo) * (len(BLOCKS) - 1))
        text.append(BLOCKS[max(0, min(len(BLOCKS) - 1, level))], style=IN_BAND if target.inside(v) else OUT_OF_BAND)
    return text


def metric_title(target: Target) -> str:
    """"pace (wpm)", "STAR completeness": the label with its unit, so cells can hold bare numbers."""
    return f"{target.label} ({target.unit})" if target.unit and not target.percent else target.label


def metric_table(targets: Sequence[Target], pts: Sequence[Point], width: int = 24) -> Table:
    """Metric | trend sparkline (last `width` points) | first | latest | target | where the latest sits."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    recent = list(pts)[-width:]
    table.add_column("metric", no_wrap=True)
    table.add_column("trend", no_wrap=True, min_width=len(recent))
    for name in ("first", "latest", "target"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("now", no_wrap=True)
    for t in targets:
        values = [p.values.get(t.key) for p in recent]
        have = [v for v in (p.values.get(t.key) for p in pts) if v is not None]
        first = have[0] if have else None
        last = have[-1] if have else None
        side = "" if last is None else t.side(last)
        table.add_row(
            metric_title(t),
            sparkline(t, values),
            t.fmt(first, unit=False),
            t.fmt(last, unit=False),
            t.band_text(),
            Text(side, style=IN_BAND if side == "inside" else OUT_OF_BAND),
        )
    return table


def bar_chart(target: Target, pts: Sequence[Point], rows: int = 12, width: int = 40) -> Table:
    """The last `rows` points as horizontal bars on a scale from 0; "┊" marks the band's edges."""
    recent = [p for p in pts if p.values.get(target.key) is not None][-rows:]
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(no_wrap=True, style="dim")
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, justify="right")
    if not recent:
        return table
    values = [float(p.values[target.key] or 0.0) for p in recent]
    top = max([*values, *(e for e in (target.low, target.high) if e is not None)]) * 1.1 or 1.0
    marks = {round(e / top * width) for e in (target.low, target.high) if e is not None and e > 0}
    for p, v in zip(recent, values):
        n = round(v / top * width)
        bar = Text()
        style = IN_BAND if target.inside(v) else OUT_OF_BAND
        for i in range(width):
            if i < n:
                bar.append("█", style=style)
            elif i in marks:
                bar.append("┊", style="dim")
            else:
                bar.append(" ")
        table.add_row(p.label, bar, target.fmt(v))
    return table


def render_progress(
    targets: Sequence[Target], pts: Sequence[Point], by: str = "session", chart: Target | None = None, width: int = 24
) -> RenderableType:
    """Summary line, metric table, one bar chart, and a trend sentence per metric."""
    parts: list[RenderableType] = [Text(summary_sentence(pts, by), style="bold")]
    if not pts:
        return Group(*parts)
    parts += [Text(""), metric_table(targets, pts, width)]
    chart = chart or targets[0]
    parts += [Text(""), Text(f"{chart.label} by {by} (band {chart.band_text()} marked ┊)", style="bold"),
              bar_chart(chart, pts, width=40)]  # fmt: skip
    if len(pts) > 1:
        parts.append(Text(""))
        parts += [Text("• " + trend_sentence(t, pts, by)) for t in targets]
    return Group(*parts)
