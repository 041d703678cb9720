"""What the interviewer says after an answer, and at the end of the session.

Spoken feedback has to be short to be heard: one thing that went well and the one fix that matters
most, each with a figure the candidate can act on ("about 175 words a minute, a little fast").
Everything here is a pure function of the typed answer record (AnswerAnalysis), the same record the
store keeps and every view reads, so the words spoken, the words saved and the words tested agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from voice_coach.analysis.answer import AnswerAnalysis
from voice_coach.analysis.judging import PlanFigures, plan_figures
from voice_coach.analysis.point_phrases import as_you, missed_point_text, point_followup  # noqa: F401 (re-exported)
from voice_coach.analysis.session_figures import SessionFigures, main_answer_figures

from voice_coach.core import targets as T
from voice_coach.core.words import count_words, number_word, plural  # noqa: F401 (count_words re-exported)

FILLERS_PER_MIN_LIMIT = T.FILLERS_PER_MIN
SLOW_START_S = T.RESPONSE_LATENCY_S
FAR_OFF_WPM = T.FAR_OFF_WPM
STAR_ORDER = ("result", "action", "situation", "task")
"""Which missing STAR part to ask about first: the result is what interviewers miss most."""

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
    missing_point: str | None = None
    """The question's most important talking point the answer confidently missed (content.MISSED), if any:
    the interviewer may ask about it (point_followup) when no STAR part is missing."""

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


HEDGES_MIN = 3
HEDGES_PER_MIN = 2.0
"""Three hedges or more, at two a minute or more, start to sound unsure of one's own actions (our choice)."""


def _kind(analysis: AnswerAnalysis) -> str | None:
    return analysis.question.kind if analysis.question is not None else None


def _plan(analysis: AnswerAnalysis, star_expected: bool) -> PlanFigures | None:
    """A situational answer's steps and outcome (judging.plan_figures); None where a story is expected
    or for other kinds."""
    return plan_figures(analysis) if not star_expected and _kind(analysis) == "situational" else None


def _missed_point(analysis: AnswerAnalysis) -> str | None:
    content = analysis.content
    missed = content.missed if content is not None else None
    return missed.point if missed is not None else None


def missing_star_part(analysis: AnswerAnalysis) -> str | None:
    """The STAR part to probe for: result first, then action, situation, task; None if all present."""
    present = analysis.star.present
    if not any(present.values()):
        return None  # no story at all: a probe for one part would not help
    for part in STAR_ORDER:
        if not present.get(part, False):
            return part
    return None


def _pace(analysis: AnswerAnalysis) -> tuple[str, float, str] | None:
    """(verdict, distance beyond the band in wpm, phrase) or None when pace cannot be judged."""
    pace = analysis.pace
    wpm = pace.wpm
    if not wpm or pace.verdict == "n/a":
        return None
    lo, hi = pace.band
    about = _about_wpm(wpm)
    if wpm > hi:
        off = wpm - hi
        return "fast", off, f"about {about} words a minute, {'a little fast' if off <= FAR_OFF_WPM else 'which is fast'}"
    if wpm < lo:
        off = lo - wpm
        return "slow", off, f"about {about} words a minute, {'a little slow' if off <= FAR_OFF_WPM else 'which is slow'}"
    return "good", 0.0, f"a comfortable pace, about {about} words a minute"


def _fixes(analysis: AnswerAnalysis, star_expected: bool) -> list[Point]:
    """Every fix that applies, most important first."""
    pace, fillers, pauses = _pace(analysis), analysis.fillers, analysis.pauses
    length, star = analysis.length, analysis.star
    present = star.present
    out: list[Point] = []
    if star_expected and not any(present.values()):
        out.append(Point("star", "I didn't hear a specific example. Tell me about one real time it happened"))
    missing = missing_star_part(analysis) if star_expected else None
    if missing in ("result", "action"):
        out.append(Point("star", _STAR_FIX[missing]))
    content = analysis.content
    plan = _plan(analysis, star_expected)
    if plan is not None and plan.steps == 0:
        out.append(Point("plan", "I didn't hear the steps you would take. Walk me through what you'd do, in order"))
    point = _missed_point(analysis)
    if point:
        out.append(Point("content", missed_point_text(point)))
    dead = len(pauses.dead_air)
    if dead:
        out.append(Point("silence", f"{count_words(dead, 'long silence')}, the longest about {_seconds(pauses.longest_s)}. "
                                    "On a call, say you are thinking, so the line does not go quiet"))
    if pace and pace[0] != "good" and pace[1] > FAR_OFF_WPM:
        advice = "slow down and let each point land" if pace[0] == "fast" else "pick up the pace a little"
        out.append(Point("pace", f"{pace[2]}; {advice}"))
    count = fillers.count
    if count >= 3 and fillers.per_minute >= FILLERS_PER_MIN_LIMIT:
        top = fillers.top[0] if fillers.top else None
        mostly = f", mostly '{top[0]}'" if top and top[1] >= 2 and top[1] * 2 > count else ""
        out.append(Point("fillers", f"{count_words(count, 'filler')}, about {round(fillers.per_minute)} a minute{mostly}. "
                                    "A short silent pause works better"))
    hedges = content.hedges if content is not None else ()
    minutes = length.speaking_s / 60.0
    if len(hedges) >= HEDGES_MIN and minutes > 0 and len(hedges) / minutes >= HEDGES_PER_MIN:
        kinds = Counter(h.kind for h in hedges).most_common(1)[0][0]
        out.append(Point("hedges", f"{count_words(len(hedges), 'hedge')}, such as '{kinds}'. "
                                   "Say what you did, or would do, plainly"))
    if missing in ("situation", "task"):
        out.append(Point("star", _STAR_FIX[missing]))
    if plan is not None and plan.steps and not plan.outcome:
        out.append(Point("plan", "say how you'd expect it to end: what the customer would have by the end of the call"))
    if length.verdict in ("short", "long"):
        lo, hi = length.band
        out.append(Point("length", f"the answer ran about {_seconds(length.speaking_s)}, {length.verdict} for this question; "
                                   f"aim for {_span(lo, hi)}"))
    latency = pauses.response_latency_s
    if latency is not None and latency > SLOW_START_S:
        out.append(Point("latency", f"you took about {_seconds(latency)} to start. It is fine to say "
                                    "'let me think for a second' first"))
    if pace and pace[0] != "good":
        out.append(Point("pace", pace[2]))
    if star_expected and present.get("result") and not star.result_concrete:
        out.append(Point("star", "make the result concrete: a number, or what the customer did next"))
    repeats = content.repeats if content is not None else ()
    if repeats:
        phrase, n = repeats[0]
        out.append(Point("repeats", f"you said '{phrase}' {count_words(n, 'time')}; vary it, or leave it out"))
    return out


def _strengths(analysis: AnswerAnalysis, star_expected: bool) -> list[Point]:
    """Every strength that applies, the most convincing first."""
    pace, fillers, pauses = _pace(analysis), analysis.fillers, analysis.pauses
    length, star = analysis.length, analysis.star
    present = star.present
    speaking = length.speaking_s
    out: list[Point] = []
    if star_expected and present and all(present.values()):
        out.append(Point("star", "a complete story, with the situation, your task, what you did and the result"))
    content = analysis.content
    points = content.talking_points if content is not None else ()
    covered = [p for p in points if p.covered]
    if points and len(covered) >= 2 and len(covered) * 4 >= len(points) * 3:
        out.append(Point("content", f"you covered {number_word(len(covered))} of the {number_word(len(points))} points "
                                    f"I listen for, such as {as_you(covered[0].point)}"))
    plan = _plan(analysis, star_expected)
    if plan is not None and plan.steps >= 2 and plan.outcome:
        out.append(Point("plan", "clear steps, and the outcome you would expect"))
    if pace and pace[0] == "good":
        out.append(Point("pace", pace[2]))
    count = fillers.count
    if speaking >= 10 and count == 0:
        out.append(Point("fillers", "no filler words at all"))
    elif speaking >= 20 and fillers.per_minute < 1.5:
        out.append(Point("fillers", f"hardly any fillers, just {number_word(count)} in the whole answer"))
    if speaking >= 20 and not pauses.dead_air:
        out.append(Point("silence", "no long silences; you kept the call moving"))
    if star_expected and present.get("result") and star.result_concrete:
        out.append(Point("star", "a clear, concrete result at the end"))
    latency = pauses.response_latency_s
    if latency is not None and latency <= T.QUICK_START_S:
        out.append(Point("latency", "a quick, confident start"))
    if length.verdict == "good":
        out.append(Point("length", f"a good length, about {_seconds(speaking)}"))
    return out


def answer_feedback(analysis: AnswerAnalysis, star_expected: bool | None = None) -> Feedback:
    """One strength and the most important fix for one answer.

    What is judged follows the question (analysis.question, set by answer.with_content): STAR only
    where a story is expected; for a situational question its steps and expected outcome; for a
    general or closing one neither. `star_expected` None takes the record's own (no question:
    judged as a behavioral answer). A missed talking point is named only when confidently missed.
    """
    if star_expected is None:
        star_expected = analysis.question.star_expected if analysis.question is not None else True
    if analysis.no_speech:
        return Feedback(None, Point("speech", "I didn't hear an answer to that one"), None)
    fixes = _fixes(analysis, star_expected)
    fix = fixes[0] if fixes else None
    strengths = [s for s in _strengths(analysis, star_expected) if not fix or s.kind != fix.kind]
    missing = missing_star_part(analysis) if star_expected else None
    return Feedback(strengths[0] if strengths else None, fix, missing, _missed_point(analysis))


def followup_feedback(analysis: AnswerAnalysis, component: str) -> Feedback:
    """A short acknowledgement of a follow-up answer: did it supply the missing part?"""
    if analysis.no_speech:
        return Feedback(None, Point("speech", "I didn't hear an answer to that one, so let's move on"), None)
    present = analysis.star.present.get(component, False)
    if present or component == "result" and analysis.star.result_concrete:
        return Feedback(Point("ack", f"Thanks, that gives me the {component}. Next time, put it in your first answer"), None, None)
    return Feedback(None, Point("star", f"I still didn't quite hear the {component}. Keep it in mind for next time"), None)


# ---------------------------------------------------------------- the session summary
@dataclass(frozen=True)
class AnswerRecap:
    """What the summary needs from one answer."""

    analysis: AnswerAnalysis
    star_expected: bool
    is_followup: bool = False
    feedback: Feedback | None = None


@dataclass(frozen=True)
class SessionRecap:
    """The closing summary: a short spoken text and the lines printed under it."""

    spoken: str
    lines: tuple[str, ...]
    figures: SessionFigures
    """The figures the lines show: the same as history and progress show for the session."""


_STRENGTH_NAMES = {"pace": "your pace", "fillers": "how few fillers you used", "silence": "keeping the call moving",
                   "star": "the structure of your stories", "latency": "starting your answers promptly",
                   "length": "the length of your answers", "content": "covering the points the interviewer listens for",
                   "plan": "laying out clear steps"}
_FIX_NAMES = {"pace": "your pace", "fillers": "cutting down on fillers", "silence": "avoiding long silences",
              "star": "telling complete stories, ending with the result", "latency": "starting your answers sooner",
              "length": "the length of your answers", "speech": "answering every question",
              "content": "covering the points each question is about", "plan": "giving clear steps and the outcome you expect",
              "hedges": "saying what you did plainly, without hedges", "repeats": "varying your phrases"}


def _stories_line(complete: int, total: int) -> str:
    if total == 1:
        return "Your story had all four STAR parts." if complete else "Your story was missing at least one STAR part."
    if complete == 0:
        return f"None of your {number_word(total)} stories had all four STAR parts."
    return f"{number_word(complete).capitalize()} of your {number_word(total)} stories had all four STAR parts."


def summarize_session(answers: Sequence[AnswerRecap]) -> SessionRecap:
    """Figures over the main answers (main_answer_figures), and the strength and fix that came up most."""
    main = [a for a in answers if not a.is_followup]
    figures = main_answer_figures((a.analysis, a.star_expected, a.is_followup) for a in answers)
    totals = figures.totals
    if not totals.speech_answers:
        text = "We didn't get any answers recorded this time. Check your microphone and try again."
        return SessionRecap(text, (f"Questions asked: {len(main)}; answers with speech: 0.",), figures)
    feedback = [a.feedback or answer_feedback(a.analysis, a.star_expected) for a in main]
    fix_kinds = Counter(f.fix.kind for f in feedback if f.fix)
    strength_kinds = Counter(f.strength.kind for f in feedback if f.strength and f.strength.kind != "ack")
    focus = fix_kinds.most_common(1)[0][0] if fix_kinds else None
    best = next((k for k, _ in strength_kinds.most_common() if k != focus), None)
    wpm, per_min = figures.wpm, figures.fillers_per_min or 0.0

    spoken = [(f"That's all my questions. You answered {count_words(totals.speech_answers, 'question')}, "
               f"with about {_seconds(totals.speaking_s)} of talking.")]
    if wpm:
        spoken.append(f"Your average pace was about {_about_wpm(wpm)} words a minute, "
                      f"with {count_words(totals.fillers, 'filler')} and {count_words(totals.dead_air, 'long silence')}.")
    if totals.star_answers:
        spoken.append(_stories_line(totals.complete_stories, totals.star_answers))
    if best:
        spoken.append(f"Your strongest point was {_STRENGTH_NAMES.get(best, best)}.")
    if focus:
        spoken.append(f"Next time, work on {_FIX_NAMES.get(focus, focus)}.")
    followups = f" (follow-ups not counted: {totals.followups})" if totals.followups else ""
    lines = [
        f"Answers with speech: {totals.speech_answers} of {plural(len(main), 'question')}{followups}",
        f"Talking time: {totals.speaking_s:.0f} s, {totals.words} words",
        f"Average pace: {wpm:.0f} wpm" if wpm else "Average pace: -",
        f"Fillers: {totals.fillers} ({per_min:.1f} per minute)",
        f"Long silences (dead air): {totals.dead_air}",
    ]
    if totals.star_answers:
        lines.append(f"Complete STAR stories: {totals.complete_stories} of {totals.star_answers}")
    lines.extend(content_lines([a.analysis for a in main]))
    if best:
        lines.append(f"Strongest: {_STRENGTH_NAMES.get(best, best)}")
    if focus:
        lines.append(f"Work on: {_FIX_NAMES.get(focus, focus)}")
    return SessionRecap(" ".join(spoken), tuple(lines), figures)


def content_lines(analyses: Sequence[AnswerAnalysis]) -> list[str]:
    """The summary's content lines: talking points covered, hedges, the most-used words."""
    from voice_coach.analysis.content import session_top_words

    with_content = [a for a in analyses if a.content is not None and not a.no_speech]
    if not with_content:
        return []
    lines = []
    points = [p for a in with_content for p in a.content.talking_points]
    if points:
        covered = sum(p.covered for p in points)
        lines.append(f"Talking points covered: {covered} of {len(points)} ({covered * 100 / len(points):.0f}%)")
    hedges = sum(len(a.content.hedges) for a in with_content)
    lines.append(f"Hedges: {hedges}")
    top = session_top_words(with_content, 5)
    if top:
        lines.append("Most-used words: " + ", ".join(f"{w} ({c})" for w, c in top))
    return lines

