"""What the interviewer says after an answer, and at the end of the session.

Spoken feedback has to be short to be heard: one thing that went well and the one fix that matters
most, each with a figure the candidate can act on ("about 175 words a minute, a little fast").
Everything here is a pure function of the analysis JSON (the same dict the store keeps), so the
words spoken, the words saved and the words tested are the same.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from voice_coach.core import targets as T

FILLERS_PER_MIN_LIMIT = T.FILLERS_PER_MIN
SLOW_START_S = T.RESPONSE_LATENCY_S
FAR_OFF_WPM = T.FAR_OFF_WPM
STAR_ORDER = ("result", "action", "situation", "task")
"""Which missing STAR part to ask about first: the result is what interviewers miss most."""

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                 "eleven", "twelve")
_STAR_FIX = {
    "result": "I didn't hear the result. Finish with how it turned out, ideally with a number",
    "action": "I didn't hear what you did yourself. Walk me through your own steps",
    "situation": "I didn't hear the situation. Set the scene in a sentence before you go on",
    "task": "I didn't hear what your job in it was. Say what you were responsible for",
}


@dataclass(frozen=True)
class Point:
    """One spoken remark; `kind` says which measure it is about (pace, fillers, silence, star, ...)."""

    kind: str
    text: str


@dataclass(frozen=True)
class Feedback:
    """The interviewer's reply to one answer."""

    strength: Point | None
    fix: Point | None
    missing_star: str | None
    """The most important STAR part the answer lacks (for the follow-up probe), if a story was expected."""

    @property
    def text(self) -> str:
        """The words to speak (and to save with the answer)."""
        parts = []
        if self.strength and self.strength.kind == "ack":
            parts.append(f"{self.strength.text}.")
        elif self.strength:
            parts.append(f"One thing that went well: {self.strength.text}.")
        if self.fix:
            lead = "The main thing to work on: " if self.strength else ""
            parts.append(f"{lead}{self.fix.text}.")
        return " ".join(parts) or "Thank you."


def _number(n: int) -> str:
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def count_words(n: int, noun: str, plural: str | None = None) -> str:
    """'two long silences', 'one filler', '14 fillers': small counts as words, as people say them."""
    return f"{_number(n)} {noun if n == 1 else (plural or noun + 's')}"


def _about_wpm(wpm: float) -> int:
    return int(5 * round(wpm / 5))


def _seconds(s: float) -> str:
    s = float(s)
    if s < 90:
        return f"{max(1, round(s))} seconds"
    minutes = round(s / 30) / 2
    return f"{minutes:g} minutes"


def _span(lo: float, hi: float) -> str:
    """'45 to 90 seconds', '1 to 2 minutes'."""
    if lo >= 60 and hi >= 90:
        return f"{round(lo / 30) / 2:g} to {round(hi / 30) / 2:g} minutes"
    return f"{round(lo)} to {round(hi)} seconds"


def _num(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def missing_star_part(analysis: Mapping[str, Any]) -> str | None:
    """The STAR part to probe for: result first, then action, situation, task; None if all present."""
    present = (analysis.get("star") or {}).get("present") or {}
    if not present or not any(present.values()):
        return None  # no story at all: a probe for one part would not help
    for part in STAR_ORDER:
        if not present.get(part, False):
            return part
    return None


def _pace(analysis: Mapping[str, Any]) -> tuple[str, float, str] | None:
    """(verdict, distance beyond the band in wpm, phrase) or None when pace cannot be judged."""
    pace = analysis.get("pace") or {}
    wpm = _num(pace.get("wpm"))
    if not wpm or pace.get("verdict") == "n/a":
        return None
    lo, hi = (pace.get("band") or T.PACE_WPM)[:2]
    about = _about_wpm(wpm)
    if wpm > hi:
        off = wpm - hi
        return "fast", off, f"about {about} words a minute, {'a little fast' if off <= FAR_OFF_WPM else 'which is fast'}"
    if wpm < lo:
        off = lo - wpm
        return "slow", off, f"about {about} words a minute, {'a little slow' if off <= FAR_OFF_WPM else 'which is slow'}"
    return "good", 0.0, f"a comfortable pace, about {about} words a minute"


def _fixes(analysis: Mapping[str, Any], star_expected: bool) -> list[Point]:
    """Every fix that applies, most important first."""
    pace, fillers, pauses = _pace(analysis), analysis.get("fillers") or {}, analysis.get("pauses") or {}
    length, star = analysis.get("length") or {}, analysis.get("star") or {}
    present = star.get("present") or {}
    out: list[Point] = []
    if star_expected and present and not any(present.values()):
        out.append(Point("star", "I didn't hear a specific example. Tell me about one real time it happened"))
    missing = missing_star_part(analysis) if star_expected else None
    if missing in ("result", "action"):
        out.append(Point("star", _STAR_FIX[missing]))
    dead = int(_num(pauses.get("dead_air_count")) or 0)
    if dead:
        longest = _num(pauses.get("longest_s")) or 0.0
        out.append(Point("silence", f"{count_words(dead, 'long silence')}, the longest about {_seconds(longest)}. "
                                    "On a call, say you are thinking, so the line does not go quiet"))
    if pace and pace[0] != "good" and pace[1] > FAR_OFF_WPM:
        advice = "slow down and let each point land" if pace[0] == "fast" else "pick up the pace a little"
        out.append(Point("pace", f"{pace[2]}; {advice}"))
    count = int(_num(fillers.get("count")) or 0)
    per_min = _num(fillers.get("per_minute")) or 0.0
    if count >= 3 and per_min >= FILLERS_PER_MIN_LIMIT:
        top = (fillers.get("top") or [[None, 0]])[0][0]
        mostly = f", mostly '{top}'" if top else ""
        out.append(Point("fillers", f"{count_words(count, 'filler')}, about {round(per_min)} a minute{mostly}. "
                                    "A short silent pause works better"))
    if missing in ("situation", "task"):
        out.append(Point("star", _STAR_FIX[missing]))
    verdict = length.get("verdict")
    if verdict in ("short", "long"):
        lo, hi = (length.get("band") or T.LENGTH_BY_KIND_S["behavioral"])[:2]
        spoken = _num(length.get("speaking_s")) or 0.0
        word = "short" if verdict == "short" else "long"
        out.append(Point("length", f"the answer ran about {_seconds(spoken)}, {word} for this question; "
                                   f"aim for {_span(lo, hi)}"))
    latency = _num(pauses.get("response_latency_s"))
    if latency is not None and latency > SLOW_START_S:
        out.append(Point("latency", f"you took about {_seconds(latency)} to start. It is fine to say "
                                    "'let me think for a second' first"))
    if pace and pace[0] != "good":
        out.append(Point("pace", pace[2]))
    if star_expected and present.get("result") and not star.get("result_concrete", True):
        out.append(Point("star", "make the result concrete: a number, or what the customer did next"))
    return out


def _strengths(analysis: Mapping[str, Any], star_expected: bool) -> list[Point]:
    """Every strength that applies, the most convincing first."""
    pace, fillers, pauses = _pace(analysis), analysis.get("fillers") or {}, analysis.get("pauses") or {}
    length, star = analysis.get("length") or {}, analysis.get("star") or {}
    present = star.get("present") or {}
    speaking = _num(length.get("speaking_s")) or 0.0
    out: list[Point] = []
    if star_expected and present and all(present.values()):
        out.append(Point("star", "a complete story, with the situation, your task, what you did and the result"))
    if pace and pace[0] == "good":
        out.append(Point("pace", pace[2]))
    count = int(_num(fillers.get("count")) or 0)
    if speaking >= 10 and count == 0:
        out.append(Point("fillers", "no filler words at all"))
    elif speaking >= 20 and (_num(fillers.get("per_minute")) or 0.0) < 1.5:
        out.append(Point("fillers", f"hardly any fillers, just {_number(count)} in the whole answer"))
    if speaking >= 20 and not int(_num(pauses.get("dead_air_count")) or 0):
        out.append(Point("silence", "no long silences; you kept the call moving"))
    if star_expected and present.get("result") and star.get("result_concrete"):
        out.append(Point("star", "a clear, concrete result at the end"))
    latency = _num(pauses.get("response_latency_s"))
    if latency is not None and latency <= T.QUICK_START_S:
        out.append(Point("latency", "a quick, confident start"))
    if length.get("verdict") == "good":
        out.append(Point("length", f"a good length, about {_seconds(speaking)}"))
    return out


def answer_feedback(analysis: Mapping[str, Any], star_expected: bool) -> Feedback:
    """One strength and the most important fix for one answer (the analysis JSON of the analyzer)."""
    if analysis.get("no_speech"):
        return Feedback(None, Point("speech", "I didn't hear an answer to that one"), None)
    fixes = _fixes(analysis, star_expected)
    fix = fixes[0] if fixes else None
    strengths = [s for s in _strengths(analysis, star_expected) if not fix or s.kind != fix.kind]
    missing = missing_star_part(analysis) if star_expected else None
    return Feedback(strengths[0] if strengths else None, fix, missing)


def followup_feedback(analysis: Mapping[str, Any], component: str) -> Feedback:
    """A short acknowledgement of a follow-up answer: did it supply the missing part?"""
    if analysis.get("no_speech"):
        return Feedback(None, Point("speech", "I didn't hear an answer to that one, so let's move on"), None)
    present = ((analysis.get("star") or {}).get("present") or {}).get(component, False)
    if present or component == "result" and (analysis.get("star") or {}).get("result_concrete"):
        return Feedback(Point("ack", f"Thanks, that gives me the {component}. Next time, put it in your first answer"), None, None)
    return Feedback(None, Point("star", f"I still didn't quite hear the {component}. Keep it in mind for next time"), None)


# ---------------------------------------------------------------- the session summary
@dataclass(frozen=True)
class AnswerRecap:
    """What the summary needs from one answer."""

    analysis: Mapping[str, Any]
    star_expected: bool
    is_followup: bool = False
    feedback: Feedback | None = None


@dataclass(frozen=True)
class SessionRecap:
    """The closing summary: a short spoken text and the lines printed under it."""

    spoken: str
    lines: tuple[str, ...]


_STRENGTH_NAMES = {"pace": "your pace", "fillers": "how few fillers you used", "silence": "keeping the call moving",
                   "star": "the structure of your stories", "latency": "starting your answers promptly",
                   "length": "the length of your answers"}
_FIX_NAMES = {"pace": "your pace", "fillers": "cutting down on fillers", "silence": "avoiding long silences",
              "star": "telling complete stories, ending with the result", "latency": "starting your answers sooner",
              "length": "the length of your answers", "speech": "answering every question"}


def _stories_line(complete: int, total: int) -> str:
    if total == 1:
        return "Your story had all four STAR parts." if complete else "Your story was missing at least one STAR part."
    if complete == 0:
        return f"None of your {_number(total)} stories had all four STAR parts."
    return f"{_number(complete).capitalize()} of your {_number(total)} stories had all four STAR parts."


def summarize_session(answers: Sequence[AnswerRecap]) -> SessionRecap:
    """Figures over the main answers that had speech, and the strength and fix that came up most."""
    main = [a for a in answers if not a.is_followup]
    spoke = [a for a in main if not a.analysis.get("no_speech")]
    if not spoke:
        text = "We didn't get any answers recorded this time. Check your microphone and try again."
        return SessionRecap(text, (f"Questions asked: {len(main)}; answers with speech: 0.",))
    words = sum(int(_num((a.analysis.get("pace") or {}).get("word_count")) or 0) for a in spoke)
    minutes = sum(_num((a.analysis.get("length") or {}).get("speaking_s")) or 0.0 for a in spoke) / 60.0
    paced = [(_num((a.analysis.get("pace") or {}).get("wpm")) or 0.0, (a.analysis.get("pace") or {}).get("word_count") or 0)
             for a in spoke]
    weight = sum(n for _, n in paced)
    wpm = sum(w * n for w, n in paced) / weight if weight else None
    fillers = sum(int(_num((a.analysis.get("fillers") or {}).get("count")) or 0) for a in spoke)
    per_min = fillers / minutes if minutes > 0 else 0.0
    dead = sum(int(_num((a.analysis.get("pauses") or {}).get("dead_air_count")) or 0) for a in spoke)
    stories = [a for a in spoke if a.star_expected]
    complete = sum(1 for a in stories if all(((a.analysis.get("star") or {}).get("present") or {"x": False}).values()))
    feedback = [a.feedback or answer_feedback(a.analysis, a.star_expected) for a in main]
    fix_kinds = Counter(f.fix.kind for f in feedback if f.fix)
    strength_kinds = Counter(f.strength.kind for f in feedback if f.strength and f.strength.kind != "ack")
    focus = fix_kinds.most_common(1)[0][0] if fix_kinds else None
    best = next((k for k, _ in strength_kinds.most_common() if k != focus), None)

    spoken = [(f"That's all my questions. You answered {count_words(len(spoke), 'question')}, "
               f"with about {_seconds(minutes * 60)} of talking.")]
    if wpm:
        spoken.append(f"Your average pace was about {_about_wpm(wpm)} words a minute, "
                      f"with {count_words(fillers, 'filler')} and {count_words(dead, 'long silence')}.")
    if stories:
        spoken.append(_stories_line(complete, len(stories)))
    if best:
        spoken.append(f"Your strongest point was {_STRENGTH_NAMES.get(best, best)}.")
    if focus:
        spoken.append(f"Next time, work on {_FIX_NAMES.get(focus, focus)}.")
    lines = [
        f"Answers with speech: {len(spoke)} of {len(main)} questions" + (f" (plus {len(answers) - len(main)} follow-up)" if len(answers) > len(main) else ""),
        f"Talking time: {minutes * 60:.0f} s, {words} words",
        f"Average pace: {wpm:.0f} wpm" if wpm else "Average pace: -",
        f"Fillers: {fillers} ({per_min:.1f} per minute)",
        f"Long silences (dead air): {dead}",
    ]
    if stories:
        lines.append(f"Complete STAR stories: {complete} of {len(stories)}")
    if best:
        lines.append(f"Strongest: {_STRENGTH_NAMES.get(best, best)}")
    if focus:
        lines.append(f"Work on: {_FIX_NAMES.get(focus, focus)}")
    return SessionRecap(" ".join(spoken), tuple(lines))
