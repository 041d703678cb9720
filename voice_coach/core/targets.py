"""Every band and limit the product judges an answer by, in one place, each with where it comes from.

Analysis, spoken feedback, the report, review, history and progress all read these values (or a
`Targets` built from the command line), so a figure and its target are the same everywhere.
`--pace`, `--length`, `--pause` and `--dead-air` override them for one run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

Band = tuple[float, float]

PACE_WPM: Band = (130.0, 160.0)
"""Words per minute: the range usually given for clear phone and presentation speech (conversational
English averages about 150 wpm, National Center for Voice and Speech)."""

LENGTH_BY_KIND_S: Mapping[str, Band] = MappingProxyType({
    "behavioral": (60.0, 120.0),
    "situational": (45.0, 90.0),
    "general": (20.0, 60.0),
})
"""Answer length (first to last speech) by question kind: common coaching advice of one to two minutes
for a story, less for a scenario or a general question; the reference guides ask for answers that are
complete yet concise. A bank may set its own per question (`target_s`)."""

FOLLOWUP_LENGTH_S: Band = (10.0, 60.0)
"""A follow-up asks for one missing part of a story: a sentence or two is enough."""

FILLERS_PER_MIN = 3.0
"""Up to about three fillers a minute goes unnoticed on a call; more starts to sound unsure (our choice)."""

RESPONSE_LATENCY_S = 3.0
"""Seconds from the end of the question to the first word; a longer silence reads as dead air (our
choice, matching the dead-air threshold)."""

QUICK_START_S = 1.5
"""A start this quick is worth praising."""

PAUSE_MIN_S = 1.0
"""A silence inside the answer at least this long is reported as a pause."""

DEAD_AIR_S = 3.0
"""A pause at least this long is dead air: the caller wonders whether you are still there
(reference guide 004)."""

DEAD_AIR_PER_ANSWER = 0.5
"""Over sessions: dead-air events per answer; the aim is none, one in two answers is the ceiling."""

STAR_COMPLETE_MIN = 0.75
"""Over sessions: share of Situation, Task, Action, Result present; three of four is the floor."""

TALKING_POINTS_MIN = 0.6
"""Over sessions: share of the questions' talking points covered; our choice, most of what the
interviewer listens for (an answer rarely needs every point, and "covered" is judged strictly)."""

FAR_OFF_WPM = 20.0
"""Beyond the pace band by more than this is "fast"/"slow"; within it "a little"."""


@dataclass(frozen=True)
class Targets:
    """The targets of one run: the defaults above, with the command line's overrides applied."""

    pace_wpm: Band = PACE_WPM
    length_by_kind_s: Mapping[str, Band] = field(default_factory=lambda: LENGTH_BY_KIND_S)
    length_s: Band | None = None
    """`--length`: one band for every question; None uses the question's own (or its kind's) band."""
    followup_length_s: Band = FOLLOWUP_LENGTH_S
    fillers_per_min: float = FILLERS_PER_MIN
    response_latency_s: float = RESPONSE_LATENCY_S
    pause_min_s: float = PAUSE_MIN_S
    dead_air_s: float = DEAD_AIR_S
    dead_air_per_answer: float = DEAD_AIR_PER_ANSWER
    star_complete_min: float = STAR_COMPLETE_MIN

    def length_for(self, kind: str | None, question_band: Band | None = None) -> Band:
        """The length band for one question: `--length` if given, else the question's, else its kind's."""
        if self.length_s is not None:
            return self.length_s
        if question_band is not None:
            return question_band
        return self.length_by_kind_s.get(kind or "behavioral", LENGTH_BY_KIND_S["behavioral"])

    def with_overrides(self, **changes: object) -> "Targets":
        """A copy with the given fields replaced; None values are left at their current setting."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


DEFAULT_TARGETS = Targets()
