"""What an answer is judged on follows the question's kind, decided once here for feedback and every view.

A behavioral question asks for a story, so STAR completeness is judged (also when no question is
known: `analyze` without --question says so). A situational question asks what one would do: its
steps and the outcome expected are judged, never a missing Situation or Result. A general or
closing question ("why this job?", "any questions for us?") is judged on neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

STAR, PLAN = "star", "plan"


def judged_as(analysis: Any) -> str | None:
    """"star", "plan" or None for an AnswerAnalysis, from its question (None: judged as behavioral)."""
    question = getattr(analysis, "question", None)
    if question is None or question.star_expected:
        return STAR
    return PLAN if question.kind == "situational" else None


@dataclass(frozen=True)
class PlanFigures:
    """A situational answer's steps and expected outcome, from both readings of it: the wording cues
    of content.plan_of and the STAR labeller's plan regime (StarResult.plan, steps labelled Action and
    the expected outcome labelled Result). Either reading is enough: they miss different phrasings."""

    steps: int
    outcome: bool
    outcome_start: float | None


def plan_figures(analysis: Any) -> PlanFigures:
    """The plan figures of one answer (zero steps and no outcome when nothing was said)."""
    content = getattr(analysis, "content", None)
    cue_plan = content.plan if content is not None else None
    star = analysis.star
    labelled = [s for s in star.sentences if s.label in ("action", "result")] if star.plan else []
    star_steps = sum(1 for s in labelled if s.label == "action")
    star_outcome = next((s.start for s in labelled if s.label == "result"), None)
    steps = max(cue_plan.steps if cue_plan else 0, star_steps)
    starts = [t for t in (cue_plan.outcome_start if cue_plan and cue_plan.outcome else None, star_outcome) if t is not None]
    return PlanFigures(steps, bool(starts), min(starts) if starts else None)
