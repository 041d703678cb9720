"""A talking point put into the interviewer's words: the bank writes points about "the candidate",
the interviewer speaks to "you"."""

from __future__ import annotations

import re

__all__ = ["as_you", "missed_point_text", "point_followup"]


def as_you(point: str) -> str:
    """A talking point in the second person: "what the candidate learned" -> "what you learned"."""
    text = point.strip().rstrip(".")
    for old, new in (("the candidate's", "your"), ("the candidate", "you"), ("one's own", "your own"),
                     ("one's", "your"), ("oneself", "yourself")):
        text = re.sub(rf"\b{re.escape(old)}\b", new, text, flags=re.IGNORECASE)
    return text


def missed_point_text(point: str) -> str:
    """The spoken fix for a missed talking point."""
    return f"you didn't mention {as_you(point)}"


def point_followup(point: str) -> str:
    """A follow-up question about a missed talking point, for when no STAR part is missing."""
    return f"One more thing: what about {as_you(point)}?"
