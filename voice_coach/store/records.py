"""What the store hands back (frozen records) and how metrics are lifted out of an analysis dict."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class SessionSummary:
    """One session as history and progress see it: means over its (optionally category-filtered) answers."""

    id: str
    started_ts: float
    finished_ts: float | None
    complete: bool | None
    """True: the candidate went through the whole bank; False: stopped early; None: never finished (killed or still running)."""
    kind: str
    bank: str | None
    model: str
    answers: int
    duration_s: float
    """Total answer time."""
    wpm: float | None
    """Mean pace over answers that had speech."""
    fillers_per_min: float | None
    """Fillers per minute, weighted by answer duration."""
    dead_air: int
    """Dead-air events summed over answers."""
    response_latency_s: float | None
    star_complete: float | None
    """Mean STAR completeness (0..1) over answers whose question calls for STAR."""
    speech_answers: int
    star_answers: int
    categories: tuple[str, ...] = ()

    @property
    def dead_air_per_answer(self) -> float | None:
        return self.dead_air / self.answers if self.answers else None


@dataclass(frozen=True)
class AnswerRecord:
    """One stored answer with its full analysis, as review shows it."""

    session_id: str
    number: int
    created_ts: float
    question: Mapping[str, Any]
    category: str | None
    star_expected: bool
    is_followup: bool
    parent_number: int | None
    audio_path: Path
    audio_sha256: str
    audio_frames: int
    sample_rate: int
    metrics: Mapping[str, Any]
    analysis: Mapping[str, Any] = field(repr=False)
    feedback: str = ""
    model: str | None = None

    @property
    def question_text(self) -> str:
        return str(self.question.get("text") or "")


METRIC_COLUMNS = (
    "duration_s",
    "wpm",
    "articulation_wpm",
    "filler_count",
    "fillers_per_min",
    "pause_count",
    "dead_air_count",
    "longest_pause_s",
    "response_latency_s",
    "silence_share",
    "star_complete",
    "no_speech",
)


def _num(value: Any) -> float | None:
    """A finite float, or None for anything missing or odd (the analyzer may grow or drop fields)."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _int(value: Any) -> int | None:
    out = _num(value)
    return None if out is None else round(out)


def metrics_from_analysis(analysis: Mapping[str, Any], dead_air_s: float = 3.0) -> dict[str, Any]:
    """The indexed metric columns for one answer, tolerant of missing optional keys."""
    pace = analysis.get("pace") or {}
    fillers = analysis.get("fillers") or {}
    pauses = analysis.get("pauses") or {}
    star = analysis.get("star") or {}
    no_speech = bool(analysis.get("no_speech", False))
    duration = _num(analysis.get("duration_s"))
    filler_items = fillers.get("items") or []
    filler_count = _int(fillers.get("count"))
    if filler_count is None:
        filler_count = len(filler_items)
    per_min = _num(fillers.get("per_minute"))
    if per_min is None and duration:
        per_min = filler_count / duration * 60.0
    pause_items = pauses.get("items") or []
    dead_air = _int(pauses.get("dead_air_count"))
    if dead_air is None:
        dead_air = sum(1 for p in pause_items if (_num(p.get("duration")) or 0.0) >= dead_air_s)
    longest = _num(pauses.get("longest_s"))
    if longest is None and pause_items:
        longest = max(_num(p.get("duration")) or 0.0 for p in pause_items)
    return {
        "duration_s": duration,
        "wpm": None if no_speech else _num(pace.get("wpm")),
        "articulation_wpm": None if no_speech else _num(pace.get("articulation_wpm")),
        "filler_count": filler_count,
        "fillers_per_min": per_min,
        "pause_count": len(pause_items),
        "dead_air_count": dead_air,
        "longest_pause_s": longest,
        "response_latency_s": None if no_speech else _num(pauses.get("response_latency_s")),
        "silence_share": _num(pauses.get("silence_share")),
        "star_complete": _num(star.get("complete")),
        "no_speech": int(no_speech),
    }


def plain(value: Any) -> Any:
    """Plain JSON values from analysis/settings data: numpy scalars and arrays, tuples, paths; NaN and inf become None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return [plain(v) for v in items]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return plain(value.tolist())
    if hasattr(value, "__fspath__"):
        return str(value)
    raise TypeError(f"cannot store a {type(value).__name__} as JSON")


def to_json(value: Any) -> str:
    """Compact JSON text of `plain(value)`."""
    return json.dumps(plain(value), ensure_ascii=False, separators=(",", ":"))
