"""`review --format md|html|json|srt|vtt`: the same review as files other tools open.

md and html carry everything the terminal shows (html also each answer's recording, embedded, with
every word a button that plays from its time); json carries the stored analysis as well;
srt and vtt are subtitles for one answer's audio (fillers marked, pauses as cue breaks).
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from voice_coach.store.records import AnswerRecord, SessionSummary, plain
from voice_coach.views.content_view import point_line, point_rows, points_html
from voice_coach.views.review_view import answer_heading, session_heading
from voice_coach.analysis.session_figures import SessionFigures
from voice_coach.views.targets import FILLERS, POINTS, STAR, fmt_clock, fmt_date, fmt_duration, pace_target
from voice_coach.views.transcript import (
    Block,
    Token,
    answer_tokens,
    coaching_lines,
    metric_lines,
    star_blocks,
    tries_line,
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
        out += ["", f"## {_md_escape(answer_heading(a, summary.stored_answers))}", "", f"> {_md_escape(a.question_text)}", ""]
        tries = tries_line(a, answers)
        if tries:
            out += [f"*{_md_escape(tries)}*", ""]
        blocks = star_blocks(a.analysis, answer_tokens(a.analysis))
        out += [_md_block(b) + "\n" for b in blocks] or ["*(no speech was heard)*", ""]
        out += ["| Metric | Value |", "| --- | --- |"]
        out += [f"| {name} | {_md_escape(value)} |" for name, value in metric_lines(a.analysis)]
        rows = point_rows(a.analysis)
        if rows:
            out += ["", "**Talking points**", ""] + [f"- {_md_escape(point_line(r))}" for r in rows]
        notes = coaching_lines(a.analysis)
        if a.feedback.strip() or notes:
            out += ["", "**Feedback**", ""]
            if a.feedback.strip():
                out += [_md_escape(a.feedback.strip()), ""]
            out += [f"- {_md_escape(n)}" for n in notes]
    return "\n".join(out).rstrip() + "\n"


@dataclass(frozen=True)
class Recording:
    """An answer's audio file for the html page: its bytes (embedded as a data: URI), or why there are none."""

    data: bytes | None
    mime: str = "audio/flac"
    problem: str = ""


STAR_CLASS = {"Situation": "s", "Task": "t", "Action": "a", "Result": "r"}

_CSS = """
body{font-family:system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.55}
h1{font-size:1.3rem;margin-bottom:.3rem}h2{font-size:1.1rem;margin:2.2rem 0 .6rem;border-bottom:1px solid #ddd}
h3{font-size:1rem;margin:1rem 0 .3rem}p.session{margin:.2rem 0;color:#444}
blockquote{margin:0 0 .6rem;padding:.3rem .8rem;border-left:4px solid #8aa;background:#f4f7f7}
.key{font-size:.9em;color:#444;background:#fafafa;border:1px solid #eee;padding:.4rem .7rem;border-radius:4px}
.cols{display:grid;grid-template-columns:minmax(0,1fr) 16rem;gap:1.6rem;align-items:start}
@media (max-width:48rem){.cols{grid-template-columns:minmax(0,1fr)}}
audio{width:100%;margin:.2rem 0 .5rem}p.nosound{color:#a40;font-size:.9em}
.block{margin:.35rem 0;padding-left:.6rem;border-left:4px solid transparent}
.star{display:inline-block;min-width:6.3rem;font-weight:bold}
.star-s{border-color:#7b5ea7}.star-s .star,.chip.star-s{color:#7b5ea7}
.star-t{border-color:#2a7ab0}.star-t .star,.chip.star-t{color:#2a7ab0}
.star-a{border-color:#2e8b57}.star-a .star,.chip.star-a{color:#2e8b57}
.star-r{border-color:#c05621}.star-r .star,.chip.star-r{color:#c05621}
.chip{font-weight:bold}
span.at{color:#888;font-size:.85em;margin-right:.4rem;font-variant-numeric:tabular-nums}
.w{font:inherit;color:inherit;background:none;border:0;padding:0 .05rem;margin:0;border-radius:3px;cursor:pointer}
span.w{cursor:auto}button.w:hover{background:#e8eef8}button.w:focus-visible{outline:2px solid #1f5fa8}
.w.now,.w.now mark{background:#1f5fa8;color:#fff}
mark.filler{background:#ffd84d;padding:0 .15rem;border-radius:2px}
.w.hedge{text-decoration:underline wavy #b0409a;text-underline-offset:3px}
ul.points{list-style:none;padding-left:0}ul.points li{margin:.15rem 0}
ul.points .covered::before{content:"✓ ";color:#2a8a2a;font-weight:bold}ul.points .missed::before{content:"✗ ";color:#c00;font-weight:bold}
ul.points .unsure::before{content:"? ";color:#888;font-weight:bold}ul.points .unsure{color:#666}
ul.points q{color:#333;font-style:italic}
.w.pause{color:#07c;font-size:.9em}.w.dead{color:#c00;font-weight:bold;font-size:.9em}
aside.figures{background:#f6f8fa;border:1px solid #e3e7eb;border-radius:6px;padding:.5rem .8rem;font-size:.92em}
aside.figures h3{margin-top:0}table{border-collapse:collapse}
td{padding:.12rem .7rem .12rem 0;vertical-align:top}td:first-child{font-weight:bold;white-space:nowrap}
aside.figures tr{display:block;margin:0 0 .4rem}aside.figures td{display:block;padding:0;white-space:normal}
aside.figures td:first-child{font-size:.8em;text-transform:uppercase;letter-spacing:.04em;color:#556}
"""

# Built once the page is parsed: per answer, the word index (start times), click to play from a word,
# the word being spoken highlighted while the audio plays. Sets data-words / data-duration / data-now
# on each answer and data-ready on <html>, so a test in a real browser can see that it ran.
_SCRIPT = """
(function () {
  "use strict";
  var total = 0;
  document.querySelectorAll("section.answer").forEach(function (sec) {
    var audio = sec.querySelector("audio");
    var words = Array.prototype.slice.call(sec.querySelectorAll(".w[data-t]"));
    var starts = words.map(function (w) { return parseFloat(w.getAttribute("data-t")); });
    sec.setAttribute("data-words", String(words.length));
    total += words.length;
    if (!audio) { return; }
    var current = -1, frame = 0;
    function at(t) {  /* the last word that has started by time t (binary search) */
      var lo = 0, hi = starts.length - 1, found = -1;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1;
        if (starts[mid] <= t + 0.02) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
      }
      return found;
    }
    function show(i) {
      if (i === current) { return; }
      if (current >= 0) { words[current].classList.remove("now"); }
      current = i;
      if (i >= 0) { words[i].classList.add("now"); }
      sec.setAttribute("data-now", i >= 0 ? String(i) : "");
    }
    function update() { show(at(audio.currentTime)); }
    function tick() { update(); frame = audio.paused ? 0 : requestAnimationFrame(tick); }
    function duration() { if (isFinite(audio.duration)) { sec.setAttribute("data-duration", audio.duration.toFixed(2)); } }
    audio.addEventListener("play", function () {
      document.querySelectorAll("audio").forEach(function (other) { if (other !== audio) { other.pause(); } });
      if (!frame) { frame = requestAnimationFrame(tick); }
    });
    ["timeupdate", "seeked", "pause", "ended"].forEach(function (name) { audio.addEventListener(name, update); });
    audio.addEventListener("loadedmetadata", duration);
    if (audio.readyState >= 1) { duration(); }
    words.forEach(function (w, i) {
      w.addEventListener("click", function () {
        audio.currentTime = starts[i];
        show(i);
        var playing = audio.play();
        if (playing && playing.catch) { playing.catch(function () {}); }
      });
    });
  });
  document.documentElement.setAttribute("data-ready", String(total));
})();
"""

_CSP = "default-src 'none'; media-src data:; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
"""Nothing is fetched: the page's own style, script and embedded audio are all it may use."""


def _html_token(t: Token, playable: bool) -> str:
    """One word, filler or pause; with a recording, a button that plays from its start."""
    text = html.escape(t.text)
    classes = ["w"]
    if t.kind == "filler":
        text = f'<mark class="filler">{text}</mark>'
    elif t.kind == "hedge":
        classes.append("hedge")
    elif t.kind == "pause":
        classes.append("dead" if t.dead_air else "pause")
    times = f'data-t="{t.start:.2f}" data-e="{t.end:.2f}"'
    if not playable:
        return f'<span class="{" ".join(classes)}" {times}>{text}</span>'
    return f'<button type="button" class="{" ".join(classes)}" {times} title="play from {fmt_clock(t.start)}">{text}</button>'


def _key(any_hedge: bool) -> str:
    parts = ["Click a word to play the answer from there; the word being spoken is highlighted.",
             '<mark class="filler sample">filler</mark>']  # fmt: skip
    if any_hedge:
        parts.append('<span class="w hedge">hedge</span>')
    parts += ['<span class="w pause">[1.2 s]</span> pause', '<span class="w dead">[3.4 s]</span> dead air',
              "STAR parts: " + " ".join(f'<span class="chip star-{c}">{n}</span>' for n, c in STAR_CLASS.items())]  # fmt: skip
    return '<p class="key">' + " · ".join(parts) + "</p>"


def _session_line(summary: SessionSummary) -> str:
    figures = [f"pace {pace_target().fmt(summary.wpm)}", f"fillers {FILLERS.fmt(summary.fillers_per_min)}",
               f"dead air {summary.dead_air}", f"STAR {STAR.fmt(summary.star_complete)}",
               f"answer time {fmt_duration(summary.duration_s)}"]  # fmt: skip
    coverage = SessionFigures(summary.totals).points_covered
    if coverage is not None:
        figures.insert(4, f"talking points {POINTS.fmt(coverage)} covered")
    return "Session figures (follow-ups not counted): " + ", ".join(figures)


def to_html(summary: SessionSummary, answers: Sequence[AnswerRecord],
            recordings: Mapping[int, Recording] | None = None) -> str:  # fmt: skip
    """One self-contained page for the session: every answer with its audio (embedded), transcript and figures.

    With `recordings` (answer number -> Recording) each answer gets a player and every word plays
    from its time; without, the page is the same minus the players. Inline CSS and one small inline
    script; a Content-Security-Policy forbids fetching anything.
    """
    e = html.escape
    recordings = recordings or {}
    body = [f"<h1>{e(session_heading(summary))}</h1>", f'<p class="session">{e(_session_line(summary))}</p>']
    sections = []
    any_hedge = False
    for a in answers:
        rec = recordings.get(a.number)
        playable = rec is not None and rec.data is not None
        out = [f'<section class="answer" id="answer-{a.number}" data-answer="{a.number}">',
               f"<h2>{e(answer_heading(a, summary.stored_answers))}</h2>", f"<blockquote>{e(a.question_text)}</blockquote>",
               *([f'<p class="tries">{e(t)}</p>'] if (t := tries_line(a, answers)) else []),
               '<div class="cols"><div class="transcript">']  # fmt: skip
        if playable:
            assert rec is not None and rec.data is not None
            uri = f"data:{rec.mime};base64,{base64.b64encode(rec.data).decode('ascii')}"
            out.append(f'<audio controls preload="metadata" src="{uri}"></audio>')
        elif rec is not None:
            out.append(f'<p class="nosound">No audio: {e(rec.problem)}</p>')
        blocks = star_blocks(a.analysis, answer_tokens(a.analysis))
        for b in blocks:
            any_hedge = any_hedge or any(t.kind == "hedge" for t in b.tokens)
            star = STAR_CLASS.get(b.label or "")
            label = f'<span class="star">{e(b.label or "")}</span>'
            words = " ".join(_html_token(t, playable) for t in b.tokens)
            cls = f"block star-{star}" if star else "block"
            out.append(f'<p class="{cls}">{label}<span class="at">{fmt_clock(b.start)}</span>{words}</p>')
        if not blocks:
            out.append("<p><em>(no speech was heard)</em></p>")
        out.append(points_html(a.analysis))
        notes = coaching_lines(a.analysis)
        if a.feedback.strip() or notes:
            out.append("<h3>Feedback</h3>")
            if a.feedback.strip():
                out.append(f"<p>{e(a.feedback.strip())}</p>")
            if notes:
                out.append("<ul>" + "".join(f"<li>{e(n)}</li>" for n in notes) + "</ul>")
        out.append("</div>")
        rows = "".join(f"<tr><td>{e(n)}</td><td>{e(v)}</td></tr>" for n, v in metric_lines(a.analysis))
        out.append(f'<aside class="figures"><h3>Figures</h3><table>{rows}</table></aside></div>')
        out.append("</section>")
        sections.append("\n".join(out))
    body.append(_key(any_hedge))
    title = e(f"voice-coach review {summary.id}")
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(body + sections)
        + f"\n<script>{_SCRIPT}</script>\n</body></html>\n"
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
        if t.kind in ("word", "hedge") and t.text.endswith((".", "?", "!")) and len(run) >= 3:
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


def render_format(fmt: str, summary: SessionSummary, answers: Sequence[AnswerRecord],
                  recordings: Mapping[int, Recording] | None = None) -> str:  # fmt: skip
    """The review in one of FORMATS (html with the answers' `recordings` embedded); subtitles need exactly one answer."""
    if fmt == "md":
        return to_markdown(summary, answers)
    if fmt == "html":
        return to_html(summary, answers, recordings)
    if fmt == "json":
        return to_json(summary, answers)
    if fmt in SUBTITLE_FORMATS:
        if len(answers) != 1:
            raise ValueError("subtitles follow one answer's audio")
        return to_subtitles(answers[0], fmt)
    raise ValueError(f"unknown format {fmt!r}")

