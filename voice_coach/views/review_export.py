"""`review --format md|html|json|srt|vtt`: the same review as files other tools open.

md and html carry everything the terminal shows; json carries the stored analysis as well;
srt and vtt are subtitles for one answer's audio (fillers marked, pauses as cue breaks).
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

from voice_coach.store.records import AnswerRecord, SessionSummary, plain
from voice_coach.views.review_view import answer_heading, session_heading
from voice_coach.views.targets import fmt_clock, fmt_date
from voice_coach.views.transcript import (
    Block,
    Token,
    answer_tokens,
    coaching_lines,
    metric_lines,
    star_blocks,
)

FORMATS = ("md", "html", "json", "srt", "vtt")
SUBTITLE_FORMATS = ("srt", "vtt")


def _md_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]<>#|" else ch for ch in text)


def _md_block(block: Block) -> str:
    words = []
    for t in block.tokens:
        if t.kind == "filler":
            words.append(f"**{_md_escape(t.text)}**")
        elif t.kind == "pause":
            words.append(f"*{_md_escape(t.text)}*")
        else:
            words.append(_md_escape(t.text))
    label = f"**{block.label}** " if block.label else ""
    return f"{label}`{fmt_clock(block.start)}` " + " ".join(words)


def to_markdown(summary: SessionSummary, answers: Sequence[AnswerRecord]) -> str:
    out = [f"# {_md_escape(session_heading(summary))}", ""]
    out.append("Fillers are in **bold**, pauses in *italics* as [seconds]; STAR parts are labelled.")
    for a in answers:
        out += ["", f"## {_md_escape(answer_heading(a, summary.answers))}", "", f"> {_md_escape(a.question_text)}", ""]
        blocks = star_blocks(a.analysis, answer_tokens(a.analysis))
        out += [_md_block(b) + "\n" for b in blocks] or ["*(no speech was heard)*", ""]
        out += ["| Metric | Value |", "| --- | --- |"]
        out += [f"| {name} | {_md_escape(value)} |" for name, value in metric_lines(a.analysis)]
        notes = coaching_lines(a.analysis)
        if a.feedback.strip() or notes:
            out += ["", "**Feedback**", ""]
            if a.feedback.strip():
                out += [_md_escape(a.feedback.strip()), ""]
            out += [f"- {_md_escape(n)}" for n in notes]
    return "\n".join(out).rstrip() + "\n"


_CSS = """
body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}
h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #ddd}
blockquote{margin:0;padding:.3rem .8rem;border-left:4px solid #8aa;background:#f4f7f7}
mark.filler{background:#ffd84d;padding:0 .15rem}span.pause{color:#07c}span.dead{color:#c00;font-weight:bold}
p.block{margin:.4rem 0}span.star{display:inline-block;min-width:5.5rem;font-weight:bold;color:#906}
span.at{color:#888;font-size:.85em;margin-right:.4rem}table{border-collapse:collapse}
td{padding:.1rem .8rem .1rem 0;vertical-align:top}td:first-child{font-weight:bold}
"""


def _html_token(t: Token) -> str:
    text = html.escape(t.text)
    if t.kind == "filler":
        return f'<mark class="filler">{text}</mark>'
    if t.kind == "pause":
        return f'<span class="{"dead" if t.dead_air else "pause"}">{text}</span>'
    return text


def to_html(summary: SessionSummary, answers: Sequence[AnswerRecord]) -> str:
    """A self-contained page (inline CSS, no scripts, nothing fetched)."""
    e = html.escape
    body = [f"<h1>{e(session_heading(summary))}</h1>"]
    for a in answers:
        body.append(f"<h2>{e(answer_heading(a, summary.answers))}</h2>")
        body.append(f"<blockquote>{e(a.question_text)}</blockquote>")
        blocks = star_blocks(a.analysis, answer_tokens(a.analysis))
        for b in blocks:
            label = f'<span class="star">{e(b.label)}</span>' if b.label else ""
            words = " ".join(_html_token(t) for t in b.tokens)
            body.append(f'<p class="block">{label}<span class="at">{fmt_clock(b.start)}</span>{words}</p>')
        if not blocks:
            body.append("<p><em>(no speech was heard)</em></p>")
        rows = "".join(f"<tr><td>{e(n)}</td><td>{e(v)}</td></tr>" for n, v in metric_lines(a.analysis))
        body.append(f"<table>{rows}</table>")
        notes = coaching_lines(a.analysis)
        if a.feedback.strip() or notes:
            body.append("<h3>Feedback</h3>")
            if a.feedback.strip():
                body.append(f"<p>{e(a.feedback.strip())}</p>")
            if notes:
                body.append("<ul>" + "".join(f"<li>{e(n)}</li>" for n in notes) + "</ul>")
    title = e(f"voice-coach review {summary.id}")
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def answer_dict(a: AnswerRecord) -> dict[str, Any]:
    return {
        "number": a.number,
        "created": fmt_date(a.created_ts),
        "created_ts": a.created_ts,
        "question": plain(a.question),
        "category": a.category,
        "is_followup": a.is_followup,
        "parent_answer": a.parent_number,
        "audio_file": a.audio_path.name,
        "sample_rate": a.sample_rate,
        "metrics": plain(a.metrics),
        "feedback": a.feedback,
        "analysis": plain(a.analysis.to_dict()),
    }


def to_json(summary: SessionSummary, answers: Sequence[AnswerRecord]) -> str:
    doc = {"session": plain(summary.to_dict()), "answers": [answer_dict(a) for a in answers]}
    doc["session"]["started"] = fmt_date(summary.started_ts)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def subtitle_cues(tokens: Sequence[Token], max_s: float = 6.0, max_words: int = 12) -> list[tuple[float, float, list[Token]]]:
    """Words grouped into cues that break at pauses, sentence ends, and a length limit."""
    cues: list[tuple[float, float, list[Token]]] = []
    run: list[Token] = []

    def close() -> None:
        if run:
            cues.append((run[0].start, max(run[-1].end, run[0].start + 0.2), list(run)))
            run.clear()

    for t in tokens:
        if t.kind == "pause":
            close()
            continue
        if run and (t.end - run[0].start > max_s or len(run) >= max_words):
            close()
        run.append(t)
        if t.kind == "word" and t.text.endswith((".", "?", "!")) and len(run) >= 3:
            close()
    close()
    return cues


def _stamp(seconds: float, sep: str) -> str:
    ms = round(max(0.0, seconds) * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def to_subtitles(answer: AnswerRecord, fmt: str) -> str:
    """SRT or WebVTT cues on the timeline of the answer's own audio file."""
    cues = subtitle_cues(answer_tokens(answer.analysis))
    vtt = fmt == "vtt"
    out = ["WEBVTT", "", "NOTE " + _vtt_note(answer), ""] if vtt else []
    for i, (start, end, toks) in enumerate(cues, 1):
        words = []
        for t in toks:
            if t.kind == "filler":
                words.append(f"<c.filler>{html.escape(t.text)}</c>" if vtt else f"<i>{html.escape(t.text)}</i>")
            else:
                words.append(html.escape(t.text, quote=False))
        if not vtt:
            out.append(str(i))
        sep = "." if vtt else ","
        out += [f"{_stamp(start, sep)} --> {_stamp(end, sep)}", " ".join(words), ""]
    return "\n".join(out).rstrip("\n") + "\n" if out else ""


def _vtt_note(answer: AnswerRecord) -> str:
    text = f"answer {answer.number} of session {answer.session_id}: {answer.question_text}"
    return text.replace("-->", "->").replace("\n", " ")


def render_format(fmt: str, summary: SessionSummary, answers: Sequence[AnswerRecord]) -> str:
    """The review in one of FORMATS; subtitles need exactly one answer."""
    if fmt == "md":
        return to_markdown(summary, answers)
    if fmt == "html":
        return to_html(summary, answers)
    if fmt == "json":
        return to_json(summary, answers)
    if fmt in SUBTITLE_FORMATS:
        if len(answers) != 1:
            raise ValueError("subtitles follow one answer's audio")
        return to_subtitles(answers[0], fmt)
    raise ValueError(f"unknown format {fmt!r}")

