"""Non-lexical hesitations (um, uh, er, hmm) found in the samples, not only in Whisper's text.

Whisper leaves most hesitations out, or stamps them at the wrong time. But a hesitation is still a
stretch of voiced sound that voice activity sees: an island of speech that no transcribed word
accounts for. Each Whisper word is assigned to the speech island it overlaps most; an island left
with no word, or with only non-lexical words, is a hesitation if it sounds like one (voiced, steady,
short). Whisper's own "um"s are moved onto the nearest unexplained island so nothing counts twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from voice_coach.analysis.lexical_fillers import FillerItem, is_non_lexical
from voice_coach.timed import SAMPLE_RATE, Span, Word

MIN_HESITATION_S = 0.12
MAX_HESITATION_S = 2.0
SNAP_DISTANCE_S = 1.2


@dataclass(frozen=True)
class IslandSound:
    """What an island of speech sounds like, for telling a hesitation from a dropped word or a breath."""

    voiced: float  # share of 20 ms frames with a clear pitch
    nasal_end: bool  # ends in a murmur with little energy above 1 kHz ("um", "hmm")
    nasal_all: bool


def island_sound(samples: np.ndarray, span: Span) -> IslandSound:
    a, b = int(span.start * SAMPLE_RATE), int(span.end * SAMPLE_RATE)
    x = samples[a:b].astype(np.float64)
    frame = 320
    if len(x) < frame * 2:
        return IslandSound(0.0, False, False)
    frames = x[: len(x) // frame * frame].reshape(-1, frame)
    frames = frames - frames.mean(axis=1, keepdims=True)
    energy = (frames**2).mean(axis=1)
    loud = energy >= energy.max() * 10 ** (-25 / 10)
    voiced = 0
    for f in frames[loud]:
        ac = np.correlate(f, f, mode="full")[frame - 1 :]
        if ac[0] <= 0:
            continue
        lo, hi = SAMPLE_RATE // 400, SAMPLE_RATE // 60  # pitch 60-400 Hz
        if ac[lo : min(hi, frame - 1)].max() / ac[0] >= 0.45:
            voiced += 1
    voiced_share = voiced / max(1, int(loud.sum()))
    spec = np.abs(np.fft.rfft(frames * np.hanning(frame), axis=1)) ** 2
    freqs = np.fft.rfftfreq(frame, 1 / SAMPLE_RATE)
    high = spec[:, freqs >= 1000].sum(axis=1) / (spec.sum(axis=1) + 1e-12)
    third = max(1, len(high) // 3)
    return IslandSound(voiced_share, bool(high[-third:].mean() < 0.08), bool(high.mean() < 0.08))


def assign_words(words: Sequence[Word], islands: Sequence[Span]) -> list[int]:
    """For each word, the index of the island it overlaps most (or the nearest one); -1 if no islands."""
    if not islands:
        return [-1] * len(words)
    starts = np.array([s.start for s in islands])
    ends = np.array([s.end for s in islands])
    out = []
    for w in words:
        overlap = np.minimum(ends, w.end) - np.maximum(starts, w.start)
        if overlap.max() > 0:
            out.append(int(overlap.argmax()))
        else:
            mid = (w.start + w.end) / 2
            out.append(int(np.minimum(np.abs(starts - mid), np.abs(ends - mid)).argmin()))
    return out


def _label(sound: IslandSound) -> str:
    return "hmm" if sound.nasal_all else "um" if sound.nasal_end else "uh"


def find_hesitations(words: Sequence[Word], islands: Sequence[Span], samples: np.ndarray) -> tuple[list[FillerItem], set[int]]:
    """Hesitations with their times, and the indexes of Whisper words they account for (to mark as fillers)."""
    owner = assign_words(words, islands)
    lexical_in = [0] * len(islands)
    filler_words: dict[int, list[int]] = {}
    for wi, (w, isl) in enumerate(zip(words, owner)):
        if isl < 0:
            continue
        if is_non_lexical(w.text):
            filler_words.setdefault(isl, []).append(wi)
        else:
            lexical_in[isl] += 1

    candidates: dict[int, IslandSound] = {}
    for k, span in enumerate(islands):
        if lexical_in[k] or not (MIN_HESITATION_S <= span.duration <= MAX_HESITATION_S):
            continue
        sound = island_sound(samples, span)
        if sound.voiced >= 0.5:
            candidates[k] = sound

    items: list[FillerItem] = []
    used_words: set[int] = set()
    taken: set[int] = set()
    # Whisper's own non-lexical words: first those sitting on a candidate island, then snapped to the nearest free one.
    for k, wis in filler_words.items():
        if k in candidates:
            taken.add(k)
            used_words.update(wis)
            items.append(FillerItem(words[wis[0]].text.strip(",.?!").lower(), islands[k].start, islands[k].end, "hesitation"))
    for wi, w in enumerate(words):
        if not is_non_lexical(w.text) or wi in used_words:
            continue
        free = [k for k in candidates if k not in taken and abs((islands[k].start + islands[k].end) / 2 - (w.start + w.end) / 2) <= SNAP_DISTANCE_S]
        used_words.add(wi)
        if free:
            k = min(free, key=lambda k: abs((islands[k].start + islands[k].end) / 2 - (w.start + w.end) / 2))
            taken.add(k)
            items.append(FillerItem(w.text.strip(",.?!").lower(), islands[k].start, islands[k].end, "hesitation"))
        else:
            items.append(FillerItem(w.text.strip(",.?!").lower(), w.start, w.end, "hesitation"))
    for k, sound in candidates.items():
        if k not in taken:
            items.append(FillerItem(_label(sound), islands[k].start, islands[k].end, "hesitation"))
    items.sort(key=lambda f: f.start)
    return items, used_words
