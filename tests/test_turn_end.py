"""End of turn: the pure rule (analysis/turn_end.py) and the capture rule book (live/capture.judge)."""

from __future__ import annotations

from voice_coach.analysis.turn_end import answer_finished, closed, silence_needed
from voice_coach.core.timed import Word
from voice_coach.live.capture import CaptureSettings, EndReason, judge

STORY = ["Last spring I ran the returns desk at a shoe shop.", "The queue was out of the door every Saturday.",
         "I opened a second counter for simple refunds.", "I trained two colleagues to use it.",
         "As a result the waiting time dropped from twenty minutes to five."]


def words(text: str) -> list[Word]:
    return [Word(t, i * 0.3, i * 0.3 + 0.25) for i, t in enumerate(text.split())]


def test_a_told_story_is_finished():
    assert answer_finished(" ".join(STORY), expect_star=True)
    assert answer_finished(words(" ".join(STORY)), expect_star=True)


def test_a_story_paused_before_its_result_is_not():
    for k in range(1, len(STORY)):
        assert not answer_finished(" ".join(STORY[:k]), expect_star=True), STORY[:k]


def test_a_clause_cut_by_a_pause_is_open_even_with_whisper_full_stop():
    assert not closed("I opened a second counter and.")
    assert not answer_finished(" ".join(STORY[:4]) + " As a result the.", expect_star=True)
    assert not answer_finished(" ".join(STORY[:4]) + " As a result the waiting time dropped", expect_star=True)


def test_background_in_the_perfect_is_not_a_result():
    text = "I was the lead of a small team. Sales had fallen by twenty percent. Our costs had grown too."
    assert not answer_finished(text, expect_star=True)


def test_two_sentences_are_never_a_finished_story_but_may_end_another_answer():
    text = "I like working with people. That's why I applied for this job."
    assert not answer_finished(text, expect_star=True)
    assert answer_finished(text, expect_star=False)
    assert not answer_finished("I like working with people.", expect_star=False)


def test_fillers_are_not_read():
    ws = words(" ".join(STORY)) + [Word("um", 99.0, 99.3, filler=True)]
    assert answer_finished(ws, expect_star=True)


def test_judge_ends_a_finished_answer_after_the_short_silence_only():
    s = CaptureSettings()
    assert silence_needed(True, s.turn_silence_s, s.end_silence_s) == s.turn_silence_s
    assert judge(30.0, True, 0.9, s, finished=True) is None
    assert judge(30.0, True, 1.0, s, finished=True) is EndReason.SILENCE
    assert judge(30.0, True, 5.9, s, finished=False) is None  # thinking: the outer limit only
    assert judge(30.0, True, 6.0, s, finished=False) is EndReason.SILENCE
    off = CaptureSettings(detect_turn=False)
    assert judge(30.0, True, 1.0, off, finished=True) is None


def test_the_star_labeller_reads_an_ending_with_no_result_word():
    """A result told as what happened next, with none of the old cue words, ends the story; the same
    story stopped before it does not."""
    story = ["I was the only person at the front desk of a gym one evening.", "A member fainted on the treadmill.",
             "I called an ambulance and asked another member to bring the first aid kit.",
             "I stayed with him until the paramedics arrived.",
             "He was fine by the next day and he came in to shake my hand."]
    assert answer_finished(" ".join(story), expect_star=True)
    for k in range(1, len(story)):
        assert not answer_finished(" ".join(story[:k]), expect_star=True), story[:k]


def test_a_wrap_up_after_the_result_still_ends_it():
    assert answer_finished(" ".join(STORY) + " So that was a good lesson for me.", expect_star=True)


def test_a_final_pronoun_closes_a_sentence():
    assert closed("The complaints stopped after that.")
    assert closed("She called the next day to thank me for staying with her.")
    assert not closed("I told her that.")
