"""`history`: one line per session, newest first, each figure coloured by whether it sits in its target band."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

from rich.text import Text

from voice_coach.store.records import SessionSummary
from voice_coach.views.targets import (
    DEAD_AIR,
    FILLERS,
    STAR,
    Target,
    fmt_date,
    pace_target,
)

IN_BAND = "green"
OUT_OF_BAND = "yellow"


def _cell(target: Target, value: float | None, shown: str | None = None) -> tuple[str, str]:
    if value is None:
        return "–", "dim"
    return shown or target.fmt(value, unit=False), IN_BAND if target.inside(value) else OUT_OF_BAND


def _status(s: SessionSummary) -> str:
    if s.complete is None:
        return "unfinished"
    return "done" if s.complete else "stopped"


def history_table(sessions: Sequence[SessionSummary], pace_band: tuple[float, float] | None = None) -> Text:
    """The history as aligned lines (fits 80 columns), built directly: a rich Table takes seconds for 2,000 rows."""
    pace = pace_target(pace_band)
    show_kind = any(s.kind != "practice" for s in sessions)
    heads = ["session", "date", *(["kind"] if show_kind else []), "Qs", "wpm", "fillers/min", "dead air", "STAR", "status"]
    right = {"Qs", "wpm", "fillers/min", "dead air", "STAR"}
    rows: list[list[tuple[str, str]]] = []
    for s in sessions:
        row = [(s.id, ""), (time.strftime("%a %d %b", time.localtime(s.started_ts)), "")]
        if show_kind:
            row.append((s.kind, ""))
        row += [
            (str(s.answers), ""),
            _cell(pace, s.wpm),
            _cell(FILLERS, s.fillers_per_min),
            _cell(DEAD_AIR, s.dead_air_per_answer, str(s.dead_air)),
            _cell(STAR, s.star_complete, STAR.fmt(s.star_complete)),
            (_status(s), ""),
        ]
        rows.append(row)
    widths = [max([len(h), *(len(r[i][0]) for r in rows)]) for i, h in enumerate(heads)]
    text = Text()
    for i, (head, width) in enumerate(zip(heads, widths)):
        text.append(("  " if i else "") + (head.rjust(width) if head in right else head.ljust(width)), style="bold")
    for row in rows:
        text.append("\n")
        for i, ((cell, style), width, head) in enumerate(zip(row, widths, heads)):
            last = i == len(heads) - 1
            shown = cell.rjust(width) if head in right else cell if last else cell.ljust(width)
            text.append(("  " if i else "") + shown, style=style or None)
    return text


def history_footer(sessions: Sequence[SessionSummary], pace_band: tuple[float, float] | None = None) -> str:
    pace = pace_target(pace_band)
    answers = sum(s.answers for s in sessions)
    return (
        f"{len(sessions)} session{'s' if len(sessions) != 1 else ''}, {answers} answers. "
        f"Targets: pace {pace.band_text()}, fillers {FILLERS.band_text()}, "
        f"dead air {DEAD_AIR.band_text()}, STAR {STAR.band_text()}."
    )


def history_json(sessions: Sequence[SessionSummary]) -> str:
    rows = []
    for s in sessions:
        rows.append({
            "session": s.id, "started": fmt_date(s.started_ts), "started_ts": s.started_ts, "kind": s.kind,
            "bank": s.bank, "model": s.model, "questions": s.answers, "duration_s": s.duration_s, "wpm": s.wpm,
            "fillers_per_min": s.fillers_per_min, "dead_air": s.dead_air, "response_latency_s": s.response_latency_s,
            "star_complete": s.star_complete, "complete": s.complete, "categories": list(s.categories),
        })  # fmt: skip
    return json.dumps(rows, indent=2) + "\n"
