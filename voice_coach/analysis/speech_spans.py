"""Sample-accurate speech spans: Silero says where speech is, the signal energy says exactly where it starts and stops.

Silero works in 32 ms frames and its hysteresis holds speech on for a while after it ends, so its
boundaries are tens of milliseconds off. Each boundary is moved to where the short-time energy
crosses out of the local noise floor, measured in the silence next to it (double threshold: a
frame clearly above the noise anchors speech, neighbouring frames just above the noise extend it).
That adapts to digital silence, room tone and noise alike, with no fixed level.
"""

from __future__ import annotations

import numpy as np

from voice_coach.core.timed import SAMPLE_RATE, Span

WINDOW = 160  # 10 ms
HOP = 80  # 5 ms
SEARCH_BACK_S = 0.30
SEARCH_FORWARD_S = 0.20
_FLOOR_DB = -100.0


def full_scale(samples: np.ndarray) -> float:
    """What 0 dBFS is in these samples: 32768 for 16-bit PCM (how an answer is kept), 1.0 for float."""
    return 32768.0 if samples.dtype == np.int16 else 1.0


def frame_energy_db(samples: np.ndarray) -> np.ndarray:
    """Energy in dBFS of 10 ms windows every 5 ms; frame i covers samples [i*HOP, i*HOP + WINDOW).

    Takes float samples or 16-bit PCM; read in pieces, so a 30-minute answer needs no full-size temporary.
    """
    if len(samples) < WINDOW:
        samples = np.pad(samples, (0, WINDOW - len(samples)))
    hops = len(samples) // HOP
    hop_power = np.empty(hops, dtype=np.float64)
    step = HOP * 8192
    scale = 1.0 / full_scale(samples) ** 2
    for a in range(0, hops * HOP, step):
        piece = samples[a : min(a + step, hops * HOP)].astype(np.float64).reshape(-1, HOP)
        hop_power[a // HOP : a // HOP + len(piece)] = (piece**2).mean(axis=1) * scale
    power = (hop_power[:-1] + hop_power[1:]) / 2  # WINDOW == 2 * HOP
    return 10.0 * np.log10(power + 10 ** (_FLOOR_DB / 10))


def percentile(values: np.ndarray, q: float) -> float:
    """numpy's default (linear) percentile of a 1-D array, by partial sort: called once per span edge,
    where np.percentile's generality costs more than the sorting, on the path the candidate waits for."""
    n = len(values)
    pos = (n - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, n - 1)
    part = np.partition(values, (lo, hi)) if n > 1 else values
    return float(part[lo] + (part[hi] - part[lo]) * (pos - lo))


def _thresholds(noise: np.ndarray, speech: np.ndarray) -> tuple[float, float]:
    """Low and high thresholds between a noise sample and a speech sample of frame energies."""
    noise_hi = percentile(noise, 90) if len(noise) else _FLOOR_DB
    speech_lvl = percentile(speech, 90) if len(speech) else noise_hi + 30
    low = noise_hi + 1.0  # only extends speech already anchored above `high`, so it can sit close to the noise
    high = max(low + 3.0, min(noise_hi + 10.0, speech_lvl - 10.0))
    return low, high


def _speech_mask(energy: np.ndarray, low: float, high: float) -> np.ndarray:
    """Frames above `high`, grown through neighbours above `low`."""
    above_low = energy >= low
    seeds = energy >= high
    mask = np.zeros(len(energy), dtype=bool)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], above_low.astype(np.int8), [0]])))
    for a, b in zip(edges[::2], edges[1::2]):
        if seeds[a:b].any():
            mask[a:b] = True
    return mask


def _frame_of(sample: int) -> int:
    return max(0, int(round((sample - WINDOW / 2) / HOP)))


def _time_of_frame_edge(frame: int) -> float:
    """The moment between frame-1 and frame (centre of the hop step)."""
    return (frame * HOP + WINDOW / 2) / SAMPLE_RATE


def refine_spans(samples: np.ndarray, coarse: list[tuple[int, int]]) -> list[Span]:
    """Move each coarse [start, end) sample span's edges to the energy boundary; returns seconds."""
    if not coarse:
        return []
    energy = frame_energy_db(samples)
    n = len(energy)
    back = int(SEARCH_BACK_S * SAMPLE_RATE / HOP)
    fwd = int(SEARCH_FORWARD_S * SAMPLE_RATE / HOP)
    refined: list[list[float]] = []
    for i, (start, end) in enumerate(coarse):
        prev_end = coarse[i - 1][1] if i else 0
        next_start = coarse[i + 1][0] if i + 1 < len(coarse) else len(samples)
        sf, ef = _frame_of(start), min(n - 1, _frame_of(end))
        speech_e = energy[sf : max(sf + 1, ef)]
        before = energy[_frame_of(prev_end) + 8 : max(_frame_of(prev_end) + 8, sf - 8)]
        after = energy[ef + 8 : max(ef + 8, _frame_of(next_start) - 8)]
        if len(before) < 6:
            before = after if len(after) >= 6 else before
        if len(after) < 6:
            after = before if len(before) >= 6 else after

        lo_s, hi_s = _thresholds(before, speech_e)
        lo_e, hi_e = _thresholds(after, speech_e)
        left = max(0, sf - back, _frame_of(prev_end))
        right = min(n, ef + fwd, _frame_of(next_start) + 1)
        mask_s = _speech_mask(energy[left:right], lo_s, hi_s)
        mask_e = _speech_mask(energy[left:right], lo_e, hi_e)
        on = np.flatnonzero(mask_s)
        off = np.flatnonzero(mask_e)
        new_start = _time_of_frame_edge(left + on[0]) if len(on) else start / SAMPLE_RATE
        new_end = _time_of_frame_edge(left + off[-1] + 1) if len(off) else end / SAMPLE_RATE
        new_start = max(0.0, min(new_start, len(samples) / SAMPLE_RATE))
        new_end = min(len(samples) / SAMPLE_RATE, max(new_end, new_start))
        if refined and new_start <= refined[-1][1]:
            refined[-1][1] = max(refined[-1][1], new_end)
        else:
            refined.append([new_start, new_end])
    return [Span(round(s, 4), round(e, 4)) for s, e in refined]


def split_islands(samples: np.ndarray, spans: list[Span], min_gap_s: float = 0.09) -> list[Span]:
    """Cut speech spans at short silences (>= `min_gap_s`) into islands: words, or a hesitation between them.

    Voice activity bridges short gaps; a hesitation spoken between two words usually has such a gap
    on each side. The noise floor comes from the silence outside the spans.
    """
    if not spans:
        return []
    energy = frame_energy_db(samples)
    outside = np.ones(len(energy), dtype=bool)
    for s in spans:
        outside[_frame_of(int(s.start * SAMPLE_RATE)) : _frame_of(int(s.end * SAMPLE_RATE)) + 1] = False
    noise = energy[outside] if outside.sum() >= 10 else np.array([np.percentile(energy, 5)])
    inside = energy[~outside]
    low, high = _thresholds(noise, inside)
    low = max(low, high - 20.0)  # inside speech, a dip 20 dB under the anchor level is a gap
    min_gap = max(1, int(round(min_gap_s * SAMPLE_RATE / HOP)))
    islands: list[Span] = []
    for s in spans:
        a = _frame_of(int(s.start * SAMPLE_RATE))
        b = min(len(energy), _frame_of(int(s.end * SAMPLE_RATE)) + 1)
        mask = _speech_mask(energy[a:b], low, high) if b > a else np.zeros(0, dtype=bool)
        cuts = [s.start]
        idx = np.flatnonzero(np.diff(np.concatenate([[1], mask.astype(np.int8), [1]])))
        for g0, g1 in zip(idx[::2], idx[1::2]):  # runs of non-speech frames
            if g0 > 0 and g1 < len(mask) and g1 - g0 >= min_gap:
                cuts.extend([_time_of_frame_edge(a + g0), _time_of_frame_edge(a + g1)])
        cuts.append(s.end)
        for start, end in zip(cuts[::2], cuts[1::2]):
            if end > start:
                islands.append(Span(round(start, 4), round(end, 4)))
    return islands


BACKGROUND_DB = 16.0
"""Speech this far below the candidate's own level is someone else in the room, not the answer."""


def foreground(samples: np.ndarray, spans: list[Span]) -> list[Span]:
    """Drop spans of distant talk (a TV, colleagues): voice activity fires on them, the answer does not contain them.

    The candidate is the loudest voice; the reference is the median peak level of the longer spans.
    """
    if len(spans) < 2:
        return spans
    energy = frame_energy_db(samples)
    levels = _levels(energy, spans)
    reference = _reference_level(spans, levels)
    return [s for s, lv in zip(spans, levels) if lv >= reference - BACKGROUND_DB]


def _levels(energy: np.ndarray, spans: list[Span]) -> list[float]:
    out = []
    for s in spans:
        a = _frame_of(int(s.start * SAMPLE_RATE))
        b = max(a + 1, _frame_of(int(s.end * SAMPLE_RATE)))
        out.append(percentile(energy[a:b], 90))
    return out


def _reference_level(spans: list[Span], levels: list[float]) -> float:
    long_levels = [lv for s, lv in zip(spans, levels) if s.duration >= 0.3] or levels
    return float(np.median(long_levels))


def trim_background(samples: np.ndarray, spans: list[Span], min_background_s: float = 0.35) -> list[Span]:
    """Cut distant talk off the ends of a span: voice activity joins it to the answer when they touch.

    Frames well under the speaker's level at a span's start or end are background; the boundary is
    found again with that background as the noise floor, the same way as against silence.
    """
    if not spans:
        return spans
    energy = frame_energy_db(samples)
    floor = _reference_level(spans, _levels(energy, spans)) - BACKGROUND_DB
    min_frames = int(min_background_s * SAMPLE_RATE / HOP)
    out = []
    for s in spans:
        a = _frame_of(int(s.start * SAMPLE_RATE))
        b = min(len(energy), _frame_of(int(s.end * SAMPLE_RATE)) + 1)
        loud = np.flatnonzero(energy[a:b] >= floor)
        if not len(loud):
            continue
        start, end = s.start, s.end
        if loud[0] >= min_frames:
            bg = energy[a : a + loud[0]]
            low, high = _thresholds(bg, energy[a + loud[0] : b])
            mask = _speech_mask(energy[a:b], low, max(high, floor))
            on = np.flatnonzero(mask)
            if len(on):
                start = _time_of_frame_edge(a + on[0])
        tail = (b - a) - 1 - loud[-1]
        if tail >= min_frames:
            bg = energy[a + loud[-1] + 1 : b]
            low, high = _thresholds(bg, energy[a : a + loud[-1] + 1])
            mask = _speech_mask(energy[a:b], low, max(high, floor))
            off = np.flatnonzero(mask)
            if len(off):
                end = _time_of_frame_edge(a + off[-1] + 1)
        if end > start:
            out.append(Span(round(start, 4), round(end, 4)))
    from voice_coach.analysis.soft_voice import extend_soft_edges  # built on the levels measured here

    return extend_soft_edges(samples, out, energy)
