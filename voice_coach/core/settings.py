"""Frozen settings for one analysis; every field has a default a user would expect."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnalysisSettings:
    pace_band_wpm: tuple[float, float] = (130.0, 160.0)
    """Target speaking pace; conversational English on the phone sits around 130-160 wpm."""
    pause_min_s: float = 1.0
    """A silence inside the answer at least this long is reported as a pause."""
    dead_air_s: float = 3.0
    """A pause at least this long is dead air: the listener wonders whether you are still there."""
    length_band_s: tuple[float, float] = (60.0, 120.0)
    """Target answer length for a behavioral answer."""
    expect_star: bool = True
    """Whether the question calls for a STAR answer (changes the coaching, not the labels)."""
