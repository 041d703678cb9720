"""The terminal report of one analysed answer (rich), built from the analysis JSON so every view agrees."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from voice_coach.core.targets import FILLERS_PER_MIN, PACE_WPM
from voice_coach.views.review_view import block_text
from voice_coach.views.transcript import answer_tokens, star_blocks

VERDICT_STYLE = {"good": "green", "slow": "yellow", "fast": "yellow", "short": "yellow", "long": "yellow", "n/a": "dim"}


def _verdict(v: str) -> Text:
    return Text(v, style=VERDICT_STYLE.get(v, ""))


def metrics_table(a: Mapping[str, Any]) -> Table:
    pace, fillers, pauses, length, star = a["pace"], a["fillers"], a["pauses"], a["length"], a["star"]
    t = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    t.add_column("measure")
    t.add_column("value", justify="right")
    t.add_column("target")
    t.add_column("")
    lo, hi = pace.get("band", PACE_WPM)
    t.add_row("pace", f"{pace['wpm']:.0f} wpm", f"{lo:.0f}-{hi:.0f} wpm", _verdict(pace.get("verdict", "n/a")))
    t.add_row("articulation rate", f"{pace.get('articulation_wpm', 0):.0f} wpm", "pauses >= 1 s left out", "")
    if pace.get("windows"):
        t.add_row("pace per 15 s", " ".join(f"{w['wpm']:.0f}" for w in pace["windows"]), "", "")
    top = ", ".join(f"{text} x{n}" for text, n in fillers.get("top", [])[:3])
    t.add_row("fillers", f"{fillers['count']} ({fillers.get('per_minute', 0):.1f}/min)", f"under {FILLERS_PER_MIN:g} per minute", top)
    latency = pauses.get("response_latency_s")
    t.add_row("response latency", "-" if latency is None else f"{latency:.2f} s", "under 3 s", "")
    t.add_row(
        "pauses >= 1 s",
        str(len(pauses["items"])),
        f"dead air >= {pauses.get('dead_air_s', 3):.0f} s: {pauses.get('dead_air_count', 0)}",
        f"longest {pauses.get('longest_s', 0):.1f} s",
    )
    t.add_row("silence share", f"{100 * pauses.get('silence_share', 0):.0f} %", "", "")
    lo, hi = length.get("band", [60, 120])
    t.add_row("answer length", f"{length.get('speaking_s', 0):.0f} s", f"{lo:.0f}-{hi:.0f} s", _verdict(length.get("verdict", "n/a")))
    present = star.get("present", {})
    marks = " ".join(f"{k[0].upper()}{'+' if present.get(k) else '-'}" for k in ("situation", "task", "action", "result"))
    t.add_row("STAR", marks, "all four", "result concrete" if star.get("result_concrete") else "")
    return t


def render_report(a: Mapping[str, Any], title: str = "") -> RenderableType:
    head = Text(title or a.get("source", "answer"), style="bold")
    head.append(f"  {a['duration_s']:.1f} s, model {a.get('model', '')}", style="dim")
    if a.get("no_speech"):
        return Panel(Text("No speech was detected in this recording.", style="yellow"), title=head)
    parts: list[RenderableType] = [metrics_table(a), Text("")]
    tokens = answer_tokens(a, a["pauses"].get("dead_air_s", 3.0))
    for block in star_blocks(a, tokens):
        label = Text(f"{block.label or '-':<10}", style="bold cyan")
        parts.append(Text.assemble(label, " ", block_text(block)))
    coaching = a["star"].get("coaching") or []
    if coaching:
        parts.append(Text(""))
        parts.extend(Text(f"- {line}", style="italic") for line in coaching)
    return Panel(Group(*parts), title=head, title_align="left")
