"""Figures over several answers (a session, a day, a week), defined once for every view.

Follow-up answers are left out: they answer one missing part of a story, so their pace and filler
rate say little, and counting them would make the spoken summary, history and progress disagree
about how many answers there were. Only additive totals are kept per answer; every rate is computed
from the totals here, so the store can sum them in SQL and get exactly the figures the spoken summary
says.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voice_coach.analysis.answer import AnswerAnalysis


@dataclass(frozen=True)
class AnswerTotals:
    """Additive totals over main answers (follow-ups are only counted, in `followups`)."""

    answers: int = 0
    """Main answers (questions answered or left unanswered), follow-ups not included."""
    speech_answers: int = 0
    """Main answers in which speech was heard."""
    words: int = 0
    """Words spoken, fillers not included."""
    speaking_s: float = 0.0
    """First to last speech, summed over answers with speech."""
    fillers: int = 0
    dead_air: int = 0
    latency_sum_s: float = 0.0
    """Response latency summed over answers with speech."""
    star_answers: int = 0
    """Answers with speech to questions that call for a STAR story."""
    star_complete_sum: float = 0.0
    """Share of STAR parts present, summed over `star_answers`."""
    complete_stories: int = 0
    """STAR answers with all four parts."""
    followups: int = 0
    duration_s: float = 0.0
    """Recorded time of the main answers, silence included."""
    superseded: int = 0
    """Earlier tries of a question answered again (only the last try counts)."""
    points: int = 0
    """Talking points of the questions answered with speech (none without a question that lists them)."""
    points_covered: int = 0
    """Of `points`, those the answer covered (content.TalkingPoint.covered)."""

    def __add__(self, other: AnswerTotals) -> AnswerTotals:
        return AnswerTotals(*(a + b for a, b in zip(astuple(self), astuple(other))))

    @classmethod
    def of(cls, analysis: AnswerAnalysis, star_expected: bool, is_followup: bool = False) -> AnswerTotals:
        """One answer's contribution."""
        if is_followup:
            return cls(followups=1)
        if analysis.no_speech:
            return cls(answers=1, duration_s=analysis.duration_s)
        star = star_expected
        talking = analysis.content.talking_points if analysis.content is not None else ()
        return cls(
            answers=1, speech_answers=1, words=analysis.pace.word_count, speaking_s=analysis.length.speaking_s,
            fillers=analysis.fillers.count, dead_air=len(analysis.pauses.dead_air),
            latency_sum_s=analysis.pauses.response_latency_s or 0.0,
            star_answers=int(star), star_complete_sum=analysis.star.complete if star else 0.0,
            complete_stories=int(star and analysis.star.complete == 1.0), followups=0, duration_s=analysis.duration_s,
            points=len(talking), points_covered=sum(p.covered for p in talking),
        )

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


@dataclass(frozen=True)
class SessionFigures:
    """The rates every view shows for a group of main answers."""

    totals: AnswerTotals

    @property
    def wpm(self) -> float | None:
        """Pooled pace: all words over all speaking time (first to last speech of each answer)."""
        t = self.totals
        return 60.0 * t.words / t.speaking_s if t.speaking_s > 0 and t.words else None

    @property
    def fillers_per_min(self) -> float | None:
        t = self.totals
        return t.fillers / (t.speaking_s / 60.0) if t.speaking_s > 0 else None

    @property
    def dead_air_per_answer(self) -> float | None:
        t = self.totals
        return t.dead_air / t.speech_answers if t.speech_answers else None

    @property
    def response_latency_s(self) -> float | None:
        t = self.totals
        return t.latency_sum_s / t.speech_answers if t.speech_answers else None

    @property
    def star_complete(self) -> float | None:
        t = self.totals
        return t.star_complete_sum / t.star_answers if t.star_answers else None

    @property
    def points_covered(self) -> float | None:
        """Share of the questions' talking points covered, pooled over answers (None: no points judged)."""
        t = self.totals
        return t.points_covered / t.points if t.points else None


def main_answer_figures(answers: Iterable[tuple[AnswerAnalysis, bool, bool]]) -> SessionFigures:
    """Figures over (analysis, star expected, is follow-up) triples, follow-ups left out (see the module docstring)."""
    return SessionFigures(sum((AnswerTotals.of(a, star, followup) for a, star, followup in answers), AnswerTotals()))
