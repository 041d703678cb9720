"""Trying a question again: what changed between two attempts, in words the interviewer can say.

A pure function of the two typed answer records (AnswerAnalysis), like the feedback itself, so
what is spoken, what is saved and what is tested agree. The spoken sentence keeps to the few
changes that matter ("pace down from 182 to 155 words a minute, two fewer fillers, and this time I
heard the result"); the printed lines show every figure side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

from voice_coach.analysis.answer import AnswerAnalysis
from voice_coach.core.words import number_word

STAR_PARTS = ("situation", "task", "action", "result")
PACE_CHANGE_WPM = 5.0
"""A change of pace smaller than this is not worth saying (the measure itself moves by a few wpm)."""
LENGTH_CHANGE_S = 10.0
LATENCY_CHANGE_S = 1.0
MAX_SPOKEN_CHANGES = 4

def _more_or_fewer(before: int, after: int, noun: str) -> str:
    """'two fewer fillers', 'one more long silence'."""
    diff = abs(after - before)
    return f"{number_word(diff)} {'fewer' if after < before else 'more'} {noun if diff == 1 else noun + 's'}"


def _join(items: list[str]) -> str:
    """'a', 'a and b', 'a, b, and c' (the serial comma reads better aloud)."""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def _seconds(s: float) -> str:
    return f"{round(s)} seconds" if s < 90 else f"{round(s / 30) / 2:g} minutes"


@dataclass(frozen=True)
class Comparison:
    """What changed from one attempt to the next."""

    spoken: str
    """One sentence for the interviewer to say before the usual feedback."""
    lines: tuple[str, ...]
    """The figures of both attempts, one measure a line ("pace: 182 -> 155 wpm")."""
    changes: tuple[str, ...]
    """The changes the sentence names, in order ("pace down from 182 to 155 words a minute", ...)."""


def _pace_change(before: AnswerAnalysis, after: AnswerAnalysis) -> str | None:
    a, b = before.pace.wpm, after.pace.wpm
    if not a or not b or abs(b - a) < PACE_CHANGE_WPM:
        return None
    direction = "down" if b < a else "up"
    lo, hi = after.pace.band
    inside = lo <= b <= hi and not lo <= a <= hi
    return f"pace {direction} from {round(a)} to {round(b)} words a minute" + (", inside your target" if inside else "")


def _filler_change(before: AnswerAnalysis, after: AnswerAnalysis) -> str | None:
    a, b = before.fillers.count, after.fillers.count
    if a == b:
        return None
    if b == 0:
        return f"no fillers this time, down from {number_word(a)}"
    return _more_or_fewer(a, b, "filler")


def _silence_change(before: AnswerAnalysis, after: AnswerAnalysis) -> str | None:
    a, b = len(before.pauses.dead_air), len(after.pauses.dead_air)
    if a == b:
        return None
    if b == 0:
        return "no long silences this time"
    return _more_or_fewer(a, b, "long silence")


def _length_change(before: AnswerAnalysis, after: AnswerAnalysis) -> str | None:
    a, b = before.length.speaking_s, after.length.speaking_s
    if before.length.verdict != "good" and after.length.verdict == "good":
        return f"a better length, about {_seconds(b)}"
    if abs(b - a) < LENGTH_CHANGE_S:
        return None
    return f"{_seconds(abs(b - a))} {'longer' if b > a else 'shorter'}"


def _latency_change(before: AnswerAnalysis, after: AnswerAnalysis) -> str | None:
    a, b = before.pauses.response_latency_s, after.pauses.response_latency_s
    if a is None or b is None or abs(b - a) < LATENCY_CHANGE_S:
        return None
    return "a quicker start" if b < a else "a slower start"


def _star_change(before: AnswerAnalysis, after: AnswerAnalysis, star_expected: bool) -> list[str]:
    if not star_expected:
        return []
    gained = [p for p in STAR_PARTS if after.star.present.get(p) and not before.star.present.get(p)]
    lost = [p for p in STAR_PARTS if before.star.present.get(p) and not after.star.present.get(p)]
    out = []
    if gained:
        out.append("this time I heard the " + _join(gained))
    if lost:
        out.append("I missed the " + _join(lost) + " this time")
    return out


def compare_attempts(before: AnswerAnalysis, after: AnswerAnalysis, star_expected: bool = False,
                     attempt: int = 2) -> Comparison:
    """How attempt number `attempt` (`after`) differs from the one before it (`before`)."""
    which = "your first try" if attempt == 2 else "your last try"
    lines = comparison_lines(before, after, star_expected)
    if after.no_speech:
        return Comparison(f"I didn't hear an answer this time, so I can't compare it with {which}.", lines, ())
    if before.no_speech:
        return Comparison(f"This time I heard an answer, which {which} did not have.", lines, ())
    measured = [_pace_change(before, after), _filler_change(before, after), _silence_change(before, after),
                _length_change(before, after), _latency_change(before, after)]
    changes = [c for c in measured if c]
    star = _star_change(before, after, star_expected)
    # the STAR parts are kept whatever else changed: they are what a retry is usually about
    changes = changes[: MAX_SPOKEN_CHANGES - len(star)] + star
    if not changes:
        return Comparison(f"Compared with {which}, much the same: the figures hardly moved.", lines, ())
    if len(changes) > 1 and changes[-1].startswith("I missed"):  # "..., but I missed the task this time"
        text = ", ".join(changes[:-1]) + ", but " + changes[-1]
    else:
        text = _join(changes)
    return Comparison(f"Compared with {which}: {text}.", lines, tuple(changes))


def _star_mark(a: AnswerAnalysis) -> str:
    return " ".join(p[0].upper() + ("+" if a.star.present.get(p) else "-") for p in STAR_PARTS)


def comparison_lines(before: AnswerAnalysis, after: AnswerAnalysis, star_expected: bool = False) -> tuple[str, ...]:
    """Both attempts' figures, one measure a line: "pace: 182 -> 155 wpm"."""
    def wpm(a: AnswerAnalysis) -> str:
        return f"{a.pace.wpm:.0f}" if a.pace.wpm else "-"

    def latency(a: AnswerAnalysis) -> str:
        return "-" if a.pauses.response_latency_s is None else f"{a.pauses.response_latency_s:.1f}"

    lines = [
        f"pace: {wpm(before)} -> {wpm(after)} wpm",
        f"fillers: {before.fillers.count} -> {after.fillers.count}",
        f"long silences: {len(before.pauses.dead_air)} -> {len(after.pauses.dead_air)}",
        f"length: {before.length.speaking_s:.0f} -> {after.length.speaking_s:.0f} s",
        f"start: {latency(before)} -> {latency(after)} s",
    ]
    if star_expected:
        lines.append(f"STAR: {_star_mark(before)} -> {_star_mark(after)}")
    return tuple(lines)
