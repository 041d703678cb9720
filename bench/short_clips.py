"""How long one `WhisperTranscriber.transcribe()` call takes on short stretches, and what it writes.

In live mode an answer is cut into stretches of speech and each one is transcribed with the ~40
previous words as the prompt. On a nearly empty 30 s window Whisper can loop ("Calls about a 5th
over the next quarter. Calls about a 6th ..."), the compression-ratio check fails and every fallback
temperature is decoded again: a 0.8 s stretch once took 63-86 s with the base model. This script
cuts clips of 0.5 ... 20 s out of synthesized answers (bench/corpus.py stories told by espeak-ng
voices at 130-190 wpm, pink noise at 30 dB SNR) and transcribes each with a realistic prompt (the
40 words spoken before it) and without. Clip endings (ENDINGS): "cut" starts 0.25 s before a word
and ends wherever the length falls, often mid-word; "tail" ends 0.3 s after a word that silence
follows, as the last stretch of an answer does; "um" (short clips only) starts at a lone hesitation,
the stretch the live path sends when a candidate says "um" and pauses.

Printed per model: for each clip length, the time per call (median / max), the word error rate
against the words spoken inside the clip and the most words written per second of clip, for the
transcriber as it was ("before", commit 973e6a4: the decoding bounds off, `_LEGACY`) and as
it is ("after"); then a summary per variant with the time's p90, encoder passes (windows) and
decodes per call, and the mean onset error of the words written as spoken. Other variants (one
idea at a time, or the defaults less one) are in ABLATIONS: `--variants before,after,only-tokens`.

Word truth: `voice_coach.testing.synth` times every piece (a sentence) to the sample but not its words.
The word onsets come from libespeak-ng itself (its word events, in a forked child so that every
piece is the first synthesis of a fresh engine, which is what the `espeak-ng` command line makes);
the piece's samples are checked against synth's, so the onsets are exact. A word ends at its last
audible sample before the next word; short words espeak joins to a neighbour ("at a") share its
span by letters. A clip's reference is the words whose middle lies inside it (a word cut in half
may or may not be heard; every variant is scored the same way).

  .venv/bin/python -m bench.short_clips --quick            # tiny.en, before and after, ~2 min
  .venv/bin/python -m bench.short_clips                    # tiny.en and base, 3 clips per cell, ~25 min
  options: --models tiny.en,base  --variants before,after  --per 3  --lengths 0.5,0.8,...
           --prompts yes,no  --jsonl PATH (raw rows; default bench/out/short_clips/)
           --table-from PATH (tables from raw rows, no decoding)

Timing is wall time of the call on a shared machine (the load average is printed); variants are
interleaved clip by clip so that load changes hit them alike. Nothing is asserted; the test is
tests/test_transcriber_short.py.
"""

from __future__ import annotations

import argparse
import ctypes
import functools
import json
import os
import pickle
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from bench.common import OUT, load_average, long_answer, machine_line
from bench.scoring import aligned_pairs, normalize, word_errors
from voice_coach.audio.resample import resample
from voice_coach.core.timed import SAMPLE_RATE, Word
from voice_coach.testing import synth
from voice_coach.testing.synth import SyntheticAnswer

LENGTHS = (0.5, 0.8, 1.1, 2.0, 4.0, 8.0, 15.0, 20.0)
QUICK_LENGTHS = (0.5, 0.8, 1.1, 2.0, 4.0, 8.0, 15.0)
SHORT_S = 3.0
"""Clips shorter than this are 'short' in the summary rows; 4-20 s are 'normal' stretches."""
LEAD_PAD_S = 0.25
"""A stretch starts this long before its first speech, as voice_coach.live.analyzer cuts them."""
TAIL_S = 0.3
ENDINGS = ("cut", "tail", "um")
"""cut: starts 0.25 s before a word, ends wherever the length falls (often mid-word); tail: ends 0.3 s
after a word that silence follows (the last stretch of an answer); um: starts 0.25 s before a lone
hesitation ("um", "uh", not a word) and is as long as asked (short clips only): the stretch the
live path sends when a candidate says "um" and then pauses for a second."""
PROMPT_WORDS = 40
VOICES = (("en-us", 130), ("en-gb", 160), ("en-us+f3", 175), ("en-gb-x-rp", 145), ("en+m3", 190))
RAW_DIR = OUT / "short_clips"


# ---------------------------------------------------------------- word onsets from libespeak-ng
class _Event(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint), ("text_position", ctypes.c_int),
                ("length", ctypes.c_int), ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", ctypes.c_char * 8)]


_EVENT_WORD = 1
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_ESPEAK_RATE, _ESPEAK_PITCH = 1, 3
_CHARS_UTF8 = 1


def _espeak_in_child(text: str, voice: str, rate_wpm: int, pitch: int) -> tuple[bytes, list[tuple[int, int, int]]]:
    """PCM (22.05 kHz int16) and word events (char position, length, sample) of one fresh synthesis.

    libespeak-ng keeps state from one synthesis to the next (the second rendering of a text differs
    from the first by a few samples), so each text is spoken by a forked child that has spoken
    nothing before, just as the `espeak-ng` command that `synth.speak` runs.
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: speak once, send the result, leave without running the parent's cleanup
        status = 1
        try:
            os.close(read_fd)
            lib = ctypes.CDLL("libespeak-ng.so.1")
            ctypes.CDLL(None).srand(1)  # the breathy variants (+f3 ...) draw noise from rand(), as a fresh process does
            chunks: list[bytes] = []
            events: list[tuple[int, int, int]] = []
            proto = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))

            def callback(wav, n, ev):  # noqa: ANN001 - ctypes signature
                if n > 0 and wav:
                    chunks.append(ctypes.string_at(wav, n * 2))
                i = 0
                while ev[i].type != 0:
                    if ev[i].type == _EVENT_WORD:
                        events.append((ev[i].text_position, ev[i].length, ev[i].sample))
                    i += 1
                return 0

            cb = proto(callback)
            if lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0) != 22050:
                raise RuntimeError("libespeak-ng did not start at 22050 Hz")
            lib.espeak_SetSynthCallback(cb)
            lib.espeak_SetVoiceByName(voice.encode())
            lib.espeak_SetParameter(_ESPEAK_RATE, int(rate_wpm), 0)
            lib.espeak_SetParameter(_ESPEAK_PITCH, int(pitch), 0)
            raw = text.encode()
            lib.espeak_Synth(raw, len(raw) + 1, 0, 1, 0, _CHARS_UTF8, None, None)
            lib.espeak_Synchronize()
            payload = pickle.dumps((b"".join(chunks), events))
            with os.fdopen(write_fd, "wb") as fh:
                fh.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as fh:
        payload = fh.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not payload:
        raise RuntimeError(f"libespeak-ng child failed for {text!r}")
    return pickle.loads(payload)


@functools.lru_cache(maxsize=4096)
def word_times(text: str, voice: str, rate_wpm: int, pitch: int) -> tuple[tuple[tuple[str, float, float], ...], bool]:
    """Each whitespace word of `text` with (start, end) in seconds from the piece's first audible sample.

    The second value is True when the child's samples are synth.speak's (onsets exact);
    otherwise the onsets are scaled to synth's length (never seen so far, counted in the table).
    """
    pcm, events = _espeak_in_child(text, voice, rate_wpm, pitch)
    x = resample(np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0, 22050, SAMPLE_RATE)
    loud = np.flatnonzero(np.abs(x) > synth._TRIM_LEVEL)
    piece = synth.speak(text, voice=voice, rate_wpm=rate_wpm, pitch=pitch)
    lead = int(loud[0]) if loud.size else 0
    mine = x[lead : int(loud[-1]) + 1] if loud.size else x[:0]
    # the library's last buffer is sometimes a little shorter than the command's (breathy voices):
    # the samples they share are the same, which is all the onsets need
    shared = min(len(mine), len(piece)) - 256
    exact = shared > 0 and bool(np.allclose(mine[:shared], piece[:shared], atol=1e-4))
    scale = 1.0 if exact or not len(mine) else len(piece) / len(mine)
    audible = np.abs(piece) > synth._TRIM_LEVEL
    # whitespace tokens with their character ranges (espeak's text_position is 1-based)
    tokens = [(m.group(0), m.start() + 1, m.end()) for m in re.finditer(r"\S+", text)]
    onsets: dict[int, int] = {}
    for pos, _length, sample in events:
        k = next((i for i, (_t, a, b) in enumerate(tokens) if a <= pos <= b), None)
        if k is not None and k not in onsets:
            onsets[k] = max(0, int(round((sample * SAMPLE_RATE / 22050 - lead) * scale)))
    # espeak gives short words that it joins to a neighbour ("at a", "I am") no event of their own:
    # they share the event's span, split by their number of letters
    groups: list[list[int]] = []
    for k in range(len(tokens)):
        if k in onsets or not groups:
            groups.append([k])
        else:
            groups[-1].append(k)
    out = []
    for j, group in enumerate(groups):
        head = group[0]
        start = min(onsets.get(head, 0), len(piece) - 1)
        stop = onsets[groups[j + 1][0]] if j + 1 < len(groups) else len(piece)
        sounding = np.flatnonzero(audible[start:stop])
        end = start + (int(sounding[-1]) + 1 if sounding.size else 1)
        letters = [max(1, len(re.sub(r"[^A-Za-z0-9]", "", tokens[k][0]))) for k in group]
        edges = start + (end - start) * np.concatenate([[0], np.cumsum(letters)]) / sum(letters)
        for i, k in enumerate(group):
            out.append((tokens[k][0], float(edges[i]) / SAMPLE_RATE, float(edges[i + 1]) / SAMPLE_RATE))
    return tuple(out), exact


@dataclass(frozen=True)
class TruthWord:
    text: str
    start: float
    end: float

    @property
    def mid(self) -> float:
        return (self.start + self.end) / 2


def truth_words(answer: SyntheticAnswer) -> tuple[list[TruthWord], int]:
    """Every spoken word of the answer (speech and lexical fillers, not um/uh), and how many pieces were inexact."""
    voice, rate, pitch = str(answer.info["voice"]), int(answer.info["rate_wpm"]), int(answer.info["pitch"])
    words: list[TruthWord] = []
    inexact = 0
    for p in answer.pieces:
        if not (p.kind == "speech" or p.lexical):
            continue
        timed, exact = word_times(p.text, voice, rate, pitch)
        inexact += not exact
        words += [TruthWord(t, round(p.start + a, 4), round(p.start + b, 4)) for t, a, b in timed]
    return words, inexact


# ---------------------------------------------------------------- clips
@dataclass(frozen=True)
class Clip:
    answer: int
    voice: str
    rate_wpm: int
    length_s: float
    ending: str  # see ENDINGS
    start: float
    end: float
    reference: tuple[str, ...]
    prompt: str
    truth: tuple[TruthWord, ...] = ()


def make_clips(answers: Sequence[tuple[SyntheticAnswer, list[TruthWord]]], lengths: Sequence[float], per: int,
               seed: int = 7) -> list[Clip]:
    """`per` clips of each length and ending, taken in turn from the answers, at random places."""
    rng = np.random.default_rng(seed)
    clips: list[Clip] = []
    turn = 0
    for length in lengths:
        for ending in ENDINGS if length < SHORT_S else ENDINGS[:2]:
            for _ in range(per):
                a = turn % len(answers)
                turn += 1
                answer, words = answers[a]
                clips.append(_one_clip(a, answer, words, length, ending, rng))
    return clips


def _one_clip(a: int, answer: SyntheticAnswer, words: list[TruthWord], length: float, ending: str,
              rng: np.random.Generator) -> Clip:
    duration = answer.duration_s
    sounding = [(p.start, p.end) for p in answer.sounding]
    hesitations = [p for p in answer.fillers if not p.lexical]
    for _ in range(1000):
        if ending == "um":
            k = int(rng.integers(0, len(hesitations)))
            h = hesitations[k]
            prev_end = max([e for _s, e in sounding if e <= h.start + 1e-4], default=0.0)
            start = max(h.start - LEAD_PAD_S, prev_end)
            end = start + length
        elif ending == "cut":
            k = int(rng.integers(PROMPT_WORDS, len(words)))
            prev_end = words[k - 1].end
            start = max(words[k].start - LEAD_PAD_S, prev_end)
            end = start + length
        else:
            k = int(rng.integers(PROMPT_WORDS, len(words)))
            end = words[k].end + TAIL_S
            nxt = min([w.start for w in words[k + 1 : k + 2]] + [s for s, _e in sounding if s > words[k].end + 1e-4]
                      + [duration])
            if nxt < end:  # the next sound (word or hesitation) starts within 0.3 s: not the end of a stretch
                continue
            start = end - length
        if start < 0 or end > duration:
            continue
        before = [w.text for w in words if w.end <= start + 1e-4][-PROMPT_WORDS:]
        if len(before) < PROMPT_WORDS:
            continue
        inside = tuple(w for w in words if start <= w.mid < end)
        info = answer.info
        return Clip(a, str(info["voice"]), int(info["rate_wpm"]), length, ending, round(start, 4), round(end, 4),
                    tuple(w.text for w in inside), " ".join(before), inside)
    raise RuntimeError(f"no room for a {length} s {ending} clip in answer {a}")


def build_answers(count: int, seconds: float) -> list[tuple[SyntheticAnswer, list[TruthWord]]]:
    out = []
    for i in range(count):
        voice, rate = VOICES[i % len(VOICES)]
        answer = long_answer(seconds, voice=voice, rate_wpm=rate, seed=3 * i + 1)
        words, inexact = truth_words(answer)
        if inexact:
            print(f"note: {inexact} pieces of answer {i} ({voice}) had inexact word onsets (scaled)", file=sys.stderr)
        out.append((answer, words))
    return out


# ---------------------------------------------------------------- the two transcribers
_ALL_T = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
_LEGACY = dict(tokens_per_s=None, short_temperatures=_ALL_T, short_prompt_words=10**6, max_words_per_s=None,
               drop_past_end=False, stop_within_s=None)
"""DecodeBounds that make WhisperTranscriber.transcribe behave as 'before' (checked on 32 calls: the
same words, but for one whose temperature fallback sampled differently)."""
ABLATIONS: dict[str, dict] = {
    # one idea at a time, on top of the call as it was
    "only-tokens": {**_LEGACY, "tokens_per_s": 10.0},
    "only-t0": {**_LEGACY, "short_temperatures": (0.0,)},
    "only-p10": {**_LEGACY, "short_prompt_words": 10},
    "only-p0": {**_LEGACY, "short_prompt_words": 0},
    "only-filter": {**_LEGACY, "max_words_per_s": 6.0, "drop_past_end": True},
    "only-stop": {**_LEGACY, "stop_within_s": 0.5},
    # the defaults less one idea, or with another value
    "after-tok8": dict(tokens_per_s=8.0, token_slack=8),
    "after-nofilter": dict(max_words_per_s=None),
    "after-p0": dict(short_prompt_words=0),
    "after-p20": dict(short_prompt_words=20),
    "after-pall": dict(short_prompt_words=10**6),
    "after-t04": dict(short_temperatures=(0.0, 0.4)),
    "after-tall": dict(short_temperatures=_ALL_T),
    "after-hst1": dict(hallucination_silence_threshold=1.0),
    "after-nostop": dict(stop_within_s=None),
    "after-nocond": dict(condition_on_previous_text=False),
    "after-hst05": dict(hallucination_silence_threshold=0.5),
}
"""Variants of the current bounds (voice_coach.engines.whisper.DecodeBounds) for --variants; 'after' is
the defaults, 'before' the call as it was."""


def variants(wt) -> dict[str, Callable[[np.ndarray, str | None], list[Word]]]:
    from dataclasses import replace

    from voice_coach.engines.whisper import DEFAULT_BOUNDS

    def bounded(bounds):
        def run(x: np.ndarray, p: str | None) -> list[Word]:
            wt.bounds = bounds
            try:
                return list(wt.transcribe(x, 0.0, p))
            finally:
                wt.bounds = DEFAULT_BOUNDS
        return run

    table = {
        "before": bounded(replace(DEFAULT_BOUNDS, **_LEGACY)),
        "after": lambda x, p: list(wt.transcribe(x, 0.0, p)),
    }
    table.update({name: bounded(replace(DEFAULT_BOUNDS, **kw)) for name, kw in ABLATIONS.items()})
    return table


class _Counting:
    """Stands in for the CTranslate2 model inside faster-whisper: counts encoder passes and decodes."""

    def __init__(self, inner) -> None:
        self._inner = inner
        self.encodes = 0
        self.decodes = 0

    def encode(self, *a, **kw):
        self.encodes += 1
        return self._inner.encode(*a, **kw)

    def generate(self, *a, **kw):
        self.decodes += 1
        return self._inner.generate(*a, **kw)

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


def onset_errors(ref_words: Sequence[TruthWord], clip_start: float, hyp_words: Sequence[Word]) -> list[float]:
    """|start error| in seconds of every word written as spoken (one word per whitespace token on both sides)."""
    ref = [(normalize(w.text), w.start - clip_start) for w in ref_words]
    hyp = [(normalize(w.text), w.start) for w in hyp_words]
    ref = [(t[0], s) for t, s in ref if len(t) == 1]
    hyp = [(t[0], s) for t, s in hyp if len(t) == 1]
    return [abs(hyp[j][1] - ref[i][1]) for i, j in aligned_pairs([r[0] for r in ref], [h[0] for h in hyp])]


@dataclass
class Row:
    model: str
    variant: str
    length_s: float
    ending: str
    prompted: bool
    voice: str
    rate_wpm: int
    start: float
    seconds: float
    ref_words: int
    hyp_words: int
    edits: int
    load_1min: float
    hyp: str
    ref: str
    encodes: int = 0
    decodes: int = 0
    onset_err_sum: float = 0.0
    onset_n: int = 0


def run_model(model: str, clips: Sequence[Clip], answers, wanted: Sequence[str], sink,
              prompts: Sequence[bool] = (True, False)) -> list[Row]:
    from voice_coach.live.replay import load_transcriber

    wt = load_transcriber(None if model in ("tiny.en", "default") else model)
    counter = _Counting(wt._model.model)
    wt._model.model = counter
    table = variants(wt)
    unknown = [v for v in wanted if v not in table]
    if unknown:
        raise SystemExit(f"unknown variant(s) {unknown}; known: {', '.join(table)}")
    # warm up (first call pays one-off allocation costs)
    table[wanted[0]](answers[0][0].samples[: 2 * SAMPLE_RATE], None)
    rows: list[Row] = []
    for n, clip in enumerate(clips, 1):
        samples = answers[clip.answer][0].samples[round(clip.start * SAMPLE_RATE) : round(clip.end * SAMPLE_RATE)]
        for prompted in prompts:
            for variant in wanted:
                counter.encodes = counter.decodes = 0
                t0 = time.perf_counter()
                words = table[variant](samples, clip.prompt if prompted else None)
                took = time.perf_counter() - t0
                ref, hyp = normalize(clip.reference), normalize([w.text for w in words])
                onsets = onset_errors(clip.truth, clip.start, words)
                row = Row(model, variant, clip.length_s, clip.ending, prompted, clip.voice, clip.rate_wpm, clip.start,
                          round(took, 3), len(ref), len(hyp), word_errors([(r, False) for r in ref], hyp)[0], round(os.getloadavg()[0], 2),
                          " ".join(w.text for w in words), " ".join(clip.reference), counter.encodes, counter.decodes,
                          round(sum(onsets), 4), len(onsets))
                rows.append(row)
                sink(row)
                if took > 10:
                    print(f"  slow: {model} {variant} {clip.length_s:g}s {clip.ending} prompt={prompted}: {took:.1f}s "
                          f"-> {row.hyp[:120]!r}", file=sys.stderr)
        if n % 10 == 0 or n == len(clips):
            print(f"  {model}: {n}/{len(clips)} clips", file=sys.stderr)
    print(file=sys.stderr)
    return rows


# ---------------------------------------------------------------- tables
def _wer(rows: Sequence[Row]) -> str:
    ref = sum(r.ref_words for r in rows)
    edits = sum(r.edits for r in rows)
    return f"{100 * edits / ref:.0f} %" if ref else f"({edits} ins)"


def _times(rows: Sequence[Row]) -> str:
    s = [r.seconds for r in rows]
    return f"{statistics.median(s):.2f} / {max(s):.2f}" if s else "-"


def _worst_rate(rows: Sequence[Row]) -> str:
    return f"{max(r.hyp_words / r.length_s for r in rows):.1f}" if rows else "-"


def tables(rows: Sequence[Row]) -> list[str]:
    lines: list[str] = []
    models = list(dict.fromkeys(r.model for r in rows))
    variants_seen = list(dict.fromkeys(r.variant for r in rows))
    for model in models:
        mine = [r for r in rows if r.model == model]
        loads = [r.load_1min for r in mine]
        lines += ["", f"### {model}: time per transcribe() call and word error rate",
                  "", f"load average (1 min) during the runs: {min(loads):.2f}-{max(loads):.2f}; "
                  f"time = median / max seconds per call; WER over the words spoken inside the clips; "
                  f"words/s = most words written per second of clip", ""]
        head = ["clip", "prompt", "n"]
        for v in variants_seen:
            head += [f"time {v}", f"WER {v}", f"words/s {v}"]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

        def cell_rows(sel) -> list[str]:
            cells = []
            for v in variants_seen:
                vr = [r for r in sel if r.variant == v]
                cells += [_times(vr), _wer(vr), _worst_rate(vr)]
            return cells

        for length in sorted({r.length_s for r in mine}):
            for prompted in (True, False):
                sel = [r for r in mine if r.length_s == length and r.prompted == prompted]
                if not sel:
                    continue
                n = len([r for r in sel if r.variant == variants_seen[0]])
                lines.append("| " + " | ".join([f"{length:g} s", "yes" if prompted else "no", str(n)] + cell_rows(sel)) + " |")
        for label, test in ((f"all < {SHORT_S:g} s", lambda r: r.length_s < SHORT_S),
                            ("all 4-20 s", lambda r: 4.0 <= r.length_s <= 20.0)):
            for prompted in (True, False):
                sel = [r for r in mine if test(r) and r.prompted == prompted]
                if sel:
                    n = len([r for r in sel if r.variant == variants_seen[0]])
                    lines.append("| " + " | ".join([f"**{label}**", "yes" if prompted else "no", str(n)] + cell_rows(sel)) + " |")
        by_end = []
        for ending in ENDINGS:
            for v in variants_seen:
                sel = [r for r in mine if r.ending == ending and r.variant == v and r.length_s < SHORT_S]
                if sel:
                    by_end.append(f"{ending} {v}: {_times(sel)} s, WER {_wer(sel)}")
        if by_end:
            lines += ["", f"short clips (< {SHORT_S:g} s) by ending: " + "; ".join(by_end)]
    return lines


def summary(rows: Sequence[Row]) -> list[str]:
    """Per model, clip class and variant: time, WER, encoder passes and decodes per call, onset error."""
    groups = ((f"< {SHORT_S:g} s", lambda r: r.length_s < SHORT_S), ("4-20 s", lambda r: 4.0 <= r.length_s <= 20.0))
    head = ["model", "clips", "prompt", "variant", "n", "time median", "p90", "max", "WER", "max words/s",
            "windows/call", "decodes/call (max)", "onset error"]
    lines = ["", "### summary by variant", "",
             "windows = encoder passes (30 s windows) per call; decodes = beam searches or samplings (one per "
             "window and fallback temperature); onset error = mean |start - true start| of the words written "
             "as spoken", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for model in dict.fromkeys(r.model for r in rows):
        for label, test in groups:
            for prompted in (True, False):
                for variant in dict.fromkeys(r.variant for r in rows):
                    sel = [r for r in rows if r.model == model and r.variant == variant and r.prompted == prompted and test(r)]
                    if not sel:
                        continue
                    t = sorted(r.seconds for r in sel)
                    p90 = t[min(len(t) - 1, int(0.9 * len(t)))]
                    n_on = sum(r.onset_n for r in sel)
                    onset = f"{1000 * sum(r.onset_err_sum for r in sel) / n_on:.0f} ms" if n_on else "-"
                    lines.append("| " + " | ".join([
                        model, label, "yes" if prompted else "no", variant, str(len(sel)),
                        f"{statistics.median(t):.2f}", f"{p90:.2f}", f"{t[-1]:.2f}", _wer(sel), _worst_rate(sel),
                        f"{statistics.mean(r.encodes for r in sel):.2f}",
                        f"{statistics.mean(r.decodes for r in sel):.1f} ({max(r.decodes for r in sel)})", onset]) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="tiny.en only, 1 clip per length and ending, no 20 s clips")
    ap.add_argument("--models", default=None, help="comma list: tiny.en, base (default: both; --quick: tiny.en)")
    ap.add_argument("--variants", default="before,after")
    ap.add_argument("--per", type=int, default=None, help="clips per length and ending (default 3; --quick 1)")
    ap.add_argument("--lengths", default=None, help="comma list of clip lengths in seconds")
    ap.add_argument("--answers", type=int, default=None, help="synthesized answers to cut from (default 5; --quick 2)")
    ap.add_argument("--prompts", default="yes,no", help="yes: with the 40-word prompt, no: without (default both)")
    ap.add_argument("--jsonl", type=Path, default=None, help="also write every call as a JSON line here")
    ap.add_argument("--table-from", type=Path, default=None, help="print the tables of an earlier --jsonl file")
    args = ap.parse_args(argv)

    print(machine_line())
    if args.table_from:
        rows = [Row(**json.loads(line)) for line in args.table_from.read_text().splitlines() if line.strip()]
        print("\n".join(tables(rows) + summary(rows)))
        return 0
    models = (args.models or ("tiny.en" if args.quick else "tiny.en,base")).split(",")
    wanted = args.variants.split(",")
    per = args.per or (1 if args.quick else 3)
    lengths = tuple(float(x) for x in args.lengths.split(",")) if args.lengths else (QUICK_LENGTHS if args.quick else LENGTHS)
    n_answers = args.answers or (2 if args.quick else len(VOICES))

    t0 = time.perf_counter()
    answers = build_answers(n_answers, 75.0)
    clips = make_clips(answers, lengths, per)
    print(f"{len(answers)} answers ({', '.join(f'{v} {r} wpm' for v, r in VOICES[:n_answers])}), {len(clips)} clips, "
          f"each with and without a {PROMPT_WORDS}-word prompt; synthesized in {time.perf_counter() - t0:.0f} s",
          file=sys.stderr)

    jsonl = args.jsonl or RAW_DIR / f"runs_{time.strftime('%Y%m%d_%H%M%S')}.jsonl"
    jsonl.parent.mkdir(parents=True, exist_ok=True)
    with jsonl.open("a") as fh:
        def sink(row: Row) -> None:
            fh.write(json.dumps(asdict(row)) + "\n")
            fh.flush()

        rows: list[Row] = []
        for model in models:
            rows += run_model(model, clips, answers, wanted, sink, [p == "yes" for p in args.prompts.split(",")])
    print(f"raw rows: {jsonl}", file=sys.stderr)
    print("\n".join(tables(rows) + summary(rows)))
    print("\n" + load_average() + " (at the end)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
