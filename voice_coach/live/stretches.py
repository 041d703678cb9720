"""Where the live path cuts the answer into stretches for Whisper, and what one stretch's words and
hesitations are: pure reads of the voice activity and the recording so far.

A stretch closes in a silence once enough speech is waiting (Whisper keeps context on longer
clips), at any long silence (a short reply is read at once), or at its deepest gap when talk runs
on. LiveAnalyzer holds the state (the first sample not yet sent); these functions only read the
tracker's frame probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voice_coach.analysis.answer import speech_spans
from voice_coach.analysis.hesitations import Probe, find_hesitations
from voice_coach.analysis.speech_spans import split_islands
from voice_coach.core.timed import SAMPLE_RATE, Span, Word
from voice_coach.engines.silero_vad import FRAME_SAMPLES, SPEECH_OFF, SPEECH_ON, SpeechTracker

CUT_SILENCE_S = 0.5
"""A silence this long closes a stretch (if enough speech is waiting)."""
MIN_STRETCH_S = 10.0
"""Live: shorter stretches wait for more speech unless the silence is long, so Whisper keeps context
(4 s cost tiny.en 1-3 WER points against the whole answer; the early text keeps the end of the answer
as quick with long stretches as with short ones)."""
LONG_SILENCE_S = 1.5
"""A silence this long closes a stretch however short: a short reply ("could you repeat that?") is read at once."""
MAX_STRETCH_S = 20.0
"""Live: continuous talk is cut at its deepest gap by this length, to keep the last stretch short."""
FILE_STRETCH_S = (15.0, 28.0, 3.75)
"""A file has no one waiting: longer stretches use Whisper's 30 s window better (fewer encoder passes)."""
LEAD_PAD_S = 0.25


@dataclass(frozen=True)
class StretchRule:
    """(shortest, longest, silence that closes any stretch) in seconds."""

    min_s: float = MIN_STRETCH_S
    max_s: float = MAX_STRETCH_S
    long_silence_s: float = LONG_SILENCE_S


def speech_end(tracker: SpeechTracker) -> int | None:
    """The sample after the last speech frame heard, or None before any speech."""
    return None if tracker.last_speech_frame is None else (tracker.last_speech_frame + 1) * FRAME_SAMPLES


def stretch_start(tracker: SpeechTracker, next_sample: int) -> int:
    """Where the waiting stretch begins: just before its first speech, skipping the silence before it."""
    frame0 = next_sample // FRAME_SAMPLES
    above = np.flatnonzero(np.asarray(tracker.probs[frame0:]) >= SPEECH_ON)
    first = frame0 + int(above[0]) if len(above) else frame0
    return max(next_sample, first * FRAME_SAMPLES - int(LEAD_PAD_S * SAMPLE_RATE))


def cut_point(tracker: SpeechTracker, next_sample: int, rule: StretchRule) -> int | None:
    """The sample where the waiting stretch should close now, or None to wait for more."""
    end = speech_end(tracker)
    if end is None or end <= next_sample:
        return None
    start = stretch_start(tracker, next_sample)
    waiting = (end - start) / SAMPLE_RATE
    silence = tracker.silence_s()
    if not tracker.speaking and ((silence >= CUT_SILENCE_S and waiting >= rule.min_s) or silence >= rule.long_silence_s):
        return end + int(min(silence / 2, 0.3) * SAMPLE_RATE)
    if waiting >= rule.max_s:
        return deepest_gap(tracker, start)
    return None


def deepest_gap(tracker: SpeechTracker, start: int) -> int:
    """The middle of the longest low-probability run in the second half of the stretch from `start`."""
    probs = np.asarray(tracker.probs)
    lo = start // FRAME_SAMPLES + len(probs[start // FRAME_SAMPLES:]) // 2
    quiet = probs[lo:] < SPEECH_OFF
    best, best_len, run_start = len(probs) - 1, 0, None
    for i, q in enumerate(np.append(quiet, False)):
        if q and run_start is None:
            run_start = i
        elif not q and run_start is not None:
            if i - run_start > best_len:
                best, best_len = lo + (run_start + i) // 2, i - run_start
            run_start = None
    if best_len == 0:
        best = lo + int(np.argmin(probs[lo:]))
    return (best + 1) * FRAME_SAMPLES


def heard(word: Word, islands: list, shift: float, margin_s: float = 0.3) -> bool:
    """False for words Whisper wrote where nobody spoke: its hallucinations sit in silence, often with zero length."""
    start, end = word.start - shift, word.end - shift
    if islands and end - start < 0.005 and start > islands[-1].end:
        return False
    return any(start < isl.end + margin_s and end > isl.start - margin_s for isl in islands)


def heard_only(words: list[Word], recording, probs, start: int, end: int) -> list[Word]:
    """Whisper's words for [start, end) without those heard where nobody spoke."""
    pad = start % FRAME_SAMPLES
    frames = probs[start // FRAME_SAMPLES : end // FRAME_SAMPLES + 1]
    islands = speech_spans(recording.float32(start - pad, end), frames) if frames else []
    return [w for w in words if heard(w, islands, (start - pad) / SAMPLE_RATE)]


def stretch_hesitations(words: list[Word], recording, probs, start: int, end: int, probe: Probe | None) -> int:
    """Hesitations in one stretch, for the live filler count (the final analysis redoes them whole)."""
    pad = start % FRAME_SAMPLES
    frames = probs[start // FRAME_SAMPLES : end // FRAME_SAMPLES + 1]
    chunk = recording.float32(start - pad, end)
    islands = speech_spans(chunk, frames) if frames else []
    shift = (start - pad) / SAMPLE_RATE
    local = [Word(w.text, w.start - shift, w.end - shift, w.probability) for w in words]
    local_probe = (lambda sp: probe(Span(sp.start + shift, sp.end + shift))) if probe else None
    found, _ = find_hesitations(local, split_islands(chunk, islands), chunk, local_probe)
    return len(found)
