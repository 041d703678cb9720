"""Issue 14 in the views: what is judged follows the question's kind, and the talking points, hedges and
language rows appear, with the same figures and times, in the analyze report and in review (terminal,
md, html, json, subtitles). Answers are real text analysed at test time, talking points judged by the
real sentence model."""

from __future__ import annotations

import json

import numpy as np
import pytest
from rich.console import Console

from voice_coach.analysis.answer import AnswerAnalysis, analyze_answer, with_content
from voice_coach.analysis.feedback import AnswerRecap, answer_feedback, summarize_session
from voice_coach.analysis.judging import PLAN, STAR, judged_as, plan_figures
from voice_coach.core.timed import Word
from voice_coach.engines import sentence_model as sm
from voice_coach.interview.bank_loader import load_bank
from voice_coach.views.answer_report import render_report
from voice_coach.views.content_view import point_rows, structure_line
from voice_coach.views.targets import fmt_clock
from voice_coach.views.transcript import answer_tokens, metric_lines

pytestmark = pytest.mark.skipif(not sm.is_available(), reason="the sentence model package is not installed")

STORY = ("The hardest call I had was a man whose internet had been down for four days. "
         "He was shouting, so I kept my voice calm and steady. "
         "I let him vent and I guess I told him I'd be annoyed too. "
         "I booked a technician for the next morning and credited his account, and he thanked me.")
PLAN_TEXT = ("First I would confirm who I'm speaking to with the security questions. "
             "Then I'd look at the account to check it really was charged twice. "
             "I would refund the second charge myself or pass it to billing. "
             "That way the customer knows the money is coming back.")
GENERAL = "I kind of like helping people. I think maybe this job would let me do that every day."


def text_of(renderable, width: int = 160) -> str:
    console = Console(width=width, color_system=None, record=True)
    console.print(renderable)
    return " ".join(console.export_text().split())


def spoken(text: str, start: float = 0.6, step: float = 0.38) -> AnswerAnalysis:
    """The whole analysis of words at a steady pace over a tone (speech frames throughout)."""
    ws, t = [], start
    for w in text.split():
        ws.append(Word(w, round(t, 3), round(t + 0.3, 3)))
        t += step
    n = int((t + 0.5) * 16000)
    samples = (0.3 * np.sin(2 * np.pi * 220 * np.arange(n) / 16000)).astype(np.float32)
    return analyze_answer(samples, [0.9] * (n // 512), ws)


@pytest.fixture(scope="module")
def bank():
    return load_bank()


@pytest.fixture(scope="module")
def answers(bank):
    enc = sm.get_model().encode
    terms = bank.terms
    return {
        "behavioral": with_content(spoken(STORY), bank.get("hardest-customer"), terms, encode=enc),
        "situational": with_content(spoken(PLAN_TEXT), bank.get("double-charge"), terms, encode=enc),
        "general": with_content(spoken(GENERAL), bank.get("why-customer-service"), terms, encode=enc),
    }


def test_what_is_judged_follows_the_question_kind(answers):
    b, s, g = answers["behavioral"], answers["situational"], answers["general"]
    assert (judged_as(b), judged_as(s), judged_as(g)) == (STAR, PLAN, None)
    assert judged_as(with_content(spoken("I helped a customer."), None)) == STAR  # no question: as behavioral
    report = {k: text_of(render_report(a)) for k, a in answers.items()}
    assert "STAR S+" in report["behavioral"] and " plan " not in report["behavioral"]
    assert "STAR" not in report["situational"] and "S- T- A+" not in report["situational"]
    assert f"plan {plan_figures(s).steps} steps steps and the outcome" in report["situational"]
    assert "STAR" not in report["general"] and " plan " not in report["general"]
    names = {k: [n for n, _ in metric_lines(a)] for k, a in answers.items()}
    assert "STAR" in names["behavioral"] and "Plan" not in names["behavioral"]
    assert "Plan" in names["situational"] and "STAR" not in names["situational"]
    assert "STAR" not in names["general"] and "Plan" not in names["general"]


def test_plan_figures_come_from_the_answer(answers):
    plan = plan_figures(answers["situational"])
    last = answers["situational"].star.sentences[-1]
    assert plan.steps >= 3 and plan.outcome and plan.outcome_start == pytest.approx(last.start)
    assert structure_line(answers["situational"]) == ("Plan", f"{plan.steps} steps; expected outcome at {fmt_clock(last.start)}")
    assert answers["situational"].star.plan and not answers["behavioral"].star.plan
    fb = answer_feedback(answers["situational"])
    assert "STAR" not in fb.text and "specific example" not in fb.text and fb.missing_star is None
    empty = with_content(spoken("Customers matter a lot to me and I love the work."), load_bank().get("double-charge"),
                         encode=sm.get_model().encode)
    assert plan_figures(empty).steps == 0
    assert answer_feedback(empty).fix.kind == "plan"


def test_points_and_hedges_appear_with_their_times_in_the_report(answers):
    a = answers["behavioral"]
    rows = point_rows(a)
    covered = [r for r in rows if r.status == "covered"]
    assert covered, "the story covers at least one point of hardest-customer"
    report = text_of(render_report(a))
    n = len(covered)
    assert f"talking points {n} of {len(rows)} covered" in report
    for r in covered:
        assert f"{r.point} (at {fmt_clock(r.start)}" in report
        assert r.sentence and r.sentence.split()[0] in report
    (hedge,) = a.content.hedges
    assert hedge.kind == "i guess"
    assert f"Hedges: 1: '{hedge.text}' at {fmt_clock(hedge.start)}" in report
    tokens = [t for t in answer_tokens(a) if t.kind == "hedge"]
    assert [t.text for t in tokens] == hedge.text.split() and tokens[0].start == pytest.approx(hedge.start)


def test_general_answer_hedges_and_no_structure_line(answers):
    g = answers["general"]
    assert {h.kind for h in g.content.hedges} == {"kind of", "i think maybe"}
    assert structure_line(g) is None
    assert f"Hedges: {len(g.content.hedges)}" in text_of(render_report(g))


def test_summary_counts_one_question_in_the_singular(answers):
    recap = summarize_session([AnswerRecap(answers["general"], False)])
    assert recap.lines[0] == "Answers with speech: 1 of 1 question"
    recap = summarize_session([AnswerRecap(a, a.question.star_expected) for a in answers.values()])
    assert recap.lines[0] == "Answers with speech: 3 of 3 questions"


def test_json_keeps_the_contract_and_adds_the_plan_flag(answers):
    d = json.loads(json.dumps(answers["situational"].to_dict()))
    assert d["question"]["kind"] == "situational" and d["question"]["star_expected"] is False
    assert d["star"]["plan"] is True
    assert {"talking_points", "coverage", "hedges", "repeats", "top_words"} <= set(d["content"])
    for p in d["content"]["talking_points"]:
        assert set(p) >= {"point", "covered", "start", "end"}
        assert (p["start"] is None) == (not p["covered"])


def test_no_star_part_is_named_where_star_is_not_judged(answers):
    from voice_coach.views.transcript import star_blocks

    g = answers["general"]
    blocks = star_blocks(g, answer_tokens(g))
    assert [b.label for b in blocks] == [None] * len(g.star.sentences)  # one block per sentence, none named
    assert [b.start for b in blocks] == pytest.approx([s.start for s in g.star.sentences])
    story = answers["behavioral"]
    assert {b.label for b in star_blocks(story, answer_tokens(story))} >= {"Situation", "Action"}
