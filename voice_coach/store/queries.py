"""The store's read queries and how their rows become typed records (sessions' totals, answers)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from voice_coach.analysis.session_figures import AnswerTotals
from voice_coach.store.errors import StoreError, describe_sqlite_error
from voice_coach.store.paths import answer_audio_path
from voice_coach.store.records import METRIC_COLUMNS, AnswerRecord, SessionSummary

# A main answer counts unless a later try of the same question supersedes it (a try again points at
# the first try through parent_number), as the spoken summary counts only the last try.
_LAST_TRY = ("NOT EXISTS (SELECT 1 FROM answers r WHERE r.session_id = a.session_id AND r.is_followup = 0 "
             "AND r.parent_number = coalesce(a.parent_number, a.number) AND r.number > a.number)")
_MAIN = f"a.is_followup = 0 AND {_LAST_TRY}"
_SPEECH = f"{_MAIN} AND a.no_speech = 0"
_STAR = f"{_SPEECH} AND a.star_expected"
SUMMARY_SQL = f"""
SELECT s.id, s.started_ts, s.finished_ts, s.complete, s.kind, s.bank, s.model,
       count(CASE WHEN {_MAIN} THEN 1 END) AS answers,
       count(CASE WHEN {_SPEECH} THEN 1 END) AS speech_answers,
       coalesce(sum(CASE WHEN {_SPEECH} THEN a.word_count END), 0) AS words,
       coalesce(sum(CASE WHEN {_SPEECH} THEN a.speaking_s END), 0.0) AS speaking_s,
       coalesce(sum(CASE WHEN {_SPEECH} THEN a.filler_count END), 0) AS fillers,
       coalesce(sum(CASE WHEN {_SPEECH} THEN a.dead_air_count END), 0) AS dead_air,
       coalesce(sum(CASE WHEN {_SPEECH} THEN a.response_latency_s END), 0.0) AS latency_sum_s,
       count(CASE WHEN {_STAR} THEN 1 END) AS star_answers,
       coalesce(sum(CASE WHEN {_STAR} THEN a.star_complete END), 0.0) AS star_complete_sum,
       count(CASE WHEN {_STAR} AND a.star_complete >= 1.0 THEN 1 END) AS complete_stories,
       count(CASE WHEN a.is_followup THEN 1 END) AS followups,
       count(CASE WHEN a.is_followup = 0 AND NOT ({_LAST_TRY}) THEN 1 END) AS superseded,
       coalesce(sum(CASE WHEN {_MAIN} THEN a.duration_s END), 0.0) AS duration_s,
       coalesce(sum(CASE WHEN {_SPEECH} THEN a.points END), 0) AS points,
       coalesce(sum(CASE WHEN {_SPEECH} THEN a.points_covered END), 0) AS points_covered,
       group_concat(DISTINCT a.category) AS categories
FROM sessions s JOIN answers a ON a.session_id = s.id
"""
"""Additive totals per session, summed exactly as analysis.session_figures.AnswerTotals.of counts one answer."""

ANSWER_SQL = """
SELECT a.*, d.question_json, d.analysis_json, d.feedback
FROM answers a JOIN answer_details d ON d.answer_id = a.id
WHERE a.session_id = ?
"""

ONE_ANSWER_SQL = """
SELECT a.*, d.question_json, d.analysis_json, d.feedback
FROM answers a LEFT JOIN answer_details d ON d.answer_id = a.id
WHERE a.id = ?
"""


def summary_of(row: sqlite3.Row) -> SessionSummary:
    cats = tuple(sorted(c for c in (row["categories"] or "").split(",") if c))
    totals = AnswerTotals(**{name: row[name] for name in AnswerTotals.columns()})
    return SessionSummary(
        id=row["id"], started_ts=row["started_ts"], finished_ts=row["finished_ts"],
        complete=None if row["complete"] is None else bool(row["complete"]),
        kind=row["kind"], bank=row["bank"], model=row["model"], totals=totals, categories=cats,
    )



def answer_record(home: Path, session_id: str, r: sqlite3.Row) -> AnswerRecord:
    """One answer row (with its details) as the typed record; StoreError when it is damaged."""
    import json

    from voice_coach.analysis.answer import AnswerAnalysis

    try:
        question = json.loads(r["question_json"])
        analysis = AnswerAnalysis.from_dict(json.loads(r["analysis_json"]))
        if not isinstance(question, dict):
            raise TypeError("the question is not an object")
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise StoreError(f"answer {r['number']} of session {session_id} is damaged in the database") from exc
    try:
        audio_path = answer_audio_path(home, session_id, r["audio_path"])
    except StoreError as exc:
        raise StoreError(f"answer {r['number']} of session {session_id}: {exc}") from None
    return AnswerRecord(
        session_id=session_id, number=r["number"], created_ts=r["created_ts"], question=question,
        category=r["category"], star_expected=bool(r["star_expected"]), is_followup=bool(r["is_followup"]),
        parent_number=r["parent_number"], audio_path=audio_path,
        audio_sha256=r["audio_sha256"], audio_frames=r["audio_frames"], sample_rate=r["sample_rate"],
        metrics={c: r[c] for c in METRIC_COLUMNS}, analysis=analysis, feedback=r["feedback"], model=r["model"],
    )  # fmt: skip



def readable_answers(conn: sqlite3.Connection, home: Path, session_id: str, damaged: list[str]) -> list[AnswerRecord]:
    """Every answer of the session that can be read, one row at a time; the others described in `damaged`."""
    numbers = None
    for sql in ("SELECT id, number FROM answers WHERE session_id = ? ORDER BY number",  # the index alone
                "SELECT id, number FROM answers NOT INDEXED WHERE session_id = ? ORDER BY number"):  # fmt: skip
        try:
            numbers = conn.execute(sql, (session_id,)).fetchall()
            break
        except sqlite3.Error as exc:
            reason = describe_sqlite_error(exc)
    if numbers is None:
        damaged.append(f"the answers of session {session_id} ({reason})")
        return []
    out = []
    for answer_id, number in numbers:
        try:
            row = conn.execute(ONE_ANSWER_SQL, (answer_id,)).fetchone()
            if row is None or row["analysis_json"] is None:
                raise StoreError(f"answer {number} of session {session_id} is damaged in the database "
                                 "(its analysis is missing)")  # fmt: skip
            out.append(answer_record(home, session_id, row))
        except sqlite3.Error as exc:
            damaged.append(f"answer {number} of session {session_id} ({describe_sqlite_error(exc)})")
        except StoreError as exc:
            damaged.append(str(exc))
    return out
