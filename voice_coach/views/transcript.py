"""An answer's transcript as timed tokens (words, fillers, pauses) grouped by STAR segment.

Pure functions over the stored analysis dict; every output format (terminal, md, html, srt, vtt)
renders the same blocks, so they cannot disagree about where a pause or a filler was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from voice_coach.views.targets import fmt_duration, fmt_pause, pace_target

STAR_NAMES = {"s": "Situation", "t": "Task", "a": "Action", "r": "Result"}


@dataclass(frozen=True)
class Token:
    kind: str
    """"word", "filler" or "pause"."""
    text: str
    start: float
    end: float
    dead_air: bool = False

    @property
    def mid(self) -> float:
        return (self.start + self.end) / 2


@dataclass(frozen=True)
class Block:
    """A run of tokens under one STAR label (None: outside any segment)."""

    label: str | None
    start: float
    end: float
    tokens: tuple[Token, ...]


def _f(value: Any, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def star_label(raw: Any) -> str | None:
    """"situation", "S", "Action" -> "Situation", ...; anything else -> None."""
    text = str(raw or "").strip().lower()
    return STAR_NAMES.get(text[:1]) if text else None


def answer_tokens(analysis: Mapping[str, Any], dead_air_s: float = 3.0) -> list[Token]:
    """Words, fillers and pauses of one answer in time order.

    Fillers found only in the audio (listed under fillers.items but not among the words) are added,
    so the transcript shows every filler the metrics counted.
    """
    tokens: list[Token] = []
    for w in analysis.get("words") or []:
        text = str(w.get("text", "")).strip()
        if text:
            kind = "filler" if w.get("filler") else "word"
            tokens.append(Token(kind, text, _f(w.get("start")), _f(w.get("end"))))
    if not tokens and str(analysis.get("transcript") or "").strip():
        end = _f(analysis.get("duration_s"))
        tokens.append(Token("word", str(analysis["transcript"]).strip(), 0.0, end))
    fillers = [t for t in tokens if t.kind == "filler"]
    for item in (analysis.get("fillers") or {}).get("items") or []:
        start, end = _f(item.get("start")), _f(item.get("end"))
        if not any(f.start < end + 0.05 and start < f.end + 0.05 for f in fillers):
            tokens.append(Token("filler", str(item.get("text") or "um"), start, max(end, start)))
    for p in (analysis.get("pauses") or {}).get("items") or []:
        start, end = _f(p.get("start")), _f(p.get("end"))
        duration = _f(p.get("duration"), end - start)
        tokens.append(Token("pause", fmt_pause(duration), start, end, dead_air=duration >= dead_air_s))
    order = {"word": 0, "filler": 0, "pause": 1}
    tokens.sort(key=lambda t: (t.start, order[t.kind]))
    return tokens


def star_blocks(analysis: Mapping[str, Any], tokens: Sequence[Token]) -> list[Block]:
    """Group tokens into consecutive blocks by the STAR segment that covers each token's middle."""
    segments = []
    for seg in (analysis.get("star") or {}).get("segments") or []:
        label = star_label(seg.get("label"))
        if label:
            segments.append((label, _f(seg.get("start")), _f(seg.get("end"))))

    def label_of(t: Token) -> str | None:
        for label, start, end in segments:
            if start <= t.mid < end or (t.start == t.end == end):
                return label
        return None

    blocks: list[Block] = []
    run: list[Token] = []
    current: str | None = None
    for t in tokens:
        label = label_of(t)
        if run and label != current:
            blocks.append(Block(current, run[0].start, run[-1].end, tuple(run)))
            run = []
        current = label
        run.append(t)
    if run:
        blocks.append(Block(current, run[0].start, run[-1].end, tuple(run)))
    return blocks


def metric_lines(metrics: Mapping[str, Any], analysis: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(name, value) pairs describing one answer's figures, in the order a coach would read them."""
    pace = analysis.get("pace") or {}
    band = pace.get("band")
    target = pace_target(tuple(band) if isinstance(band, (list, tuple)) and len(band) == 2 else None)
    lines: list[tuple[str, str]] = [("Length", fmt_duration(metrics.get("duration_s")))]
    verdict = (analysis.get("length") or {}).get("verdict")
    if verdict:
        lines[-1] = ("Length", f"{lines[-1][1]} ({verdict})")
    if analysis.get("no_speech"):
        lines.append(("Speech", "none heard"))
        return lines
    wpm = metrics.get("wpm")
    if wpm is not None:
        where = pace.get("verdict") or target.side(wpm)
        text = f"{wpm:.0f} wpm ({where}; target {target.band_text()})"
        if metrics.get("articulation_wpm"):
            text += f", {metrics['articulation_wpm']:.0f} wpm while talking"
        lines.append(("Pace", text))
    if metrics.get("filler_count") is not None:
        per_min = metrics.get("fillers_per_min")
        rate = f", {per_min:.1f} per minute" if per_min is not None else ""
        lines.append(("Fillers", f"{metrics['filler_count']}{rate}"))
    pauses = f"{metrics.get('pause_count') or 0}"
    if metrics.get("longest_pause_s"):
        pauses += f", longest {metrics['longest_pause_s']:.1f} s"
    lines.append(("Pauses", pauses))
    lines.append(("Dead air", f"{metrics.get('dead_air_count') or 0}"))
    if metrics.get("response_latency_s") is not None:
        lines.append(("Response latency", f"{metrics['response_latency_s']:.1f} s"))
    star = analysis.get("star") or {}
    if metrics.get("star_complete") is not None:
        present = star.get("present") or {}
        have = [STAR_NAMES[k[:1].lower()] for k, v in present.items() if v and k[:1].lower() in STAR_NAMES]
        missing = [STAR_NAMES[k[:1].lower()] for k, v in present.items() if not v and k[:1].lower() in STAR_NAMES]
        text = f"{metrics['star_complete'] * 100:.0f}%"
        if have or missing:
            text += f" ({', '.join(have) or 'none'} present" + (f"; missing {', '.join(missing)})" if missing else ")")
        lines.append(("STAR", text))
    return lines


def coaching_lines(analysis: Mapping[str, Any]) -> list[str]:
    """The analyzer's STAR coaching notes, if any."""
    notes = (analysis.get("star") or {}).get("coaching") or []
    return [str(n) for n in notes if str(n).strip()]
