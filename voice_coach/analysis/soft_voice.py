"""Soft voice Silero does not call speech: quiet edges of a span, and voice standing alone in a silence.

Quiet, breathy voices and soft hesitations sit well above the noise floor but under Silero's threshold,
so the answer seemed to start late and pauses were reported over spoken sound. Everything here is
measured against the answer's own levels (its noise floor beside each span, the speaker's own speech
level), never an absolute one. Split out of speech_spans.py, which calls `extend_soft_edges` last.
"""

from __future__ import annotations

import numpy as np

from voice_coach.analysis.speech_spans import (BACKGROUND_DB, HOP, _frame_of, _levels, _reference_level,
                                               _time_of_frame_edge, frame_energy_db, full_scale, percentile)
from voice_coach.core.timed import SAMPLE_RATE, Span

SOFT_REACH_S = 0.35
"""How far from a span's edge a soft stretch of voice may start and still belong to it."""
SOFT_MAX_S = 2.5
SOFT_MIN_S = 0.1
SOFT_FLOOR_WINDOW = 40  # frames (0.2 s): the quietest such window beside the span is its noise floor
SOFT_OVER_FLOOR_DB = 6.0
SOFT_PEAK_OVER_FLOOR_DB = 12.0


def _floor_of(region: np.ndarray) -> float | None:
    """The noise floor of a stretch between spans: the median of its quietest 0.2 s."""
    if len(region) < SOFT_FLOOR_WINDOW:
        return None
    windows = np.lib.stride_tricks.sliding_window_view(region, SOFT_FLOOR_WINDOW)[::4]
    return float(np.median(windows, axis=1).min())


def _runs(mask: np.ndarray, bridge: int = 2) -> list[tuple[int, int]]:
    idx = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    runs: list[list[int]] = []
    for a, b in zip(idx[::2], idx[1::2]):
        if runs and a - runs[-1][1] <= bridge:
            runs[-1][1] = int(b)
        else:
            runs.append([int(a), int(b)])
    return [(a, b) for a, b in runs]


def _grow(energy: np.ndarray, lo: int, hi: int, floor: float, direction: int, reach: int, max_frames: int,
          min_frames: int, accept) -> int:
    """The new edge of a span whose edge is `hi` (direction -1: its start, region [lo, hi)) or `lo` (+1: its end,
    region [lo, hi)). Runs above the floor are taken one by one outwards; short fragments (a soft
    onset's first bits) carry the reach on without being taken alone."""
    runs = _runs(energy[lo:hi] >= floor + SOFT_OVER_FLOOR_DB, bridge=4)
    runs = [(a + lo, b + lo) for a, b in runs]
    if direction < 0:
        edge = anchor = hi
        for ra, rb in reversed(runs):
            if anchor - rb > reach or hi - ra > max_frames or ra <= lo:
                break
            if rb - ra < min_frames:
                if percentile(energy[ra:rb], 90) < floor + SOFT_PEAK_OVER_FLOOR_DB:
                    break
                anchor = ra
                continue
            if not accept(ra, rb, floor, rb >= edge - 1):
                break
            edge = anchor = ra
        return edge
    edge = anchor = lo
    for ra, rb in runs:
        if ra - anchor > reach or rb - lo > max_frames or rb >= hi:
            break
        if rb - ra < min_frames:
            if percentile(energy[ra:rb], 90) < floor + SOFT_PEAK_OVER_FLOOR_DB:
                break
            anchor = rb
            continue
        if not accept(ra, rb, floor, ra <= edge + 1):
            break
        edge = anchor = rb
    return edge


def extend_soft_edges(samples: np.ndarray, spans: list[Span], energy: np.ndarray | None = None) -> list[Span]:
    """Grow each span over soft voice next to it that Silero did not call speech.

    Quiet, breathy voices and soft hesitations ("um" at the start, "hmm" before a pause) sit well
    above the noise floor but under Silero's threshold, so the answer seemed to start late and
    pauses were reported over spoken sound. Beside each span, the noise floor is measured in the
    stretch between it and its neighbour (its quietest 0.2 s); a run of frames above that floor is
    taken into the span when it starts within SOFT_REACH_S of the edge, is at the speaker's own
    level (not more than BACKGROUND_DB under it, so distant talk stays out), and, unless it
    touches the span, sounds voiced (a breath, a click or hiss does not). Repeated outwards, so a
    stretch of speech that only dipped in level is joined again: a pause needs the samples to
    agree with Silero that nobody is speaking.
    """
    if not spans:
        return spans
    if energy is None:
        energy = frame_energy_db(samples)
    from voice_coach.analysis.hesitations import island_sound  # acoustic test of a voiced island

    reference = _reference_level(spans, _levels(energy, spans))
    n = len(energy)
    reach = int(SOFT_REACH_S * SAMPLE_RATE / HOP)
    max_frames = int(SOFT_MAX_S * SAMPLE_RATE / HOP)
    min_frames = int(SOFT_MIN_S * SAMPLE_RATE / HOP)
    edges = [[_frame_of(int(s.start * SAMPLE_RATE)), min(n, _frame_of(int(s.end * SAMPLE_RATE)) + 1)] for s in spans]

    def accept(a: int, b: int, floor: float, touching: bool) -> bool:
        if b - a < min_frames:
            return False
        level = percentile(energy[a:b], 90)
        if level < max(floor + SOFT_PEAK_OVER_FLOOR_DB, reference - BACKGROUND_DB):
            return False
        return touching or island_sound(samples, Span(_time_of_frame_edge(a), _time_of_frame_edge(b))).hesitation_like

    for i, (a, b) in enumerate(edges):
        lo = edges[i - 1][1] if i else 0
        hi = edges[i + 1][0] if i + 1 < len(edges) else n
        # backwards from the start, then forwards from the end
        floor = _floor_of(energy[lo:a])
        if floor is not None:
            edges[i][0] = _grow(energy, lo, a, floor, -1, reach, max_frames, min_frames, accept)
        floor = _floor_of(energy[b:hi])
        if floor is not None:
            edges[i][1] = _grow(energy, b, hi, floor, +1, reach, max_frames, min_frames, accept)
    merged: list[list[float]] = []
    for (a, b), s in zip(edges, spans):
        start = min(s.start, _time_of_frame_edge(a))
        end = max(s.end, _time_of_frame_edge(b) if b < n else s.end)
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    grown = [Span(round(a, 4), round(b, 4)) for a, b in merged]
    return _merge_spans(grown + voice_in_gaps(samples, grown, energy, accept, reference))


GAP_VOICE_MIN_S = 0.15
"""The shortest stretch of voice standing alone in a gap that counts as speech (a short "hmm")."""


LOUD_AS_SPEECH_DB = 6.0
"""A stretch this close to the speaker's own speech level is speech even when breathy (no clear pitch): a breath,
a click or room noise is far quieter than the voice, and a pop is far shorter than GAP_VOICE_MIN_S."""


def voice_in_gaps(samples: np.ndarray, spans: list[Span], energy: np.ndarray, accept, reference: float) -> list[Span]:
    """Voice standing alone in a silence, too soft or too steady for Silero (a hummed "hmm", a quiet "um" before a pause,
    a stretch of a low-gain take), found anywhere in the gap, not only next to a span.

    The same evidence as a soft edge that does not touch its span: a run of frames above the noise floor, at the
    speaker's own level and voiced (or as loud as the speaker's speech). The floor is the gap's own, or the
    answer's (the median over its gaps) when the gap has no silence in it at all: a stretch of quiet speech
    Silero missed whole. Without this a pause is reported over spoken words and hesitations, and the answer
    seems to start late when its first sound is a soft "hmm".
    """
    from voice_coach.analysis.hesitations import voiced_share

    n = len(energy)
    min_frames = int(GAP_VOICE_MIN_S * SAMPLE_RATE / HOP)
    bounds = [(0, _frame_of(int(spans[0].start * SAMPLE_RATE)))] if spans else [(0, n)]
    bounds += [(min(n, _frame_of(int(a.end * SAMPLE_RATE)) + 1), _frame_of(int(b.start * SAMPLE_RATE))) for a, b in zip(spans, spans[1:])]
    if spans:
        bounds.append((min(n, _frame_of(int(spans[-1].end * SAMPLE_RATE)) + 1), n))
    floors = [_floor_of(energy[lo:hi]) for lo, hi in bounds]
    known = [f for f in floors if f is not None]
    answer_floor = float(np.median(known)) if known else None
    found: list[Span] = []
    for (lo, hi), floor in zip(bounds, floors):
        if floor is None:
            continue
        if answer_floor is not None:
            floor = min(floor, answer_floor)
        for a, b in _runs(energy[lo:hi] >= floor + SOFT_OVER_FLOOR_DB, bridge=4):
            if b - a < min_frames:
                continue
            span = Span(round(_time_of_frame_edge(lo + a), 4), round(_time_of_frame_edge(lo + b), 4))
            level = percentile(energy[lo + a: lo + b], 90)
            if not accept(lo + a, lo + b, floor, False):
                if _hummed(samples, span, level, floor, reference):
                    found.append(span)
                continue
            if level >= reference - LOUD_AS_SPEECH_DB or voiced_share(_clip(samples, span)) >= 0.5:
                found.append(span)  # a murmur of low noise (pink, the room) is not a voice
    return found


MURMUR_BELOW_DB = 28.0
"""A hummed "hmm" / "mm" is a nasal murmur: for any voice far weaker than its vowels (the sound leaves through the
nose), so it may sit this far under the speaker's level, where BACKGROUND_DB would call other talk distant."""


def _hummed(samples: np.ndarray, span: Span, level: float, floor: float, reference: float) -> bool:
    """A voiced nasal murmur, clearly above the noise floor and not too far under the speaker: someone humming.
    Distant talk and babble are broadband speech, never a murmur with no energy above 1 kHz."""
    from voice_coach.analysis.hesitations import island_sound

    if level < max(floor + SOFT_PEAK_OVER_FLOOR_DB, reference - MURMUR_BELOW_DB):
        return False
    sound = island_sound(samples, span)
    return sound.nasal_all and sound.voiced >= 0.5


def _clip(samples: np.ndarray, span: Span) -> np.ndarray:
    x = samples[int(span.start * SAMPLE_RATE): int(span.end * SAMPLE_RATE)].astype(np.float64)
    return x / full_scale(samples)


def _merge_spans(spans: list[Span]) -> list[Span]:
    out: list[list[float]] = []
    for s in sorted(spans, key=lambda s: s.start):
        if out and s.start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], s.end)
        else:
            out.append([s.start, s.end])
    return [Span(a, b) for a, b in out]
