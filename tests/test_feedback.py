"""Spoken feedback and the session summary: one strength, the most important fix, with figures."""

from __future__ import annotations

import pytest
from test_answer_capture import live_for, speech

from voice_coach.analysis.feedback import (
    AnswerRecap,
    answer_feedback,
    count_words,
    followup_feedback,
    missing_star_part,
    summarize_session,
)
from voice_coach.analysis.answer import AnswerAnalysis
from voice_coach.analysis.fillers import FillerResult
from voice_coach.analysis.length import LengthResult
from voice_coach.analysis.lexical_fillers import FillerItem
from voice_coach.analysis.pace import PaceResult
from voice_coach.analysis.pauses import PauseResult
from voice_coach.analysis.star import StarResult
from voice_coach.core.timed import Span, Word
from voice_coach.live.capture import capture_answer
from voice_coach.audio.file_source import ArraySource

ALL = {"situation": True, "task": True, "action": True, "result": True}


def analysis(wpm: float = 145.0, fillers: int = 0, minutes: float = 1.25, top: str = "um", dead: list[float] = (),
             latency: float = 0.8, length_band: tuple = (60, 120), present: dict = ALL, concrete: bool = True,
             no_speech: bool = False) -> AnswerAnalysis:
    """A typed answer record with these figures, verdicts computed the analyzer's way."""
    speaking = minutes * 60
    lo, hi = length_band
    start = latency
    pace = PaceResult(wpm, wpm, int(wpm * minutes), (), "fast" if wpm > 160 else "slow" if wpm < 130 else "good",
                      (130.0, 160.0))
    items = tuple(FillerItem(top, start + i, start + i + 0.3, "hesitation") for i in range(fillers))
    filler = FillerResult(items, fillers / minutes, ((top, fillers),) if fillers else ())
    gaps = tuple(Span(start + 1.0 + 10 * i, start + 1.0 + 10 * i + d) for i, d in enumerate(dead))
    pauses = PauseResult(gaps, latency, tuple(g for g in gaps if g.duration >= 3.0), max(dead, default=0.0), 0.1, 1.0, 3.0)
    length = LengthResult(speaking, "short" if speaking < lo else "long" if speaking > hi else "good", (lo, hi))
    star = StarResult((), (), dict(present), {}, concrete, None, ())
    words = () if no_speech else (Word("hello", start, start + 0.4),)
    speech = () if no_speech else (Span(start, start + speaking),)
    return AnswerAnalysis(speaking + latency, words, speech, pace, filler, pauses, star, length)


def test_pace_figure_and_its_band() -> None:
    fb = answer_feedback(analysis(wpm=176.0), star_expected=False)
    assert fb.fix.kind == "pace" and fb.fix.text == "about 175 words a minute, a little fast"
    fb = answer_feedback(analysis(wpm=203.0), star_expected=False)
    assert fb.fix.text.startswith("about 205 words a minute, which is fast; slow down")
    fb = answer_feedback(analysis(wpm=118.0), star_expected=False)
    assert fb.fix.text == "about 120 words a minute, a little slow"
    fb = answer_feedback(analysis(wpm=146.0), star_expected=False)
    assert fb.strength.text == "a comfortable pace, about 145 words a minute"


def test_long_silences_are_counted_in_words() -> None:
    fb = answer_feedback(analysis(dead=[3.4, 5.2, 1.3]), star_expected=False)
    assert fb.fix.kind == "silence"
    assert fb.fix.text.startswith("two long silences, the longest about 5 seconds")
    assert fb.strength is not None and fb.strength.kind != "silence"


def test_missing_result_comes_first_and_names_the_probe() -> None:
    present = {"situation": True, "task": True, "action": False, "result": False}
    fb = answer_feedback(analysis(wpm=190.0, dead=[4.0], present=present), star_expected=True)
    assert fb.fix.text.startswith("I didn't hear the result")
    assert fb.missing_star == "result"
    assert missing_star_part(analysis(present={**ALL, "task": False})) == "task"
    assert missing_star_part(analysis(present={k: False for k in ALL})) is None  # no story: a probe would not help
    fb = answer_feedback(analysis(present={k: False for k in ALL}), star_expected=True)
    assert fb.fix.text.startswith("I didn't hear a specific example")
    fb = answer_feedback(analysis(present=present), star_expected=False)
    assert fb.missing_star is None and fb.fix is None  # a situational question is not judged on STAR


def test_fillers_above_three_a_minute() -> None:
    fb = answer_feedback(analysis(fillers=6, minutes=1.0), star_expected=False)
    assert fb.fix.text.startswith("six fillers, about 6 a minute, mostly 'um'")
    fb = answer_feedback(analysis(fillers=0, minutes=1.0, latency=5.0), star_expected=False)
    assert fb.strength.text == "no filler words at all" or fb.strength.kind == "pace"
    assert fb.fix.kind == "latency" and "about 5 seconds to start" in fb.fix.text


def test_strength_and_fix_are_never_about_the_same_thing() -> None:
    for wpm in (100.0, 145.0, 175.0, 230.0):
        for fillers in (0, 1, 8):
            fb = answer_feedback(analysis(wpm=wpm, fillers=fillers), star_expected=True)
            assert not (fb.strength and fb.fix and fb.strength.kind == fb.fix.kind)
            assert fb.text.endswith(".") and len(fb.text.split()) < 45


def test_no_speech_and_followups() -> None:
    fb = answer_feedback(analysis(no_speech=True), star_expected=True)
    assert fb.text == "I didn't hear an answer to that one."
    assert followup_feedback(analysis(present={**ALL}), "result").text.startswith("Thanks, that gives me the result.")
    assert "still didn't quite hear the action" in followup_feedback(analysis(present={**ALL, "action": False}), "action").text


def test_count_words() -> None:
    assert count_words(1, "long silence") == "one long silence"
    assert count_words(2, "story", "stories") == "two stories"
    assert count_words(14, "filler") == "14 fillers"


def test_feedback_figures_from_a_real_answer() -> None:
    script = ["I answered phones at a travel agency for two years.", 3.4,
              "Most people calling were worried about a trip, so I kept my voice calm and slow."]
    answer = speech(script, tail_s=0.5)
    live, _ = live_for(answer)
    capture_answer(ArraySource(answer.samples, realtime=False), live)
    data = live.finish()
    fb = answer_feedback(data, star_expected=False)
    assert len(data.pauses.dead_air) == 1
    assert fb.fix.kind == "silence" and fb.fix.text.startswith("one long silence, the longest about 3 seconds")
    pace_words = f"about {int(5 * round(data.pace.wpm / 5))} words a minute"
    assert fb.strength and (pace_words in fb.strength.text or data.pace.verdict != "good")


def test_session_summary_figures() -> None:
    recaps = [
        AnswerRecap(analysis(wpm=150.0, fillers=2, minutes=1.0), star_expected=False),
        AnswerRecap(analysis(wpm=180.0, fillers=4, minutes=2.0, dead=[3.5],
                             present={**ALL, "result": False}), star_expected=True),
        AnswerRecap(analysis(wpm=140.0, minutes=0.2, present={**ALL}), star_expected=False, is_followup=True),
        AnswerRecap(analysis(no_speech=True), star_expected=False),
    ]
    recap = summarize_session(recaps)
    mean = 60.0 * (150 + 360) / (60 + 120)  # pooled: all words over all speaking time
    assert f"Average pace: {mean:.0f} wpm" in recap.lines
    assert "Fillers: 6 (2.0 per minute)" in recap.lines
    assert "Answers with speech: 2 of 3 questions (follow-ups not counted: 1)" in recap.lines
    assert recap.figures.wpm == pytest.approx(mean) and recap.figures.totals.followups == 1
    assert "Complete STAR stories: 0 of 1" in recap.lines
    assert f"about {int(5 * round(mean / 5))} words a minute" in recap.spoken
    assert "one long silence" in recap.spoken and "Your story was missing at least one STAR part." in recap.spoken
    two = summarize_session([recaps[1], AnswerRecap(analysis(), star_expected=True)])
    assert "One of your two stories had all four STAR parts." in two.spoken
    empty = summarize_session([AnswerRecap(analysis(no_speech=True), star_expected=False)])
    assert "didn't get any answers" in empty.spoken


@pytest.mark.parametrize("wpm", [120.0, 150.0, 185.0])
def test_summary_strength_differs_from_focus(wpm: float) -> None:
    recap = summarize_session([AnswerRecap(analysis(wpm=wpm, fillers=5, minutes=1.0), star_expected=False)] * 3)
    strong = [l for l in recap.lines if l.startswith("Strongest")]
    focus = [l for l in recap.lines if l.startswith("Work on")]
    assert focus and (not strong or strong[0].split(": ")[1] != focus[0].split(": ")[1])


def test_length_advice_names_the_target_range() -> None:
    fb = answer_feedback(analysis(minutes=0.5, length_band=(60, 120)), star_expected=False)
    assert fb.fix.kind == "length" and fb.fix.text == ("the answer ran about 30 seconds, short for this question; "
                                                      "aim for 1 to 2 minutes")
    fb = answer_feedback(analysis(minutes=2.0, length_band=(20, 75)), star_expected=False)
    assert fb.fix.text.endswith("long for this question; aim for 20 to 75 seconds")
