"""`review` in the terminal: question, labelled transcript with fillers highlighted and pauses inline, metrics, feedback."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from voice_coach.analysis.answer import AnswerAnalysis
from voice_coach.store.records import AnswerRecord, SessionSummary
from voice_coach.views.content_view import point_line, point_rows
from voice_coach.views.targets import fmt_clock, fmt_date, fmt_duration
from voice_coach.views.transcript import (
    Block,
    answer_tokens,
    coaching_lines,
    metric_lines,
    star_blocks,
    tries_line,
)

FILLER_STYLE = "bold black on yellow"
PAUSE_STYLE = "cyan"
DEAD_AIR_STYLE = "bold red"
HEDGE_STYLE = "underline magenta"
STAR_STYLE = "bold magenta"


def session_heading(summary: SessionSummary) -> str:
    """One line naming the session: id, date, kind, bank, answers, model."""
    parts = [f"Session {summary.id}", fmt_date(summary.started_ts), summary.kind]
    if summary.bank:
        parts.append(f"bank {summary.bank}")
    parts.append(answers_phrase(summary))
    parts.append(f"model {summary.model}")
    if summary.complete is False:
        parts.append("stopped early")
    elif summary.complete is None:
        parts.append("unfinished")
    return " · ".join(parts)


def answers_phrase(summary: SessionSummary) -> str:
    """"4 answers", or "4 answers, 1 follow-up, 1 earlier try" so the recordings numbered below add up."""
    t = summary.totals
    parts = [f"{t.answers} answer{'s' if t.answers != 1 else ''}"]
    if t.followups:
        parts.append(f"{t.followups} follow-up{'s' if t.followups != 1 else ''}")
    if t.superseded:
        parts.append(f"{t.superseded} earlier tr{'ies' if t.superseded != 1 else 'y'}")
    return ", ".join(parts)


def answer_heading(answer: AnswerRecord, total: int) -> str:
    parts = [f"Answer {answer.number} of {total}"]
    if answer.category:
        parts.append(answer.category)
    if answer.is_followup:
        parts.append(f"follow-up to {answer.parent_number}" if answer.parent_number else "follow-up")
    elif answer.parent_number and int(answer.question.get("attempt") or 2) > 1:
        parts.append(f"try {int(answer.question.get('attempt') or 2)} of answer {answer.parent_number}")
    return " · ".join(parts)


def block_text(block: Block) -> Text:
    """The block's words with fillers highlighted and pauses written inline as "[3.4 s]"."""
    text = Text()
    for i, token in enumerate(block.tokens):
        if i:
            text.append(" ")
        if token.kind == "filler":
            text.append(token.text, style=FILLER_STYLE)
        elif token.kind == "pause":
            text.append(token.text, style=DEAD_AIR_STYLE if token.dead_air else PAUSE_STYLE)
        elif token.kind == "hedge":
            text.append(token.text, style=HEDGE_STYLE)
        else:
            text.append(token.text)
    return text


def points_block(a: AnswerAnalysis) -> list[RenderableType]:
    """"Talking points" and one line per point: covered (with the sentence and its time), missed, not clear."""
    rows = point_rows(a)
    if not rows:
        return []
    out: list[RenderableType] = [Text("Talking points", style="bold")]
    styles = {"covered": "green", "missed": "red"}
    for row in rows:
        out.append(Padding(Text(point_line(row), style=styles.get(row.status, "dim")), (0, 0, 0, 2)))
    return out


def render_answer(answer: AnswerRecord, total: int, answers: Sequence[AnswerRecord] = ()) -> RenderableType:
    """Everything about one answer, as a rich renderable; `answers` (the session's) lets a try again
    show its figures beside the try before it."""
    parts: list[RenderableType] = [
        Text(answer_heading(answer, total), style="bold underline"),
        Text.assemble(("Q: ", "bold"), answer.question_text or "(no question text)"),
    ]
    tries = tries_line(answer, answers)
    if tries:
        parts.append(Text(tries, style="cyan"))
    blocks = star_blocks(answer.analysis, answer_tokens(answer.analysis))
    if blocks:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style=STAR_STYLE)
        grid.add_column(no_wrap=True, style="dim")
        grid.add_column(ratio=1)
        for block in blocks:
            grid.add_row(block.label or "", fmt_clock(block.start), block_text(block))
        parts.append(grid)
    else:
        parts.append(Text("(no speech was heard)", style="italic"))
    metrics = Table.grid(padding=(0, 2))
    metrics.add_column(style="bold", no_wrap=True)
    metrics.add_column()
    for name, value in metric_lines(answer.analysis):
        metrics.add_row(name, value)
    parts.append(Padding(metrics, (0, 0, 0, 2)))
    parts.extend(points_block(answer.analysis))
    notes = coaching_lines(answer.analysis)
    if answer.feedback.strip() or notes:
        parts.append(Text("Feedback", style="bold"))
        if answer.feedback.strip():
            parts.append(Padding(Text(answer.feedback.strip()), (0, 0, 0, 2)))
        for note in notes:
            parts.append(Padding(Text(f"- {note}"), (0, 0, 0, 2)))
    return Group(*parts)


def render_review(summary: SessionSummary, answers: Sequence[AnswerRecord]) -> RenderableType:
    """The session heading followed by each answer, separated by blank lines."""
    parts: list[RenderableType] = [Text(session_heading(summary), style="bold")]
    parts.append(Text(f"Total answer time {fmt_duration(summary.duration_s)}", style="dim"))
    for answer in answers:
        parts.append(Text(""))
        parts.append(render_answer(answer, summary.stored_answers, answers))
    return Group(*parts)
