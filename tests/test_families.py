"""Voice families (voice_coach/testing/families.py): hesitations from espeak-ng, festival and piper,
and speech spans / pauses / onsets on a quiet breathy take, on audio made at test time (issue 12)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from voice_coach.analysis.soft_voice import extend_soft_edges
from voice_coach.core.timed import SAMPLE_RATE, Span
from voice_coach.testing import families as F
from voice_coach.testing.synth import Filler

FAMILY_PARAMS = [pytest.param(f, marks=pytest.mark.skipif(bool(F.available(f)), reason=str(F.available(f)))) for f in F.FAMILY_VOICES]
SCRIPT = [Filler("um"), "I called the customer back the same afternoon.", 1.4, Filler("hmm"), 1.2,
          "Then I fixed the billing code so it would not happen again."]


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv(F.CACHE_ENV, str(tmp_path_factory.getbasetemp() / "voice-cache"))


def _answer(family: str, quiet: bool):
    voice = F.voices_available(family)[0]
    return F.build_answer(SCRIPT, family=family, voice=voice, lead_in_s=0.6, tail_s=0.6, seed=7,
                          peak_dbfs=None if quiet else -12.0, quiet=quiet, noise_snr_db=30.0, noise_kind="pink")


@pytest.mark.parametrize("family", FAMILY_PARAMS)
def test_family_hesitations_are_sample_exact_pieces(family):
    ans = _answer(family, quiet=False)
    fillers = [p for p in ans.pieces if p.kind == "filler"]
    assert [p.text for p in fillers] == ["um", "hmm"]
    for p in fillers:
        assert 0.2 <= p.end - p.start <= 1.5
        seg = ans.samples[round(p.start * SAMPLE_RATE): round(p.end * SAMPLE_RATE)]
        assert np.sqrt(np.mean(seg.astype(np.float64) ** 2)) > 1e-3  # it sounds
    assert ans.first_speech_s == pytest.approx(0.6, abs=1e-3)  # the answer starts with the "um"


def _spans(samples):
    from voice_coach.analysis.answer import speech_spans
    from voice_coach.engines.silero_vad import FRAME_SAMPLES, SileroVad

    x = np.pad(samples, (0, -len(samples) % FRAME_SAMPLES))
    return speech_spans(samples, SileroVad().probabilities(x))


@pytest.mark.parametrize("family", FAMILY_PARAMS)
def test_quiet_take_pauses_and_onset_from_the_samples(family):
    """Quiet, breathy: the soft "um" at the start is the first speech; the "hmm" between two real pauses is
    speech, not part of one long pause; no pause is reported inside a sentence."""
    ans = _answer(family, quiet=True)
    spans = _spans(ans.samples)
    gaps = [(a.end, b.start) for a, b in zip(spans, spans[1:]) if b.start - a.end >= 1.0]
    truth = ans.pauses(1.0)
    assert len(gaps) == len(truth) == 2, (gaps, truth)
    for (s, e), (ts, te) in zip(gaps, truth):
        assert abs(s - ts) <= 0.25 and abs(e - te) <= 0.25
    if family == "festival" and abs(spans[0].start - ans.first_speech_s) > 0.05:
        pytest.xfail(f"known gap (issue 12): festival's quiet diphone onset found {spans[0].start - ans.first_speech_s:+.3f} s off")
    assert spans[0].start == pytest.approx(ans.first_speech_s, abs=0.05)


def _tone(seconds: float, dbfs: float, hz: float = 140.0) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    x = np.sin(2 * np.pi * hz * t) + 0.5 * np.sin(2 * np.pi * 2 * hz * t)
    return (x * 10 ** (dbfs / 20) / np.sqrt(np.mean(x**2))).astype(np.float32)


def test_soft_voiced_onset_joins_the_span_and_a_click_does_not():
    rng = np.random.default_rng(3)
    sil = lambda s: np.zeros(int(s * SAMPLE_RATE), np.float32)  # noqa: E731
    x = np.concatenate([sil(0.8), _tone(0.4, -48), sil(0.15), _tone(1.5, -32), sil(1.0),
                        (rng.standard_normal(160) * 0.01).astype(np.float32), sil(0.25), _tone(1.0, -32), sil(0.8)])
    x = x + (rng.standard_normal(len(x)) * 10 ** (-75 / 20)).astype(np.float32)
    spans = extend_soft_edges(x, [Span(1.35, 2.85), Span(4.11, 5.11)])
    assert spans[0].start == pytest.approx(0.8, abs=0.03)  # the soft voiced stretch before is speech
    assert spans[1].start == pytest.approx(4.11, abs=0.03)  # a 10 ms click 0.25 s before is not


@pytest.mark.slow
@pytest.mark.parametrize("family", FAMILY_PARAMS)
def test_analyze_finds_hesitations_of_each_family(family, tmp_path, request):
    if family == "festival":  # measured 0.71 s for 0.60 s: a soft diphone "um" onset is found ~0.1 s late (issue 12, open)
        request.applymarker(pytest.mark.xfail(reason="Festival's first speech, a soft 'um', is found about 0.1 s late"))
    ans = _answer(family, quiet=False)
    wav = tmp_path / f"{family}.wav"
    F.write_wav(wav, ans)
    out = subprocess.run([sys.executable, "-m", "voice_coach", "analyze", "--json", str(wav)], capture_output=True, text=True, check=True)
    res = json.loads(out.stdout.splitlines()[0])
    found = [f for f in res["fillers"]["items"] if f["kind"] == "hesitation"]
    truth = [p for p in ans.pieces if p.kind == "filler"]
    hits = sum(any(f["start"] <= t.end + 0.3 and t.start - 0.3 <= f["end"] for f in found) for t in truth)
    assert hits >= 1, (found, [(t.text, t.start, t.end) for t in truth])
    assert len(found) <= len(truth) + 1
    assert res["pauses"]["response_latency_s"] == pytest.approx(ans.first_speech_s, abs=0.05)


def _rich(seconds: float, dbfs: float, hz: float = 120.0) -> np.ndarray:
    """A vowel-like voiced sound with harmonics up to ~3 kHz (not a nasal murmur)."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    x = sum(np.sin(2 * np.pi * k * hz * t) / k**0.5 for k in range(1, 26))
    return (x * 10 ** (dbfs / 20) / np.sqrt(np.mean(x**2))).astype(np.float32)


def _noise(seconds: float, dbfs: float, rng, lowpass_hz: float | None = None) -> np.ndarray:
    x = rng.standard_normal(int(seconds * SAMPLE_RATE))
    if lowpass_hz:
        spec = np.fft.rfft(x)
        spec[np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE) > lowpass_hz] = 0
        x = np.fft.irfft(spec, n=len(x))
    return (x * 10 ** (dbfs / 20) / np.sqrt(np.mean(x**2))).astype(np.float32)


@pytest.mark.parametrize("middle, kept", [
    ("hum -24 dB", True),           # a hummed "hmm": a voiced nasal murmur far under the vowels, alone in the gap
    ("breathy at level", True),     # unpitched, low in frequency and as loud as the speaker: breathy speech Silero missed
    ("low noise -24 dB", False),    # a murmur of low-frequency noise at the hum's level: no pitch, not a voice
    ("breath -26 dB", False),       # a breath: unpitched and far under the speech
])
def test_voice_alone_in_a_gap_is_speech_and_noise_is_not(middle, kept):
    """Silero gave two spans; between them, 0.8 s after the first, 0.5 s of something, then 0.9 s of silence."""
    rng = np.random.default_rng(5)
    sil = lambda s: np.zeros(int(s * SAMPLE_RATE), np.float32)  # noqa: E731
    sound = {"hum -24 dB": _tone(0.5, -44), "breathy at level": _noise(0.5, -22, rng, 1500),
             "low noise -24 dB": _noise(0.5, -44, rng, 900), "breath -26 dB": _noise(0.5, -46, rng, 1500)}[middle]
    x = np.concatenate([sil(0.5), _rich(1.5, -20), sil(0.8), sound, sil(0.9), _rich(1.5, -20), sil(0.5)])
    x = x + (rng.standard_normal(len(x)) * 10 ** (-70 / 20)).astype(np.float32)
    spans = extend_soft_edges(x, [Span(0.5, 2.0), Span(4.2, 5.7)])
    gaps = [(a.end, b.start) for a, b in zip(spans, spans[1:])]
    if kept:
        assert len(spans) == 3 and spans[1].start == pytest.approx(2.8, abs=0.03) and spans[1].end == pytest.approx(3.3, abs=0.03)
        assert max(b - a for a, b in gaps) < 1.0  # no pause reported over it
    else:
        assert gaps == [pytest.approx((2.0, 4.2), abs=0.02)]
