"""Trying a question again: the comparison of two attempts (interview/retry.py), worded for speaking."""

from __future__ import annotations

from voice_coach.analysis.answer import AnswerAnalysis
from voice_coach.interview.retry import compare_attempts


def record(wpm: float = 150.0, fillers: int = 0, dead_air: int = 0, star: str = "", speaking_s: float = 80.0,
           latency: float = 0.5, length: str = "good") -> AnswerAnalysis:
    """A typed answer record with just the figures the comparison reads."""
    return AnswerAnalysis.from_dict({
        "duration_s": speaking_s + latency + 0.5,
        "words": [{"text": "word", "start": latency, "end": latency + 0.4}],
        "speech": [{"start": latency, "end": latency + speaking_s}],
        "pace": {"wpm": wpm, "articulation_wpm": wpm, "word_count": 200, "verdict": "good", "band": [130, 160]},
        "fillers": {"items": [{"text": "um", "start": 1.0 + i, "end": 1.3 + i} for i in range(fillers)],
                    "per_minute": fillers * 60 / speaking_s},
        "pauses": {"items": [], "response_latency_s": latency,
                   "dead_air": [{"start": 10.0 + 5 * i, "end": 14.0 + 5 * i} for i in range(dead_air)]},
        "star": {"present": {p: p[0] in star for p in ("situation", "task", "action", "result")}},
        "length": {"speaking_s": speaking_s, "verdict": length, "band": [60, 120]},
    })


def test_the_example_of_the_issue() -> None:
    first = record(wpm=182, fillers=5, star="sta")
    second = record(wpm=155, fillers=3, star="star")
    c = compare_attempts(first, second, star_expected=True)
    assert c.spoken == ("Compared with your first try: pace down from 182 to 155 words a minute, inside your target, "
                        "two fewer fillers, and this time I heard the result.")
    assert "pace: 182 -> 155 wpm" in c.lines and "fillers: 5 -> 3" in c.lines
    assert "STAR: S+ T+ A+ R- -> S+ T+ A+ R+" in c.lines


def test_single_changes_read_naturally() -> None:
    assert compare_attempts(record(fillers=1), record(fillers=0)).spoken == \
        "Compared with your first try: no fillers this time, down from one."
    assert compare_attempts(record(fillers=1), record(fillers=2)).spoken == "Compared with your first try: one more filler."
    assert compare_attempts(record(dead_air=2), record(dead_air=1)).spoken == \
        "Compared with your first try: one fewer long silence."
    assert compare_attempts(record(wpm=120), record(wpm=140)).spoken == \
        "Compared with your first try: pace up from 120 to 140 words a minute, inside your target."
    assert compare_attempts(record(speaking_s=30, length="short"), record(speaking_s=70)).spoken == \
        "Compared with your first try: a better length, about 70 seconds."
    assert compare_attempts(record(latency=5.0), record(latency=1.0)).spoken == \
        "Compared with your first try: a quicker start."


def test_nothing_that_changed_is_said_as_much() -> None:
    c = compare_attempts(record(wpm=150), record(wpm=152))
    assert c.spoken == "Compared with your first try, much the same: the figures hardly moved." and c.changes == ()


def test_a_part_lost_is_said_too_and_a_third_try_compares_with_the_last() -> None:
    c = compare_attempts(record(star="star"), record(star="sar"), star_expected=True, attempt=3)
    assert c.spoken == "Compared with your last try: I missed the task this time."
    c = compare_attempts(record(fillers=4, star="sa"), record(fillers=2, star="st"), star_expected=True)
    assert c.spoken == ("Compared with your first try: two fewer fillers, this time I heard the task, "
                        "but I missed the action this time.")


def test_no_speech_on_either_side() -> None:
    silent = AnswerAnalysis.from_dict({"duration_s": 5.0})
    assert compare_attempts(record(), silent).spoken == \
        "I didn't hear an answer this time, so I can't compare it with your first try."
    assert compare_attempts(silent, record()).spoken == "This time I heard an answer, which your first try did not have."


def test_the_spoken_sentence_stays_short() -> None:
    first = record(wpm=190, fillers=8, dead_air=3, speaking_s=30, length="short", latency=6.0, star="s")
    second = record(wpm=150, fillers=1, dead_air=0, speaking_s=90, latency=0.5, star="star")
    c = compare_attempts(first, second, star_expected=True)
    assert len(c.changes) == 4 and c.changes[-1] == "this time I heard the task, action, and result"
