"""An answer's transcript as timed tokens (words, fillers, pauses) grouped by STAR segment.

Pure functions over the typed answer record (AnswerAnalysis); every output format (terminal, md, html, srt, vtt)
renders the same blocks, so they cannot disagree about where a pause or a filler was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from voice_coach.analysis.answer import AnswerAnalysis
from voice_coach.analysis.judging import judged_as

from voice_coach.views.content_view import content_rows, structure_line
from voice_coach.views.targets import fmt_duration, fmt_pause, pace_target

STAR_NAMES = {"s": "Situation", "t": "Task", "a": "Action", "r": "Result"}


@dataclass(frozen=True)
class Token:
    kind: str
    """"word", "hedge" (a word of a hedge, content.hedges), "filler" or "pause"."""
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


def star_label(raw: Any) -> str | None:
    """"situation", "S", "Action" -> "Situation", ...; anything else -> None."""
    text = str(raw or "").strip().lower()
    return STAR_NAMES.get(text[:1]) if text else None


def answer_tokens(analysis: AnswerAnalysis) -> list[Token]:
    """Words, fillers and pauses of one answer in time order.

    Fillers found only in the audio (listed under fillers.items but not among the words) are added,
    so the transcript shows every filler the metrics counted.
    """
    hedges = analysis.content.hedges if analysis.content is not None else ()

    def kind_of(w: Any) -> str:
        if w.filler:
            return "filler"
        mid = (w.start + w.end) / 2
        return "hedge" if any(h.start <= mid <= h.end for h in hedges) else "word"

    tokens = [Token(kind_of(w), w.text.strip(), w.start, w.end) for w in analysis.words if w.text.strip()]
    fillers = [t for t in tokens if t.kind == "filler"]
    for item in analysis.fillers.items:
        if not any(f.start < item.end + 0.05 and item.start < f.end + 0.05 for f in fillers):
            tokens.append(Token("filler", item.text or "um", item.start, max(item.end, item.start)))
    dead = set(analysis.pauses.dead_air)
    for p in analysis.pauses.items:
        tokens.append(Token("pause", fmt_pause(p.duration), p.start, p.end, dead_air=p in dead))
    order = {"word": 0, "hedge": 0, "filler": 0, "pause": 1}
    tokens.sort(key=lambda t: (t.start, order[t.kind]))
    return tokens


def star_blocks(analysis: AnswerAnalysis, tokens: Sequence[Token]) -> list[Block]:
    """Group tokens into consecutive blocks by the STAR segment that covers each token's middle.

    Where STAR is not judged (a general or closing question, judging.judged_as) no part is named:
    a "Situation" over "I like helping people" would read as a verdict; the blocks are the sentences."""
    if judged_as(analysis) is None:
        sents = analysis.star.sentences
        segments = [(None, s.start, sents[k + 1].start if k + 1 < len(sents) else max(s.end, tokens[-1].end if tokens else s.end))
                    for k, s in enumerate(sents)]
    else:
        segments = [(label, seg.start, seg.end) for seg in analysis.star.segments if (label := star_label(seg.label))]

    def label_of(t: Token) -> tuple[int, str | None] | None:
        for k, (label, start, end) in enumerate(segments):
            if start <= t.mid < end or (t.start == t.end == end):
                return (k, label) if label is None else (-1, label)
        return None

    blocks: list[Block] = []
    run: list[Token] = []
    current: tuple[int, str | None] | None = None
    for t in tokens:
        key = label_of(t)
        if run and key != current:
            blocks.append(Block(current[1] if current else None, run[0].start, run[-1].end, tuple(run)))
            run = []
        current = key
        run.append(t)
    if run:
        blocks.append(Block(current[1] if current else None, run[0].start, run[-1].end, tuple(run)))
    return blocks


def metric_lines(analysis: AnswerAnalysis) -> list[tuple[str, str]]:
    """(name, value) pairs describing one answer's figures, in the order a coach would read them.

    Every figure is the record's own (the same the report and the spoken feedback use): length is the
    speaking time, first to last speech, judged against the answer's own band.
    """
    length = analysis.length
    lines: list[tuple[str, str]] = [("Length", f"{fmt_duration(length.speaking_s)} ({length.verdict})")]
    if analysis.no_speech:
        lines[0] = ("Length", fmt_duration(analysis.duration_s))
        lines.append(("Speech", "none heard"))
        return lines
    pace = analysis.pace
    target = pace_target(pace.band)
    if pace.verdict != "n/a" or pace.wpm:
        text = f"{pace.wpm:.0f} wpm ({pace.verdict}; target {target.band_text()})"
        if pace.articulation_wpm:
            text += f", {pace.articulation_wpm:.0f} wpm while talking"
        lines.append(("Pace", text))
    fillers = analysis.fillers
    lines.append(("Fillers", f"{fillers.count}, {fillers.per_minute:.1f} per minute"))
    pauses = analysis.pauses
    text = f"{len(pauses.items)}"
    if pauses.longest_s:
        text += f", longest {pauses.longest_s:.1f} s"
    lines.append(("Pauses", text))
    lines.append(("Dead air", f"{len(pauses.dead_air)}"))
    if pauses.response_latency_s is not None:
        lines.append(("Response latency", f"{pauses.response_latency_s:.1f} s"))
    structure = structure_line(analysis)  # STAR, a plan, or neither: after the question's kind
    if structure:
        lines.append(structure)
    lines.extend(content_rows(analysis))
    return lines


def coaching_lines(analysis: AnswerAnalysis) -> list[str]:
    """The analyzer's STAR coaching notes, if any."""
    return [n for n in analysis.star.coaching if n.strip()]


def tries_line(answer: Any, answers: Sequence[Any]) -> str | None:
    """For a try again: its figures beside the try before it ("pace 185 → 150 wpm, fillers 6 → 1, ...")."""
    if answer.is_followup or not answer.parent_number:
        return None
    first = answer.parent_number
    tries = [a for a in answers if not a.is_followup and (a.number == first or a.parent_number == first)]
    earlier = [a for a in tries if a.number < answer.number]
    if not earlier:
        return None
    before, now = earlier[-1].analysis, answer.analysis

    def pair(x: float, y: float, fmt: str) -> str:
        return f"{fmt.format(x)} → {fmt.format(y)}"

    parts = [f"pace {pair(before.pace.wpm, now.pace.wpm, '{:.0f}')} wpm",
             f"fillers {before.fillers.count} → {now.fillers.count}",
             f"length {pair(before.length.speaking_s, now.length.speaking_s, '{:.0f}')} s",
             f"STAR {pair(before.star.complete * 100, now.star.complete * 100, '{:.0f}')}%"]
    return f"Compared with answer {earlier[-1].number}: " + ", ".join(parts)
