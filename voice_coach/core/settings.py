"""Frozen settings for one analysis; every field has a default a user would expect."""

from __future__ import annotations

from dataclasses import dataclass

from voice_coach.core import targets as T


@dataclass(frozen=True)
class AnalysisSettings:
    pace_band_wpm: tuple[float, float] = T.PACE_WPM
    """Target speaking pace (core.targets.PACE_WPM)."""
    pause_min_s: float = T.PAUSE_MIN_S
    """A silence inside the answer at least this long is reported as a pause."""
    dead_air_s: float = T.DEAD_AIR_S
    """A pause at least this long is dead air: the listener wonders whether you are still there."""
    length_band_s: tuple[float, float] = T.LENGTH_BY_KIND_S["behavioral"]
    """Target answer length; the interview sets the question's own band (core.targets.Targets.length_for)."""
    expect_star: bool = True
    """Whether the question calls for a STAR answer (changes the coaching, not the labels)."""
