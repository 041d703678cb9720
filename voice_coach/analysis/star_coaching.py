"""What to tell the candidate about their STAR structure: one spoken-friendly line per gap.

Lines are meant to be read aloud by the interviewer voice, so they are short, plain and say
what to do next time, not what the model computed. Only missing or thin parts get a line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from voice_coach.analysis.star_lexicon import normalize

ACTION_THIN_SHARE = 0.25
"""The Action is the heart of the answer; below a quarter of the speaking time it sounds thin."""
SITUATION_LONG_SHARE = 0.45
"""More than this much scene-setting leaves too little time for what you did."""
WE_HEAVY_RATIO = 0.5
"""When fewer than half of the Action's first-person subjects are "I", the listener can't tell your part."""

NO_STORY_LINE = (
    "I didn't hear a specific example. Pick one real time it happened and walk me through it: "
    "where you were, what you had to do, what you did, and how it turned out."
)

_NUMBER = re.compile(
    r"\b(?:\d[\d.,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|sixty|hundred|thousand|half|double|doubled|twice|percent|dozen)\b|%"
)
_CONCRETE_OUTCOME = re.compile(
    r"\b(?:thanked|thanks|review|tip|came back|comes back|returned|renewed|stayed|kept|signed up|bought|"
    r"booked|ordered|switched|chose|picked|accepted|recommended|regular|loyal|promoted|award|"
    r"bonus|recognized|praised|score|rating|survey|complaints?|cancel\w*|refund\w*|saved|increased|"
    r"decreased|reduced|improved|dropped|resolved|fixed|solved|on time|deadline|before|within|"
    r"never|every|all|letter|email\w*|called|wrote|standard|policy|started)\b"
)


def result_is_concrete(result_texts: Sequence[str]) -> bool:
    """A result is concrete when it has a number or a specific, observable outcome."""
    for text in result_texts:
        norm = normalize(text)
        if _NUMBER.search(norm) or _CONCRETE_OUTCOME.search(norm):
            return True
    return False


def coaching_lines(
    *,
    present: Mapping[str, bool],
    share: Mapping[str, float],
    result_concrete: bool,
    i_we_ratio: float | None,
    we_count: int,
    spoke: bool,
    expect_star: bool,
    plan: bool = False,
) -> tuple[str, ...]:
    """Short lines for what is missing or thin; nothing when the question does not call for a story.

    With `plan` the answer lays out what the speaker would do (or usually does): its steps are the
    Action and its expected outcome the Result, so it is coached as a plan, never as a missing story.
    """
    if not expect_star or not spoke:
        return ()
    if plan:
        return _plan_lines(present)
    if not any(present.values()):
        return (NO_STORY_LINE,)
    lines = []
    if not present["situation"]:
        lines.append("Set the scene first, in a sentence or two: where you were working and what happened.")
    if not present["task"]:
        lines.append("Say what your goal or responsibility was before you tell me what you did.")
    if not present["action"]:
        lines.append("I didn't hear what you did yourself. Walk me through the steps you took.")
    elif share["action"] < ACTION_THIN_SHARE:
        lines.append("Spend more of the answer on what you did; the steps you took are the part that counts most.")
    if present["situation"] and share["situation"] > SITUATION_LONG_SHARE:
        lines.append("The background took a big part of the answer; trim it so you get to your actions sooner.")
    if not present["result"]:
        lines.append("I didn't hear how it turned out. Finish with the result, ideally with a number.")
    elif not result_concrete:
        lines.append("Make the result concrete: a number, the time it saved, or what the customer did next.")
    if i_we_ratio is not None and i_we_ratio < WE_HEAVY_RATIO and we_count >= 2:
        lines.append("You said 'we' more than 'I' in your actions; make clear which part you did yourself.")
    return tuple(lines)


def _plan_lines(present: Mapping[str, bool]) -> tuple[str, ...]:
    """Lines for an answer about what the speaker would do: the steps and the outcome matter most."""
    lines = []
    if not present["action"]:
        lines.append("Walk me through the steps you would take, in order: first, then, and if that doesn't work.")
    if not present["task"]:
        lines.append("Say what you would be aiming for, such as keeping the customer or fixing it on the first call.")
    if not present["result"]:
        lines.append("Finish with how you'd expect it to turn out for the customer.")
    return tuple(lines)
