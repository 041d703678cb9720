"""Unit tests of the pure metric functions on hand-built words and spans."""

from __future__ import annotations

import pytest

from voice_coach.analysis.length import measure_length
from voice_coach.analysis.lexical_fillers import lexical_fillers
from voice_coach.analysis.pace import measure_pace
from voice_coach.analysis.pauses import measure_pauses
from voice_coach.core.timed import Span, Word


def words_from(text: str, start: float = 0.0, per_word: float = 0.4, gap: float = 0.0) -> list[Word]:
    out, t = [], start
    for token in text.split():
        out.append(Word(token, round(t, 3), round(t + per_word - 0.05, 3)))
        t += per_word + gap
    return out


def flagged(text: str) -> list[str]:
    return [f.text for f in lexical_fillers(words_from(text))]


def test_pauses_latency_dead_air_and_share():
    speech = [Span(0.8, 5.0), Span(6.2, 9.0), Span(9.5, 12.0), Span(15.5, 20.0)]
    r = measure_pauses(speech, pause_min_s=1.0, dead_air_s=3.0)
    assert r.response_latency_s == pytest.approx(0.8)
    assert [(p.start, p.end) for p in r.items] == [(5.0, 6.2), (12.0, 15.5)]
    assert [(p.start, p.end) for p in r.dead_air] == [(12.0, 15.5)]
    assert r.longest_s == pytest.approx(3.5)
    assert r.silence_share == pytest.approx((1.2 + 0.5 + 3.5) / 19.2)


def test_pauses_without_speech():
    r = measure_pauses([], 1.0, 3.0)
    assert r.response_latency_s is None and r.items == () and r.silence_share == 0.0


def test_pace_excludes_fillers_and_counts_pauses_in_span():
    words = words_from("I answered forty calls a day", start=1.0, per_word=0.4)
    words.insert(2, Word("um", 1.8, 2.1, filler=True))
    speech = [Span(1.0, 3.4), Span(5.4, 7.4)]
    pauses = [Span(3.4, 5.4)]
    # 6 words over 6.4 s of speaking span -> 56.25 wpm; articulation leaves out the 2 s pause.
    r = measure_pace(words, speech, pauses, band=(130, 160))
    assert r.word_count == 6
    assert r.wpm == pytest.approx(60 * 6 / 6.4)
    assert r.articulation_wpm == pytest.approx(60 * 6 / 4.4)
    assert r.verdict == "n/a"  # too few words to judge


def test_pace_verdict_and_windows():
    words = words_from(" ".join(["word"] * 90), start=0.0, per_word=0.35)  # 90 words in 31.5 s
    speech = [Span(0.0, 31.5)]
    r = measure_pace(words, speech, [], band=(130, 160))
    assert r.wpm == pytest.approx(60 * 90 / 31.5)
    assert r.verdict == "fast"
    assert [w.start for w in r.windows] == [0.0, 15.0]
    assert r.windows[-1].end == pytest.approx(31.5)
    assert all(w.wpm == pytest.approx(171.4, abs=6) for w in r.windows)


@pytest.mark.parametrize(
    "text",
    [
        "customers like fast replies.",
        "it was a kind of router.",
        "I stayed late so that the order shipped.",
        "I called them right away.",
        "I asked if they were okay.",
        "do you know what happened?",
        "I mean to finish it.",
        "that's the sort of thing I enjoy.",
    ],
)
def test_lookalikes_are_not_fillers(text):
    assert flagged(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("it was, like, really busy.", ["like"]),
        ("So, I called the customer back.", ["so"]),
        ("it was kind of hard to explain.", ["kind of"]),
        ("the customer, you know, wanted a refund.", ["you know"]),
        ("I mean, it worked out.", ["i mean"]),
        ("I basically rebuilt the order.", ["basically"]),
        ("I I think it went well.", ["i"]),
        ("Well, the system was down.", ["well"]),
        ("we had fixed it, right? Then we moved on.", ["right"]),
    ],
)
def test_lexical_fillers_in_context(text, expected):
    assert flagged(text) == expected


def test_like_set_off_by_a_pause_counts_without_commas():
    words = [Word("it", 0.0, 0.2), Word("was", 0.25, 0.45), Word("like", 0.9, 1.1), Word("twenty", 1.5, 1.9), Word("minutes", 1.95, 2.4)]
    assert [f.text for f in lexical_fillers(words)] == ["like"]


def test_length_verdicts():
    assert measure_length(1.0, 46.0, (60, 120)).verdict == "short"
    assert measure_length(1.0, 91.0, (60, 120)).verdict == "good"
    assert measure_length(0.5, 150.5, (60, 120)).verdict == "long"
    assert measure_length(None, None, (60, 120)).verdict == "n/a"
