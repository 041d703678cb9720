"""Issue 14: talking points, hedges, repeats, top words, job terms, and feedback that follows the question."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pytest

from voice_coach.analysis import content as C
from voice_coach.analysis.answer import AnswerAnalysis, with_content
from voice_coach.analysis.feedback import answer_feedback, as_you, point_followup, summarize_session, AnswerRecap
from voice_coach.core.timed import Word
from voice_coach.interview.bank import Question


def words(text: str, start: float = 0.0, step: float = 0.4) -> list[Word]:
    out, t = [], start
    for w in text.split():
        out.append(Word(w, round(t, 3), round(t + 0.3, 3)))
        t += step
    return out


def hedge_kinds(text: str) -> list[str]:
    return [h.kind for h in C.find_hedges(words(text))]


# ------------------------------------------------------------------ hedges
@pytest.mark.parametrize("text, kinds", [
    ("I guess I'd start by apologising.", ["i guess"]),
    ("It was kind of a tough week for the team.", ["kind of"]),
    ("I sort of took charge when my manager was away.", ["sort of"]),
    ("I just wanted to make sure she was okay.", ["just"]),
    ("I'd probably put them on hold and check the account.", ["probably"]),
    ("I think maybe I could have escalated it sooner.", ["i think maybe"]),
    ("Hopefully that gives you an idea of how I work.", ["hopefully"]),
])
def test_hedges_are_found_and_typed(text: str, kinds: list[str]) -> None:
    assert hedge_kinds(text) == kinds


@pytest.mark.parametrize("text", [
    "It was a kind of router that keeps dropping the connection.",
    "What kind of issues does the team handle most?",
    "It's very kind of you to say that.",
    "There were just two of us on the desk that night.",        # just = only
    "We finished the migration just in time for the weekend.",  # just = exactly
    "I've just started a course in IT support.",                 # just = recently
    "The printer just broke in the middle of the day.",
    "My best guess was that the cable was loose.",
    "It was probably the courier who lost it.",                  # an estimate of a fact
    "Maybe two years ago, I worked at a bank.",
])
def test_other_senses_are_not_hedges(text: str) -> None:
    assert hedge_kinds(text) == []


def test_hedge_times_and_filler_overlap() -> None:
    ws = words("It was kind of hard, I guess.")
    ws[2] = Word(ws[2].text, ws[2].start, ws[2].end, filler=True)
    ws[3] = Word(ws[3].text, ws[3].start, ws[3].end, filler=True)
    found = C.find_hedges(ws)
    assert [(h.text, h.start, h.end, h.also_filler) for h in found] == [
        ("kind of", ws[2].start, ws[3].end, True), ("I guess", ws[5].start, ws[6].end, False)]


# ------------------------------------------------------------------ repeats, top words, job terms
def test_repeated_phrase_is_reported_once_at_its_longest() -> None:
    ws = words("At the end of the day we tried. It is fine at the end of the day. And at the end of the day, "
               "I was going to call. I was going to write.")
    assert C.find_repeats(ws) == (("at the end of the day", 3),)


def test_phrases_of_function_words_and_fillers_are_not_repeats() -> None:
    ws = words("I was going to, I was going to, I was going to ask.")
    assert C.find_repeats(ws) == ()


def test_top_words_merge_plurals_and_skip_fillers() -> None:
    ws = words("The refund took a while. Refunds are slow, um, refunds always are. I guess the bank was slow.")
    ws = [Word(w.text, w.start, w.end, filler=w.text.startswith("um")) for w in ws]
    assert C.top_words(ws)[:2] == (("refunds", 3), ("slow", 2))


def test_job_terms_count_phrases_and_plurals() -> None:
    ws = words("I logged two tickets, escalated one to the second line, and the ticket was closed. Knowledge base.")
    assert C.job_terms(ws, ["ticket", "second line", "knowledge base", "VPN"]) == (
        ("ticket", 2), ("second line", 1), ("knowledge base", 1))


# ------------------------------------------------------------------ talking points (fake encoder)
@dataclass(frozen=True)
class FakeEnc:
    tokens: np.ndarray
    pooled: np.ndarray
    words: tuple[str, ...]


VOCAB = ["calm", "voice", "sorry", "apologise", "refund", "credit", "weather", "identity", "verify", "lunch"]


def fake_encode(texts):
    """Bag-of-words vectors: a word's vector is one-hot over VOCAB (synonyms share one), others get noise."""
    same = {"apologise": "sorry", "apologising": "sorry", "verify": "identity", "voice": "calm"}
    rng = np.random.default_rng(0)
    noise = {}
    out = []
    for t in texts:
        ws = [w.strip(".,!?").lower() for w in t.split()] or [""]
        rows = []
        for w in ws:
            key = same.get(w, w)
            if key in VOCAB:
                v = np.zeros(len(VOCAB) + 16, dtype=np.float32)
                v[VOCAB.index(key)] = 1.0
            else:
                v = noise.setdefault(w, rng.normal(size=len(VOCAB) + 16).astype(np.float32) * 0.1)
                v = v.copy()
                v[len(VOCAB):] += 1.0
            rows.append(v / np.linalg.norm(v))
        tok = np.array(rows)
        pooled = tok.mean(0)
        out.append(FakeEnc(tok, pooled / np.linalg.norm(pooled), tuple(ws)))
    return out


def test_judge_points_gives_verdicts_times_and_the_covering_sentence() -> None:
    sentences = [("It rained all week.", 0.0, 2.0), ("I said sorry and stayed calm.", 2.5, 5.0)]
    points = ["apologise", "verify identity"]
    examples = [("sorry",), ("verify identity",)]
    res = C.judge_points(points, examples, sentences, fake_encode)
    assert [p.point for p in res] == points
    assert res[0].covered and res[0].status == C.COVERED and (res[0].start, res[0].end) == (2.5, 5.0)
    assert res[0].sentence == "I said sorry and stayed calm."
    assert not res[1].covered and res[1].start is None and res[1].status in (C.MISSED, C.UNSURE)


def test_no_sentences_means_every_point_missed() -> None:
    res = C.judge_points(["a point"], [()], [], fake_encode)
    assert [(p.covered, p.status) for p in res] == [(False, C.MISSED)]


def test_most_important_missed_is_the_first_confident_miss() -> None:
    pts = (C.TalkingPoint("a", False, None, None, C.UNSURE), C.TalkingPoint("b", False, None, None, C.MISSED),
           C.TalkingPoint("c", False, None, None, C.MISSED))
    assert C.most_important_missed(pts).point == "b"
    assert C.most_important_missed(pts[:1]) is None


def test_plan_of_a_situational_answer() -> None:
    plan = C.plan_of([("First I'd ask for their order number.", 0, 2), ("Then I'd check the tracking.", 2, 4),
                      ("That way they know exactly when it arrives.", 4, 6)])
    assert plan.steps >= 2 and plan.outcome and plan.outcome_start == 4
    assert not C.plan_of([("I love working with people.", 0, 2)]).outcome


# ------------------------------------------------------------------ the record and its JSON contract
def _question(kind: str = "situational", star: bool = False) -> Question:
    return Question(id="q1", category="situational", kind=kind, star=star, target_s=(45.0, 90.0),
                    text="What would you do?", listen_for=("apologise", "verify identity"),
                    examples=(("I said sorry.",), ("I'd verify their identity.",)))


def _analysis(text: str) -> AnswerAnalysis:
    """A real analysis of synthetic speech-shaped input: samples of a tone with the given words."""
    from voice_coach.analysis.answer import analyze_answer

    ws = words(text, start=0.5, step=0.38)
    n = int((ws[-1].end + 0.5) * 16000)
    t = np.arange(n) / 16000
    samples = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    probs = [0.9] * (n // 512)
    return analyze_answer(samples, probs, ws)


def test_with_content_fills_question_and_content_per_the_contract() -> None:
    a = with_content(_analysis("First I said sorry, I guess. Then I'd verify their identity. That way they know."),
                     _question(), terms=("identity",), encode=fake_encode)
    d = json.loads(json.dumps(a.to_dict()))
    assert d["question"] == {"id": "q1", "kind": "situational", "star_expected": False, "text": "What would you do?"}
    c = d["content"]
    assert set(c) >= {"talking_points", "coverage", "hedges", "repeats", "top_words"}
    assert [set(p) >= {"point", "covered", "start", "end"} for p in c["talking_points"]] == [True, True]
    assert isinstance(c["coverage"], float)
    assert c["hedges"]["count"] == 1 and set(c["hedges"]["items"][0]) >= {"text", "start", "end"}
    assert c["job_terms"] == [{"term": "identity", "count": 1}]
    back = AnswerAnalysis.from_dict(d)
    assert back.question == a.question and back.content == a.content
    assert back.to_dict() == a.to_dict()


def test_without_a_question_talking_points_are_empty_and_star_is_behavioral() -> None:
    a = with_content(_analysis("I kind of helped a customer."), None)
    d = a.to_dict()
    assert d["question"] == {"id": None, "kind": None, "star_expected": True, "text": None}
    assert d["content"]["talking_points"] == [] and d["content"]["coverage"] is None
    assert d["content"]["hedges"]["count"] == 1


def test_an_old_record_without_content_still_loads() -> None:
    d = _analysis("Hello there.").to_dict()
    d.pop("question")
    d.pop("content")
    back = AnswerAnalysis.from_dict(d)
    assert back.question is None and back.content is None
    assert back.to_dict()["content"] is None


# ------------------------------------------------------------------ feedback follows the question
def test_no_star_remarks_for_a_general_or_situational_question() -> None:
    base = _analysis("I enjoy helping people and solving problems every day at work.")
    for kind in ("general", "situational"):
        a = with_content(base, _question(kind), encode=fake_encode)
        fb = answer_feedback(a)
        assert fb.missing_star is None
        assert "specific example" not in fb.text and "result" not in fb.text.lower().split("outcome")[0]


def test_situational_without_steps_is_asked_for_them() -> None:
    a = with_content(_analysis("Customers are important to me and I love my job a lot."),
                     _question("situational"), encode=fake_encode)
    assert a.content.plan is not None and a.content.plan.steps == 0
    fixes = [p.kind for p in [answer_feedback(a).fix] if p]
    assert fixes == ["plan"]


def test_a_confident_miss_is_named_and_offered_for_a_followup() -> None:
    q = Question(id="q2", category="general", kind="general", star=False, target_s=(20.0, 60.0), text="Why?",
                 listen_for=("verify identity",), examples=(("verify identity",),))
    a = with_content(_analysis("The weather was lovely and we had lunch outside by the river."), q, encode=fake_encode)
    assert a.content.talking_points[0].status == C.MISSED
    fb = answer_feedback(a)
    assert fb.missing_point == "verify identity"
    assert fb.fix is not None and fb.fix.kind == "content" and "you didn't mention verify identity" in fb.text


def test_without_a_question_star_is_judged_as_behavioral() -> None:
    a = with_content(_analysis("I like people."), None)
    assert answer_feedback(a).fix.kind == "star"


def test_point_wording_in_the_second_person() -> None:
    assert as_you("what the candidate learned") == "what you learned"
    assert point_followup("repeating the problem back in one's own words") == \
        "One more thing: what about repeating the problem back in your own words?"


def test_session_summary_has_content_lines() -> None:
    a = with_content(_analysis("First I said sorry, I guess. Then I'd verify their identity. Refunds matter."),
                     _question(), encode=fake_encode)
    recap = summarize_session([AnswerRecap(a, False)])
    assert any(l.startswith("Talking points covered: ") for l in recap.lines)
    assert "Hedges: 1" in recap.lines


# ------------------------------------------------------------------ the bank's content fields
def test_bank_examples_and_terms_load_and_are_checked(tmp_path) -> None:
    from voice_coach.interview.bank import BankError
    from voice_coach.interview.bank_loader import load_bank

    bank = load_bank()
    assert bank.terms and all(q.examples == () or len(q.examples) == len(q.listen_for) for q in bank.questions)
    it = load_bank(bank.path.parent / "it_helpdesk.toml")
    assert it.role == "IT help desk analyst" and all(len(q.examples) == len(q.listen_for) for q in it.questions)
    bad = tmp_path / "bad.toml"
    bad.write_text('[bank]\ntitle = "t"\nrole = "r"\nlanguage = "en"\n\n[[question]]\nid = "a"\ncategory = "opening"\n'
                   'kind = "general"\ntext = "Hello?"\nlisten_for = ["one", "two"]\nexamples = [["x"]]\n')
    with pytest.raises(BankError, match=r"line 12: question 'a': examples must be a list of 2 lists"):
        load_bank(bad)
