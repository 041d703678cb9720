"""The answer buffer and the fast signal measures the final analysis leans on."""

from __future__ import annotations

import numpy as np
import pytest

from voice_coach.analysis.hesitations import _lowpass, voiced_share
from voice_coach.analysis.speech_spans import frame_energy_db, percentile
from voice_coach.live.recording import Recording
from voice_coach.core.timed import SAMPLE_RATE


def test_recording_slices_across_chunks_and_after_joining() -> None:
    rec = Recording()
    rec.CHUNK = 1000  # small chunks, so blocks straddle chunk edges
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, 10_337).astype(np.float32)
    i = 0
    while i < len(x):
        n = int(rng.integers(1, 2500))
        rec.append(x[i : i + n])
        i += n
    ref = np.clip(np.round(x * 32767), -32768, 32767).astype(np.int16)
    cases = [(0, None), (5, 999), (999, 1001), (0, 1000), (1000, 2000), (1500, 9000), (10_000, 20_000), (3, 3)]
    for a, b in cases:
        assert np.array_equal(rec.int16(a, b), ref[a:b]), (a, b)
    assert rec.int16(5, 999).base is not None  # inside one chunk: a view, not a copy
    rec.consolidate()
    for a, b in cases:
        assert np.array_equal(rec.int16(a, b), ref[a:b]), (a, b)
    assert np.allclose(rec.float32(100, 200), ref[100:200] / 32768.0)
    with pytest.raises(RuntimeError):
        rec.append(x[:10])


def _voiced_share_by_loop(x: np.ndarray) -> float:
    """The definition, one frame and one lag at a time."""
    frame, hop, lo, hi = 640, 320, SAMPLE_RATE // 400, SAMPLE_RATE // 60
    if len(x) < frame + hi:
        x = np.pad(x, (0, frame + hi - len(x)))
    y = _lowpass(x - x.mean())
    starts = range(0, len(y) - frame - hi + 1, hop)
    energies = np.array([float(np.dot(y[s : s + frame], y[s : s + frame])) for s in starts])
    if energies.max() <= 0:
        return 0.0
    loud = [s for s, e in zip(starts, energies) if e >= energies.max() * 0.03]
    voiced = 0
    for s in loud:
        a = y[s : s + frame]
        best = 0.0
        for lag in range(lo, hi):
            b = y[s + lag : s + lag + frame]
            d = np.sqrt(np.dot(a, a) * np.dot(b, b))
            if d > 0:
                best = max(best, float(np.dot(a, b)) / d)
        voiced += best >= 0.7
    return voiced / len(loud)


def test_voiced_share_matches_its_definition_on_voiced_and_unvoiced_sound() -> None:
    rng = np.random.default_rng(7)
    t = np.arange(int(0.5 * SAMPLE_RATE)) / SAMPLE_RATE
    hum = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 6))  # a voice-like harmonic tone
    hiss = rng.normal(0, 0.3, len(t))
    assert voiced_share(hum) == _voiced_share_by_loop(hum) == 1.0
    assert voiced_share(hiss) == _voiced_share_by_loop(hiss) <= 0.1
    for k in range(8):
        n = int(rng.integers(400, 12_000))
        mix = np.sin(2 * np.pi * rng.uniform(80, 300) * np.arange(n) / SAMPLE_RATE) + rng.normal(0, rng.uniform(0.05, 1.5), n)
        assert voiced_share(mix) == _voiced_share_by_loop(mix)


def test_energy_reads_the_same_from_pcm_and_float() -> None:
    rng = np.random.default_rng(3)
    x = (rng.normal(0, 0.1, SAMPLE_RATE) * np.linspace(0, 1, SAMPLE_RATE)).astype(np.float32)
    pcm = np.clip(np.round(x * 32768), -32768, 32767).astype(np.int16)
    a, b = frame_energy_db(x), frame_energy_db(pcm)
    loud = a > -60
    assert np.max(np.abs(a[loud] - b[loud])) < 0.01
    assert abs(float(np.median(frame_energy_db(np.full(1600, 0.5, np.float32)))) - 20 * np.log10(0.5)) < 0.01


def test_percentile_is_numpys() -> None:
    rng = np.random.default_rng(0)
    for n in (1, 2, 3, 10, 101):
        v = rng.normal(size=n)
        for q in (5, 50, 90):
            assert percentile(v, q) == pytest.approx(float(np.percentile(v, q)), abs=1e-12)
