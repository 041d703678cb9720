"""What the store hands back (frozen records) and the metric columns it indexes for each answer."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voice_coach.analysis.session_figures import AnswerTotals, SessionFigures

if TYPE_CHECKING:  # the record's module pulls in numpy and the analysis; history and progress start without them
    from voice_coach.analysis.answer import AnswerAnalysis


@dataclass(frozen=True)
class SessionSummary:
    """One session as history and progress see it: totals over its main answers (optionally of one category)."""

    id: str
    started_ts: float
    finished_ts: float | None
    complete: bool | None
    """True: the candidate went through the whole bank; False: stopped early; None: never finished (killed or still running)."""
    kind: str
    bank: str | None
    model: str
    totals: AnswerTotals
    """Summed over the main answers; every figure below comes from them (analysis.session_figures)."""
    categories: tuple[str, ...] = ()

    @property
    def figures(self) -> SessionFigures:
        return SessionFigures(self.totals)

    @property
    def answers(self) -> int:
        """Main answers; follow-ups are in `totals.followups`."""
        return self.totals.answers

    @property
    def stored_answers(self) -> int:
        """Every stored answer of the session: main answers, follow-ups and earlier tries."""
        return self.totals.answers + self.totals.followups + self.totals.superseded

    @property
    def duration_s(self) -> float:
        return self.totals.duration_s

    @property
    def speech_answers(self) -> int:
        return self.totals.speech_answers

    @property
    def star_answers(self) -> int:
        return self.totals.star_answers

    @property
    def dead_air(self) -> int:
        return self.totals.dead_air

    @property
    def wpm(self) -> float | None:
        return self.figures.wpm

    @property
    def fillers_per_min(self) -> float | None:
        return self.figures.fillers_per_min

    @property
    def response_latency_s(self) -> float | None:
        return self.figures.response_latency_s

    @property
    def star_complete(self) -> float | None:
        return self.figures.star_complete

    @property
    def dead_air_per_answer(self) -> float | None:
        return self.figures.dead_air_per_answer

    def to_dict(self) -> dict[str, Any]:
        """Metadata, the figures every view shows, and the totals they come from (follow-ups not counted)."""
        return {
            "id": self.id, "started_ts": self.started_ts, "finished_ts": self.finished_ts, "complete": self.complete,
            "kind": self.kind, "bank": self.bank, "model": self.model, "categories": list(self.categories),
            "answers": self.answers, "followups": self.totals.followups, "duration_s": self.duration_s,
            "wpm": self.wpm, "fillers_per_min": self.fillers_per_min, "dead_air": self.dead_air,
            "response_latency_s": self.response_latency_s, "star_complete": self.star_complete,
            "speech_answers": self.speech_answers, "star_answers": self.star_answers,
            "totals": asdict(self.totals),
        }


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
    """The indexed columns (metrics_from_analysis of `analysis`), kept for queries; views read `analysis`."""
    analysis: AnswerAnalysis = field(repr=False)
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
    "speaking_s",
    "word_count",
    "points",
    "points_covered",
)


def metrics_from_analysis(analysis: AnswerAnalysis, star_expected: bool = True) -> dict[str, Any]:
    """The indexed metric columns for one answer: its figures and its additive totals (AnswerTotals)."""
    no_speech = analysis.no_speech
    totals = AnswerTotals.of(analysis, star_expected)
    return {
        "duration_s": analysis.duration_s,
        "wpm": None if no_speech else analysis.pace.wpm,
        "articulation_wpm": None if no_speech else analysis.pace.articulation_wpm,
        "filler_count": analysis.fillers.count,
        "fillers_per_min": analysis.fillers.per_minute,
        "pause_count": len(analysis.pauses.items),
        "dead_air_count": len(analysis.pauses.dead_air),
        "longest_pause_s": analysis.pauses.longest_s,
        "response_latency_s": None if no_speech else analysis.pauses.response_latency_s,
        "silence_share": analysis.pauses.silence_share,
        "star_complete": analysis.star.complete,
        "no_speech": int(no_speech),
        "speaking_s": totals.speaking_s,
        "word_count": totals.words,
        "points": totals.points,
        "points_covered": totals.points_covered,
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
