"""What the answer said, as rows every view prints the same way: what was judged (STAR, a plan or
neither, after the question's kind), talking points with the sentence that covers each and its time,
hedges with their times, repeated phrases, most-used words, job terms.

Pure functions over the typed answer record (AnswerAnalysis); the terminal report, review (terminal,
md, html) and the figures table read these rows, so a figure shown twice is the same figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from voice_coach.analysis.answer import AnswerAnalysis
from voice_coach.analysis.judging import PLAN, STAR, judged_as, plan_figures
from voice_coach.views.targets import fmt_clock

STAR_NAMES = {"situation": "Situation", "task": "Task", "action": "Action", "result": "Result"}
STATUS_WORDS = {"covered": "covered", "missed": "missed", "unsure": "not clearly covered"}
"""How a point's verdict reads; "unsure" is not counted as covered and never named as missed."""
HEDGES_SHOWN = 8


@dataclass(frozen=True)
class PointRow:
    """One talking point as shown: its verdict, and where it was covered."""

    point: str
    status: str
    start: float | None = None
    sentence: str | None = None

    @property
    def mark(self) -> str:
        return {"covered": "✓", "missed": "✗"}.get(self.status, "?")

    @property
    def when(self) -> str:
        return fmt_clock(self.start) if self.start is not None else ""


def structure_line(a: AnswerAnalysis) -> tuple[str, str] | None:
    """("STAR", ...) where a story is expected, ("Plan", ...) for a situational question, None otherwise."""
    kind = judged_as(a)
    if kind == STAR:
        star = a.star
        have = [STAR_NAMES[k] for k, v in star.present.items() if v]
        missing = [STAR_NAMES[k] for k, v in star.present.items() if not v]
        text = f"{star.complete * 100:.0f}% ({', '.join(have) or 'none'} present"
        return "STAR", text + (f"; missing {', '.join(missing)})" if missing else ")")
    if kind == PLAN:
        plan = plan_figures(a)
        steps = f"{plan.steps} step{'s' if plan.steps != 1 else ''}"
        if plan.outcome and plan.outcome_start is not None:
            return "Plan", f"{steps}; expected outcome at {fmt_clock(plan.outcome_start)}"
        return "Plan", f"{steps}; no expected outcome heard"
    return None


def star_marks(a: AnswerAnalysis) -> str:
    """"S+ T- A+ R+": the compact STAR line of the analyze report."""
    return " ".join(f"{k[0].upper()}{'+' if a.star.present.get(k) else '-'}" for k in STAR_NAMES)


def point_rows(a: AnswerAnalysis) -> list[PointRow]:
    content = a.content
    if content is None or a.no_speech:
        return []
    return [PointRow(p.point, p.status if not p.covered else "covered", p.start, p.sentence)
            for p in content.talking_points]


def coverage_line(a: AnswerAnalysis) -> tuple[str, str] | None:
    """("Talking points", "3 of 5 covered (60%)"), or None when no points were judged."""
    rows = point_rows(a)
    if not rows:
        return None
    covered = sum(r.status == "covered" for r in rows)
    return "Talking points", f"{covered} of {len(rows)} covered ({covered * 100 / len(rows):.0f}%)"


def language_lines(a: AnswerAnalysis) -> list[tuple[str, str]]:
    """Hedges (with times), repeated phrases, most-used words, job terms: (name, value) rows."""
    content = a.content
    if content is None or a.no_speech:
        return []
    hedges = content.hedges
    text = str(len(hedges))
    if hedges:
        shown = ", ".join(f"'{h.text}' at {fmt_clock(h.start)}" for h in hedges[:HEDGES_SHOWN])
        text += ": " + shown + (", ..." if len(hedges) > HEDGES_SHOWN else "")
    rows = [("Hedges", text)]
    if content.repeats:
        rows.append(("Repeated phrases", ", ".join(f"'{p}' {c} times" for p, c in content.repeats)))
    if content.top_words:
        rows.append(("Most-used words", ", ".join(f"{w} ({c})" for w, c in content.top_words)))
    if content.job_terms:
        rows.append(("Job terms", ", ".join(f"{t} ({c})" for t, c in content.job_terms)))
    return rows


def content_rows(a: AnswerAnalysis) -> list[tuple[str, str]]:
    """The content figures of the figures table: coverage, then language."""
    cov = coverage_line(a)
    return ([cov] if cov else []) + language_lines(a)


def point_line(row: PointRow) -> str:
    """"+ checking the account (at 0:12.4: "I'd look at the account ...")", one plain line."""
    text = f"{row.mark} {row.point}"
    if row.status == "covered" and row.start is not None:
        said = f': "{row.sentence}"' if row.sentence else ""
        return f"{text} (at {row.when}{said})"
    return f"{text} ({STATUS_WORDS.get(row.status, row.status)})"


def points_html(a: AnswerAnalysis) -> str:
    """The talking points as an html list (class covered / missed / unsure; the covering sentence quoted)."""
    import html

    rows = point_rows(a)
    if not rows:
        return ""
    items = []
    for r in rows:
        text = html.escape(r.point)
        if r.status == "covered" and r.start is not None:
            said = f" <q>{html.escape(r.sentence)}</q>" if r.sentence else ""
            text += f' <span class="at">at {r.when}</span>{said}'
        else:
            text += f" <small>({html.escape(STATUS_WORDS.get(r.status, r.status))})</small>"
        items.append(f'<li class="{html.escape(r.status)}" data-t="{r.start or 0:.2f}">{text}</li>')
    return '<h3>Talking points</h3><ul class="points">' + "".join(items) + "</ul>"
