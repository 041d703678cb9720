"""The terminal report of one analysed answer (rich), built from the analysis JSON so every view agrees."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from voice_coach.analysis.answer import AnswerAnalysis
from voice_coach.core.targets import FILLERS_PER_MIN, RESPONSE_LATENCY_S
from voice_coach.analysis.judging import PLAN, STAR, judged_as, plan_figures
from voice_coach.views.content_view import language_lines, point_line, point_rows, star_marks
from voice_coach.views.review_view import block_text
from voice_coach.views.targets import fmt_clock
from voice_coach.views.transcript import answer_tokens, coaching_lines, star_blocks

VERDICT_STYLE = {"good": "green", "slow": "yellow", "fast": "yellow", "short": "yellow", "long": "yellow", "n/a": "dim"}


def _verdict(v: str) -> Text:
    return Text(v, style=VERDICT_STYLE.get(v, ""))


def metrics_table(a: AnswerAnalysis) -> Table:
    pace, fillers, pauses, length, star = a.pace, a.fillers, a.pauses, a.length, a.star
    t = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    t.add_column("measure")
    t.add_column("value", justify="right")
    t.add_column("target")
    t.add_column("")
    lo, hi = pace.band
    t.add_row("pace", f"{pace.wpm:.0f} wpm", f"{lo:.0f}-{hi:.0f} wpm", _verdict(pace.verdict))
    t.add_row("articulation rate", f"{pace.articulation_wpm:.0f} wpm", f"pauses >= {pauses.pause_min_s:g} s left out", "")
    if pace.windows:
        t.add_row("pace per 15 s", " ".join(f"{w.wpm:.0f}" for w in pace.windows), "", "")
    top = ", ".join(f"{text} x{n}" for text, n in fillers.top[:3])
    t.add_row("fillers", f"{fillers.count} ({fillers.per_minute:.1f}/min)", f"under {FILLERS_PER_MIN:g} per minute", top)
    latency = pauses.response_latency_s
    t.add_row("response latency", "-" if latency is None else f"{latency:.2f} s", f"under {RESPONSE_LATENCY_S:g} s", "")
    t.add_row(
        f"pauses >= {pauses.pause_min_s:g} s",
        str(len(pauses.items)),
        f"dead air >= {pauses.dead_air_s:g} s: {len(pauses.dead_air)}",
        f"longest {pauses.longest_s:.1f} s",
    )
    t.add_row("silence share", f"{100 * pauses.silence_share:.0f} %", "", "")
    lo, hi = length.band
    t.add_row("answer length", f"{length.speaking_s:.0f} s", f"{lo:.0f}-{hi:.0f} s", _verdict(length.verdict))
    kind = judged_as(a)  # STAR where a story is expected, the plan for a situational question, else neither
    if kind == STAR:
        t.add_row("STAR", star_marks(a), "all four", "result concrete" if star.result_concrete else "")
    elif kind == PLAN:
        plan = plan_figures(a)
        t.add_row("plan", f"{plan.steps} step{'s' if plan.steps != 1 else ''}", "steps and the outcome",
                  f"outcome at {fmt_clock(plan.outcome_start)}" if plan.outcome and plan.outcome_start is not None
                  else "no expected outcome heard")
    rows = point_rows(a)
    if rows:
        covered = sum(r.status == "covered" for r in rows)
        t.add_row("talking points", f"{covered} of {len(rows)} covered", "", f"{covered * 100 / len(rows):.0f}%")
    return t


def content_parts(a: AnswerAnalysis) -> list[RenderableType]:
    """Talking points (one line each) and the language rows: the same rows review shows."""
    parts: list[RenderableType] = []
    rows = point_rows(a)
    if rows:
        parts += [Text(""), Text("Talking points", style="bold")]
        styles = {"covered": "green", "missed": "red"}
        parts += [Text(f"  {point_line(r)}", style=styles.get(r.status, "dim")) for r in rows]
    language = language_lines(a)
    if language:
        parts.append(Text(""))
        parts += [Text.assemble((f"{name}: ", "bold"), value) for name, value in language]
    return parts


def render_report(a: AnswerAnalysis, title: str = "") -> RenderableType:
    head = Text(title or a.source or "answer", style="bold")
    head.append(f"  {a.duration_s:.1f} s, model {a.model}", style="dim")
    if a.no_speech:
        return Panel(Text("No speech was detected in this recording.", style="yellow"), title=head)
    parts: list[RenderableType] = [metrics_table(a), Text("")]
    for block in star_blocks(a, answer_tokens(a)):
        label = Text(f"{block.label or '-':<10}", style="bold cyan")
        parts.append(Text.assemble(label, " ", block_text(block)))
    parts.extend(content_parts(a))
    coaching = coaching_lines(a)
    if coaching:
        parts.append(Text(""))
        parts.extend(Text(f"- {line}", style="italic") for line in coaching)
    return Panel(Group(*parts), title=head, title_align="left")
