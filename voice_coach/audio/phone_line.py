"""The narrowband "phone line" rendering of the interviewer's voice.

Pure functions over float32 samples, tested on synthetic tones without any device: the band is
shaped with one FFT at the input rate, then the audio goes through the one resampler
(audio/resample.py) to 8 kHz and, optionally, a mu-law round trip.
"""

from __future__ import annotations

import numpy as np

from voice_coach.audio.resample import resample

PHONE_RATE = 8000
"""Telephone audio: 8 kHz sampling, so nothing above 4 kHz survives the line."""


def _smooth_length(minimum: int) -> int:
    """Smallest length >= `minimum` that is 2-3-5 smooth (a fast FFT)."""
    k = max(1, minimum)
    while True:
        rest = k
        for p in (2, 3, 5):
            while rest % p == 0:
                rest //= p
        if rest == 1:
            return k
        k += 1


def shape_spectrum(samples: np.ndarray, sample_rate: int, gain: np.ndarray, gain_freqs_hz: np.ndarray) -> np.ndarray:
    """Multiply the spectrum by `gain` (linear, interpolated between `gain_freqs_hz`); same rate, same length.

    The input is zero-padded at both ends so the circular FFT does not smear the end into the start.
    """
    x = np.asarray(samples, dtype=np.float64).reshape(-1)
    if len(x) == 0:
        return np.zeros(0, dtype=np.float32)
    pad = max(64, int(sample_rate) // 20)
    n = _smooth_length(len(x) + 2 * pad)
    buf = np.zeros(n)
    buf[pad:pad + len(x)] = x
    freqs = np.fft.rfftfreq(n, 1.0 / sample_rate)
    spectrum = np.fft.rfft(buf) * np.interp(freqs, gain_freqs_hz, gain, left=gain[0], right=gain[-1])
    return np.fft.irfft(spectrum, n=n)[pad:pad + len(x)].astype(np.float32)


def mu_law_round_trip(samples: np.ndarray, mu: float = 255.0, bits: int = 8) -> np.ndarray:
    """Compress, quantise to `bits` and expand, as a G.711 line does; keeps the level, adds line grain."""
    x = np.clip(np.asarray(samples, dtype=np.float64), -1.0, 1.0)
    compressed = np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)
    levels = 2 ** (bits - 1) - 1
    quantised = np.round(compressed * levels) / levels
    return (np.sign(quantised) * np.expm1(np.abs(quantised) * np.log1p(mu)) / mu).astype(np.float32)


def phone_line(samples: np.ndarray, sample_rate: int, low_hz: float = 300.0, high_hz: float = 3400.0,
               companding: bool = True) -> tuple[np.ndarray, int]:
    """Render audio as a phone call hears it: 300-3400 Hz, 8 kHz sampling, optional mu-law grain.

    The high edge falls from full level at `high_hz` - 150 Hz to nothing at `high_hz`, the low edge
    rises across `low_hz` +- 50 Hz; then the band-limited audio is resampled to 8 kHz.
    """
    sample_rate = int(sample_rate)
    if not 0 < low_hz < high_hz <= PHONE_RATE / 2:
        raise ValueError("phone band must satisfy 0 < low_hz < high_hz <= 4000")
    freqs = np.array([0.0, low_hz - 50.0, low_hz + 50.0, high_hz - 150.0, high_hz, max(high_hz + 1.0, sample_rate / 2)])
    gain = np.array([0.0, 0.0, 1.0, 1.0, 0.0, 0.0])
    narrow = resample(shape_spectrum(samples, sample_rate, gain, freqs), sample_rate, PHONE_RATE)
    if companding:
        narrow = mu_law_round_trip(narrow)
    return narrow, PHONE_RATE
