"""`history`: one line per session, newest first, each figure coloured by whether it sits in its target band."""

from __future__ import annotations

import json
import time
from typing import Sequence

from rich.table import Table
from rich.text import Text

from voice_coach.store.records import SessionSummary
from voice_coach.views.targets import DEAD_AIR, FILLERS, STAR, Target, fmt_date, pace_target

IN_BAND = "green"
OUT_OF_BAND = "yellow"


def _cell(target: Target, value: float | None, shown: str | None = None) -> Text:
    if value is None:
        return Text("–", style="dim")
    return Text(shown or target.fmt(value, unit=False), style=IN_BAND if target.inside(value) else OUT_OF_BAND)


def _status(s: SessionSummary) -> str:
    if s.complete is None:
        return "unfinished"
    return "done" if s.complete else "stopped"


def history_table(sessions: Sequence[SessionSummary], pace_band: tuple[float, float] | None = None) -> Table:
    """The history as a rich table (the caller prints it); fits 80 columns."""
    pace = pace_target(pace_band)
    show_kind = any(s.kind != "practice" for s in sessions)
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("session", no_wrap=True)
    table.add_column("date", no_wrap=True)
    if show_kind:
        table.add_column("kind", no_wrap=True)
    table.add_column("Qs", justify="right", no_wrap=True)
    table.add_column("wpm", justify="right", no_wrap=True)
    table.add_column("fillers/min", justify="right", no_wrap=True)
    table.add_column("dead air", justify="right", no_wrap=True)
    table.add_column("STAR", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for s in sessions:
        row: list[str | Text] = [s.id, time.strftime("%a %d %b", time.localtime(s.started_ts))]
        if show_kind:
            row.append(s.kind)
        row += [
            str(s.answers),
            _cell(pace, s.wpm),
            _cell(FILLERS, s.fillers_per_min),
            _cell(DEAD_AIR, s.dead_air_per_answer, str(s.dead_air)),
            _cell(STAR, s.star_complete, STAR.fmt(s.star_complete)),
            _status(s),
        ]
        table.add_row(*row)
    return table


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
