"""Synthetic answers: the truth is exact to the sample, durations add up, noise hits its SNR, seeds reproduce."""

from __future__ import annotations

import math
import shutil

import numpy as np
import pytest

from voice_coach.audio.resample import resample
from voice_coach.testing.synth import Filler, Speech, SynthError, build_answer, speak, speech_power, write_wav
from voice_coach.core.timed import SAMPLE_RATE

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")

SCRIPT = [
    Speech("At my last job I answered calls for a shoe store.", star="S"),
    Filler("um"),
    Speech("One customer was waiting for a refund.", star="T"),
    1.5,
    Filler("like"),
    Speech("customers like fast replies", lookalike=True),
    Filler("er"),
    0.7,
    Speech("So I fixed it the same day.", star="A"),
    2.25,
    Filler("hmm"),
    "Thanks for asking.",
]


@pytest.fixture(scope="module")
def clean():
    return build_answer(SCRIPT, voice="en-us", rate_wpm=170, pitch=45, lead_in_s=0.8, tail_s=1.0, seed=7)


def _idx(t: float) -> int:
    i = t * SAMPLE_RATE
    assert abs(i - round(i)) < 1e-6, "piece times must fall on sample boundaries"
    return round(i)


def test_speak_is_trimmed_16k_float32():
    x = speak("Thank you for calling.", voice="en-gb", rate_wpm=150)
    assert x.dtype == np.float32 and x.ndim == 1
    assert 0.6 < len(x) / SAMPLE_RATE < 2.5
    assert abs(x[0]) > 1e-3 and abs(x[-1]) > 1e-3


def test_every_piece_boundary_is_exact_to_the_sample(clean):
    x = clean.samples
    for p in clean.sounding:
        a, b = _idx(p.start), _idx(p.end)
        assert abs(x[a]) > 1e-3, f"{p.text!r} does not start loud at {p.start}"
        assert abs(x[b - 1]) > 1e-3, f"{p.text!r} does not end loud at {p.end}"
        # just outside the piece the clean signal is silent: 20 ms of exact zeros on both sides
        assert np.all(x[max(0, a - 320) : a] == 0.0)
        assert np.all(x[b : b + 320] == 0.0)


def test_durations_add_up(clean):
    sounding = clean.sounding
    assert clean.first_speech_s == pytest.approx(0.8, abs=1 / SAMPLE_RATE)
    assert clean.duration_s - clean.last_speech_s == pytest.approx(1.0, abs=1 / SAMPLE_RATE)
    silences = [p for p in clean.pieces if p.kind == "silence"]
    assert [round(p.end - p.start, 6) for p in silences] == [1.5, 0.7, 2.25]
    gaps = [b.start - a.end for a, b in zip(sounding, sounding[1:])]
    explicit = {(s.start, s.end) for s in silences}
    for (a, b), gap in zip(zip(sounding, sounding[1:]), gaps):
        if (a.end, b.start) in explicit:
            continue
        assert 0.05 - 1e-9 <= gap <= 0.6 + 1e-9, f"natural gap {gap:.3f} s after {a.text!r}"
    total = _idx(0.8) + sum(_idx(p.end) - _idx(p.start) for p in sounding) + sum(_idx(b.start) - _idx(a.end) for a, b in zip(sounding, sounding[1:])) + _idx(1.0)
    assert total == len(clean.samples)


def test_only_long_silences_are_pauses(clean):
    assert [round(e - s, 6) for s, e in clean.pauses(1.0)] == [1.5, 2.25]
    assert len(clean.pauses(0.6)) == 3


def test_truth_helpers(clean):
    assert [f.text for f in clean.fillers] == ["um", "like", "er", "hmm"]
    assert [f.lexical for f in clean.fillers] == [False, True, False, False]
    # 11 + 7 + 4 + 7 + 3 words of speech; the fillers are not counted
    assert clean.words_without_fillers == 32
    span = clean.last_speech_s - clean.first_speech_s
    assert clean.wpm == pytest.approx(32 / span * 60)
    labels = [p.star for p in clean.pieces if p.kind == "speech"]
    assert labels == ["S", "T", None, "A", None]
    assert [p.lookalike for p in clean.pieces if p.kind == "speech"].count(True) == 1


def test_hesitations_sound_like_hesitations(clean):
    for f in clean.fillers:
        if not f.lexical:
            assert 0.15 <= f.end - f.start <= 1.2, f"{f.text} lasts {f.end - f.start:.2f} s"


@pytest.mark.parametrize("kind", ["white", "pink", "babble"])
@pytest.mark.parametrize("snr_db", [10.0, 20.0, 30.0])
def test_noise_hits_the_requested_snr(clean, kind, snr_db):
    noisy = build_answer(SCRIPT, voice="en-us", rate_wpm=170, pitch=45, lead_in_s=0.8, tail_s=1.0, seed=7,
                         noise_snr_db=snr_db, noise_kind=kind)
    assert noisy.pieces == clean.pieces
    noise = noisy.samples.astype(np.float64) - clean.samples
    measured = 10 * math.log10(speech_power(clean.samples, clean.pieces) / np.mean(noise**2))
    assert measured == pytest.approx(snr_db, abs=0.5)
    # the noise covers the silences too, so a detector cannot find pauses by looking for exact zeros
    s, e = clean.pauses(1.0)[0]
    assert np.mean(noise[_idx(s) : _idx(e)] ** 2) > 0


def test_seeds_reproduce_and_differ():
    a = build_answer(["Hello there.", Filler("uh"), "Nice to meet you."], seed=3, noise_snr_db=20)
    b = build_answer(["Hello there.", Filler("uh"), "Nice to meet you."], seed=3, noise_snr_db=20)
    c = build_answer(["Hello there.", Filler("uh"), "Nice to meet you."], seed=4, noise_snr_db=20)
    assert np.array_equal(a.samples, b.samples) and a.pieces == b.pieces
    assert not np.array_equal(a.samples[: len(c.samples)], c.samples[: len(a.samples)])


def test_gain_scales_everything():
    a = build_answer(["Hello there."], seed=1)
    b = build_answer(["Hello there."], seed=1, gain_db=-6.0)
    assert np.max(np.abs(b.samples)) == pytest.approx(np.max(np.abs(a.samples)) * 10 ** (-6 / 20), rel=1e-4)


def test_bad_script_items_are_refused():
    with pytest.raises(SynthError):
        build_answer(["Hello.", -1.0])
    with pytest.raises(SynthError):
        build_answer(["Hello.", object()])  # type: ignore[list-item]
    with pytest.raises(SynthError):
        build_answer(["Hello."], noise_snr_db=10, noise_kind="brown")


def test_resample_keeps_a_tone_and_removes_what_cannot_fit():
    t = np.arange(22050) / 22050
    y = resample(np.sin(2 * np.pi * 1000 * t), 22050, 16000)
    want = np.sin(2 * np.pi * 1000 * np.arange(16000) / 16000)
    assert len(y) == 16000
    assert np.max(np.abs(y[300:-300] - want[300:-300])) < 1e-3
    above_nyquist = resample(np.sin(2 * np.pi * 9500 * t), 22050, 16000)
    assert np.max(np.abs(above_nyquist[300:-300])) < 1e-3


def test_write_wav_round_trip(tmp_path, clean):
    import soundfile as sf

    path = tmp_path / "a.wav"
    write_wav(path, clean)
    x, sr = sf.read(path, dtype="float32")
    assert sr == SAMPLE_RATE and x.ndim == 1 and len(x) == len(clean.samples)
    assert np.max(np.abs(x - clean.samples)) < 1 / 32768 + 1e-6


# ---- the harness scores this truth: a perfect analyzer result must score perfectly
def test_harness_gives_a_perfect_score_to_the_truth(clean):
    from dataclasses import asdict

    from bench.scoring import score_file

    truth = {"pieces": [asdict(p) for p in clean.pieces], "first_speech_s": clean.first_speech_s,
             "last_speech_s": clean.last_speech_s, "wpm": clean.wpm, "pauses": [list(p) for p in clean.pauses(1.0)]}
    perfect = {
        "transcript": clean.reference_text(lexical_fillers=False),
        "fillers": {"items": [{"text": f.text, "start": f.start, "end": f.end} for f in clean.fillers]},
        "pauses": {"items": [{"start": s, "end": e} for s, e in clean.pauses(1.0)], "response_latency_s": clean.first_speech_s},
        "pace": {"wpm": clean.wpm},
        "star": {"segments": [{"label": p.star, "start": p.start, "end": p.end + 0.6} for p in clean.pieces if p.kind == "speech" and p.star]},
    }
    sc = score_file("perfect", truth, perfect)
    assert sc.wer_errors == 0 and sc.wer_ref == 32
    assert sc.filler_tp == sc.filler_pred == sc.filler_true == 4
    assert sc.lookalike_fa == 0 and sc.lookalike_n == 1
    assert sc.pause_tp == sc.pause_true == 2 and max(sc.pause_boundary_err) < 1e-9
    assert sc.wpm_err_pct == pytest.approx(0) and sc.latency_err_s == pytest.approx(0)
    assert sc.star_presence_hits == sc.star_presence_n == 4

    # a word-list analyzer that flags the look-alike "like" and misses the hesitations is caught
    sloppy = dict(perfect, fillers={"items": [{"text": "like", "start": f.start + 0.4, "end": f.start + 0.7}
                                              for f in clean.pieces if f.lookalike]})
    sc = score_file("sloppy", truth, sloppy)
    assert sc.filler_tp == 0 and sc.lookalike_fa == 1 and sc.nonlex_tp == 0


def test_hesitations_are_the_products_own_non_lexical_fillers():
    from voice_coach.analysis.lexical_fillers import NON_LEXICAL
    from voice_coach.testing.synth import _HESITATION_PHONEMES

    assert set(_HESITATION_PHONEMES) <= NON_LEXICAL  # every hesitation synth can say counts as one
    assert [Filler(t).lexical for t in ("um", "Uh,", "hmm", "like", "you know")] == [False, False, False, True, True]
