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
from voice_coach.views.review_view import render_review


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
    side = (f"Compared with answer 1: pace {first.pace.wpm:.0f} → {second.pace.wpm:.0f} wpm, "
            f"fillers {first.fillers.count} → {second.fillers.count}")
    assert side in review and side in to_markdown(summary, records) and side in to_html(summary, records)
