"""`history`: one line per session, newest first, each figure coloured by whether it sits in its target band."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path

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


LAYOUTS = (("%a %d %b %H:%M", 2), ("%d %b %H:%M", 2), ("%H:%M", 2), ("%H:%M", 1))
"""How a session's start reads ("Fri 04 Dec 18:20") and the gap between columns, widest first: each next
one is used when the one before makes a line too wide (the narrower keep only the time: the id holds the date)."""


def history_table(sessions: Sequence[SessionSummary], pace_band: tuple[float, float] | None = None,
                  width: int | None = None) -> Text:  # fmt: skip
    """The history as aligned lines, built directly: a rich Table takes seconds for 2,000 rows.

    Each session shows its start date and time. With `width` (the terminal's columns), the first of
    LAYOUTS whose lines fit is used, so a row stays on one line.
    """
    for when_format, gap in LAYOUTS:
        text, line_width = _history_lines(sessions, pace_band, when_format, gap)
        if width is None or line_width <= width:
            break
    return text


def _history_lines(sessions: Sequence[SessionSummary], pace_band: tuple[float, float] | None, when_format: str,
                   gap: int) -> tuple[Text, int]:  # fmt: skip
    pace = pace_target(pace_band)
    show_kind = any(s.kind != "practice" for s in sessions)
    heads = ["session", "started", *(["kind"] if show_kind else []), "Qs", "wpm", "fillers/min", "dead air", "STAR", "status"]
    right = {"Qs", "wpm", "fillers/min", "dead air", "STAR"}
    rows: list[list[tuple[str, str]]] = []
    for s in sessions:
        row = [(s.id, ""), (time.strftime(when_format, time.localtime(s.started_ts)), "")]
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
    sep = " " * gap
    text = Text()
    for i, (head, w) in enumerate(zip(heads, widths)):
        last = i == len(heads) - 1
        text.append((sep if i else "") + (head.rjust(w) if head in right else head if last else head.ljust(w)), style="bold")
    for row in rows:
        text.append("\n")
        for i, ((cell, style), w, head) in enumerate(zip(row, widths, heads)):
            last = i == len(heads) - 1
            shown = cell.rjust(w) if head in right else cell if last else cell.ljust(w)
            text.append((sep if i else "") + shown, style=style or None)
    return text, sum(widths) + gap * (len(widths) - 1)


def history_footer(sessions: Sequence[SessionSummary], pace_band: tuple[float, float] | None = None,
                   home: Path | None = None, width: int | None = None) -> str:  # fmt: skip
    """Counts, the targets, and (with `home`) where the sessions are kept; lines broken between targets to fit `width`."""
    pace = pace_target(pace_band)
    answers = sum(s.answers for s in sessions)
    lines = [f"{len(sessions)} session{'s' if len(sessions) != 1 else ''}, {answers} answer{'s' if answers != 1 else ''}. Green: inside the target; yellow: outside."]
    items = [f"pace {pace.band_text()}", f"fillers {FILLERS.band_text()}", f"dead air {DEAD_AIR.band_text()}",
             f"STAR {STAR.band_text()}"]  # fmt: skip
    line = "Targets:"
    for i, item in enumerate(items):
        piece = f" {item}{'.' if i == len(items) - 1 else ','}"
        if width is not None and len(line) + len(piece) > width and line.strip() != "Targets:":
            lines.append(line)
            line = " " * len("Targets:")
        line += piece
    lines.append(line)
    if home is not None:
        lines.append(f"Data folder: {home}")
    return "\n".join(lines)


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
