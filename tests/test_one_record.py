"""One stored session, every view: the same answer and session figures wherever they are shown.

Builds a session (two main answers, a follow-up, a silent answer) in a real store, reads it back, and
checks the spoken feedback, the report, review (terminal, md, html, json), history, progress and the
spoken summary against the one typed record and the one definition of session figures.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace

import numpy as np
import pytest
from rich.console import Console

from voice_coach.analysis.answer import AnswerAnalysis
from voice_coach.analysis.feedback import AnswerRecap, answer_feedback, summarize_session
from voice_coach.analysis.length import measure_length
from voice_coach.store import Store
from voice_coach.testing.synthetic_store import synthetic_analysis
from voice_coach.views.answer_report import render_report
from voice_coach.views.history_view import history_json, history_table
from voice_coach.views.progress_data import points
from voice_coach.views.review_export import to_html, to_json, to_markdown
from voice_coach.views.review_view import render_review, session_heading


def text_of(renderable, width: int = 100) -> str:
    console = Console(width=width, color_system=None, record=True)
    console.print(renderable)
    return " ".join(console.export_text().split())


def short_story(seed: int, wpm: float, fillers: int) -> AnswerAnalysis:
    """A story judged against the behavioral band and found short (so the feedback speaks its length)."""
    a = synthetic_analysis(random.Random(seed), words=60, wpm=wpm, fillers=fillers, pauses=(1.3, 3.4), star="STA")
    first, last = a.speech[0].start, a.speech[-1].end
    return replace(a, length=measure_length(first, last, (60.0, 120.0)))


@pytest.fixture()
def stored(tmp_path):
    answers = [
        ({"id": "q1", "text": "Tell me about a hard call.", "star": True}, short_story(1, 150, 3), False, None),
        ({"id": "q1", "text": "And the result?", "star": False}, synthetic_analysis(random.Random(2), words=25, wpm=170,
                                                                                    fillers=2, star="R"), True, 1),
        ({"id": "q2", "text": "Why this job?", "star": False}, short_story(3, 185, 4), False, None),
        ({"id": "q3", "text": "Any questions?", "star": False}, AnswerAnalysis.from_dict({"duration_s": 8.0}), False, None),
    ]
    home = tmp_path / "home"
    with Store.open(home) as store:
        sid = store.start_session(bank="b", model="m", settings={})
        for question, analysis, followup, parent in answers:
            fb = answer_feedback(analysis, star_expected=question["star"])
            store.save_answer(sid, question=question, audio=np.zeros(1600, dtype=np.float32), sample_rate=16000,
                              analysis=analysis, feedback=fb.text, is_followup=followup, parent_answer=parent)
        store.finish_session(sid, complete=True)
    with Store.open(home, readonly=True) as store:
        yield store.summary(sid), store.answers(sid), [a for _, a, _, _ in answers], store


def test_a_stored_answer_is_the_record_that_was_saved(stored):
    summary, records, originals, _ = stored
    for rec, original in zip(records, originals):
        assert rec.analysis.to_dict() == original.to_dict()
        assert rec.analysis == AnswerAnalysis.from_dict(original.to_dict())
        assert rec.analysis.length == original.length and rec.analysis.pace == original.pace


def test_answer_figures_agree_in_feedback_report_and_review(stored):
    summary, records, _, _ = stored
    review = text_of(render_review(summary, records))
    md, html = to_markdown(summary, records), to_html(summary, records)
    for rec in records[:3]:
        a = rec.analysis
        seconds = f"{round(a.length.speaking_s)} s"
        assert f"answer length {a.length.speaking_s:.0f} s" in text_of(render_report(a))
        assert f"Length {seconds} ({a.length.verdict})" in review
        assert f"| Length | {seconds} ({a.length.verdict}) |" in md
        assert f"<td>Length</td><td>{seconds} ({a.length.verdict})</td>" in html
        pace = f"{a.pace.wpm:.0f} wpm"
        assert pace in text_of(render_report(a)) and pace in review and pace in md
        fillers = f"{a.fillers.count}, {a.fillers.per_minute:.1f} per minute"
        assert fillers in review and fillers in md
    spoken = records[0].feedback  # the words the interviewer said, saved with the answer
    if "the answer ran about" in spoken:
        assert f"about {round(records[0].analysis.length.speaking_s)} seconds" in spoken


def test_session_figures_agree_in_summary_history_progress_and_json(stored):
    summary, records, _, _ = stored
    recap = summarize_session([AnswerRecap(r.analysis, r.star_expected, r.is_followup) for r in records])
    fig = recap.figures
    # Python's sum of the records == SQL's sum of the columns
    for name in ("answers", "speech_answers", "words", "fillers", "dead_air", "star_answers", "complete_stories", "followups"):
        assert getattr(fig.totals, name) == getattr(summary.totals, name), name
    assert fig.totals.speaking_s == pytest.approx(summary.totals.speaking_s, abs=1e-9)
    assert fig.totals.answers == 3 and fig.totals.speech_answers == 2 and fig.totals.followups == 1
    assert summary.wpm == pytest.approx(fig.wpm) and summary.fillers_per_min == pytest.approx(fig.fillers_per_min)
    assert f"Average pace: {fig.wpm:.0f} wpm" in recap.lines
    assert f"Fillers: {fig.totals.fillers} ({fig.fillers_per_min:.1f} per minute)" in recap.lines
    assert "(follow-ups not counted: 1)" in recap.lines[0]
    assert "3 answers, 1 follow-up" in session_heading(summary)  # review numbers 4 recordings under it
    row = text_of(history_table([summary]))
    assert re.search(rf"\b{fig.wpm:.0f}\b", row) and f"{fig.fillers_per_min:.1f}" in row
    (hist,) = json.loads(history_json([summary]))
    assert hist["wpm"] == pytest.approx(fig.wpm) and hist["fillers_per_min"] == pytest.approx(fig.fillers_per_min)
    (point,) = points([summary])
    assert point.values["wpm"] == pytest.approx(fig.wpm)
    assert point.values["fillers_per_min"] == pytest.approx(fig.fillers_per_min)
    assert point.values["star_complete"] == pytest.approx(fig.star_complete)
    doc = json.loads(to_json(summary, records))
    assert doc["session"]["wpm"] == pytest.approx(fig.wpm) and doc["session"]["followups"] == 1
    counted = sum(r.analysis.fillers.count for r in records if not r.is_followup)
    assert fig.totals.fillers == counted  # what the summary says adds up from the answers it names


def test_a_second_try_replaces_the_first_in_every_figure_and_review_names_it(tmp_path):
    """Try again: both tries are kept, the last one counts (as in the spoken summary), review says which is which."""
    first, second = short_story(5, 185, 6), short_story(6, 150, 1)
    with Store.open(tmp_path / "home") as store:
        sid = store.start_session(bank="b", model="m", settings={})
        q = {"id": "q1", "text": "Tell me about a hard call.", "star": True}
        store.save_answer(sid, question=q, audio=np.zeros(1600, dtype=np.float32), sample_rate=16000,
                          analysis=first, feedback="")
        store.save_answer(sid, question={**q, "attempt": 2}, audio=np.zeros(1600, dtype=np.float32),
                          sample_rate=16000, analysis=second, feedback="", parent_answer=1)
        summary, records = store.summary(sid), store.answers(sid)
    assert summary.answers == 1 and summary.totals.superseded == 1 and summary.stored_answers == 2
    only_last = summarize_session([AnswerRecap(second, True)]).figures
    assert summary.wpm == pytest.approx(only_last.wpm) and summary.totals.fillers == second.fillers.count
    review = text_of(render_review(summary, records))
    assert "Answer 1 of 2" in review and "Answer 2 of 2 · try 2 of answer 1" in review
    assert "1 answer, 1 earlier try" in session_heading(summary)  # the heading adds up to the 2 recordings below
    side = (f"Compared with answer 1: pace {first.pace.wpm:.0f} → {second.pace.wpm:.0f} wpm, "
            f"fillers {first.fillers.count} → {second.fillers.count}")
    assert side in review and side in to_markdown(summary, records) and side in to_html(summary, records)


# ------------------------------------------------------------------ what the answer said (issue 14)
CONTENT_ANSWERS = (
    ("hardest-customer", "The hardest call I had was a man whose internet had been down for four days. "
     "He was shouting, so I kept my voice calm and steady. I let him vent and I guess I told him I'd be annoyed too. "
     "I booked a technician for the next morning and credited his account, and he thanked me."),
    ("double-charge", "First I would confirm who I'm speaking to with the security questions. "
     "Then I'd look at the account to check it really was charged twice. "
     "I would refund the second charge myself or pass it to billing. That way the customer knows the money is coming back."),
    ("why-customer-service", "I kind of like helping people. I think maybe this job would let me do that every day."),
)


@pytest.fixture()
def stored_content(tmp_path):
    from voice_coach.engines import sentence_model as sm
    from voice_coach.interview.bank_loader import load_bank
    from test_content_views import spoken

    from voice_coach.analysis.answer import with_content

    if not sm.is_available():
        pytest.skip("the sentence model package is not installed")
    bank = load_bank()
    home = tmp_path / "home"
    analyses = []
    with Store.open(home) as store:
        sid = store.start_session(bank="b", model="m", settings={})
        for qid, text in CONTENT_ANSWERS:
            q = bank.get(qid)
            a = with_content(spoken(text), q, bank.terms, encode=sm.get_model().encode)
            analyses.append(a)
            store.save_answer(sid, question={"id": q.id, "text": q.text, "star": q.star}, audio=np.zeros(1600, dtype=np.float32),
                              sample_rate=16000, analysis=a, feedback=answer_feedback(a).text)
        store.finish_session(sid, complete=True)
    with Store.open(home, readonly=True) as store:
        yield store.summary(sid), store.answers(sid), analyses


def test_talking_points_agree_in_report_review_md_html_json(stored_content):
    from html import escape as html_escape

    from voice_coach.views.content_view import point_line, point_rows
    from voice_coach.views.targets import fmt_clock

    summary, records, analyses = stored_content
    review = text_of(render_review(summary, records), width=240)
    md, page = to_markdown(summary, records), to_html(summary, records)
    doc = json.loads(to_json(summary, records))
    for rec, original, stored_doc in zip(records, analyses, doc["answers"]):
        a = rec.analysis
        assert a.content == original.content
        rows = point_rows(a)
        covered = sum(r.status == "covered" for r in rows)
        share = f"{covered} of {len(rows)} covered ({covered * 100 / len(rows):.0f}%)"
        assert f"Talking points {share}" in review
        assert f"| Talking points | {share} |" in md and f"<td>Talking points</td><td>{share}</td>" in page
        assert f"talking points {covered} of {len(rows)} covered" in text_of(render_report(a), width=240)
        for r in rows:
            assert point_line(r) in review
            if r.status == "covered":
                assert f'{html_escape(r.point)} <span class="at">at {fmt_clock(r.start)}</span>' in page
                assert f"{r.point} (at {fmt_clock(r.start)}" in md
        points_json = stored_doc["analysis"]["content"]["talking_points"]
        assert [p["covered"] for p in points_json] == [r.status == "covered" for r in rows]
        for h in a.content.hedges:
            assert f"'{h.text}' at {fmt_clock(h.start)}" in review and f"'{h.text}' at {fmt_clock(h.start)}" in md


def test_session_coverage_agrees_in_summary_store_progress_and_the_page(stored_content):
    from voice_coach.analysis.session_figures import SessionFigures
    from voice_coach.views.progress_data import points as progress_points

    summary, records, analyses = stored_content
    recap = summarize_session([AnswerRecap(r.analysis, r.star_expected) for r in records])
    judged = [p for a in analyses for p in a.content.talking_points]
    covered = sum(p.covered for p in judged)
    assert (summary.totals.points, summary.totals.points_covered) == (len(judged), covered)  # SQL == Python
    assert (recap.figures.totals.points, recap.figures.totals.points_covered) == (len(judged), covered)
    share = covered / len(judged)
    assert f"Talking points covered: {covered} of {len(judged)} ({share * 100:.0f}%)" in recap.lines
    (point,) = progress_points([summary])
    assert point.values["points_covered"] == pytest.approx(share) == SessionFigures(summary.totals).points_covered
    assert f"talking points {share * 100:.0f}% covered" in to_html(summary, records)


def test_a_version_2_store_gets_its_talking_point_totals_from_the_stored_analyses(stored_content, tmp_path):
    """Schema v3 adds points / points_covered and fills them from each answer's stored JSON."""
    import shutil
    import sqlite3

    summary, _, analyses = stored_content
    src = next((tmp_path / "home").glob("*.sqlite3"), None) or next((tmp_path / "home").rglob("*.sqlite3"))
    old_home = tmp_path / "old"
    shutil.copytree(tmp_path / "home", old_home)
    path = old_home / src.relative_to(tmp_path / "home")
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE answers DROP COLUMN points")
    conn.execute("ALTER TABLE answers DROP COLUMN points_covered")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with Store.open(old_home) as store:  # a writable open migrates
        migrated = store.summary(summary.id)
    judged = [p for a in analyses for p in a.content.talking_points]
    assert (migrated.totals.points, migrated.totals.points_covered) == (len(judged), sum(p.covered for p in judged))
    assert migrated.totals == summary.totals
