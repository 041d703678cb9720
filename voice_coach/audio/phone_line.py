"""Sample-rate conversion and the narrowband "phone line" rendering of the interviewer's voice.

Everything here is a pure function (or a small stateful filter) over float32 samples, so it is
tested on synthetic tones without any device. Whole utterances are converted with an FFT, which is
exact for band-limited audio and needs nothing beyond numpy; a live stream (a microphone whose
device cannot run at 16 kHz) goes through `StreamResampler`, block by block.
"""

from __future__ import annotations

from math import gcd

import numpy as np

PHONE_RATE = 8000
"""Telephone audio: 8 kHz sampling, so nothing above 4 kHz survives the line."""


def _smooth_length(minimum: int, multiple: int) -> int:
    """Smallest multiple of `multiple` >= `minimum` whose other factor is 2-3-5 smooth (fast FFT)."""
    k = max(1, -(-minimum // multiple))
    while True:
        rest = k
        for p in (2, 3, 5):
            while rest % p == 0:
                rest //= p
        if rest == 1:
            return k * multiple
        k += 1


def _fft_convert(samples: np.ndarray, from_rate: int, to_rate: int, gain: np.ndarray | None = None,
                 gain_freqs_hz: np.ndarray | None = None) -> np.ndarray:
    """Resample by cutting or zero-extending the spectrum, optionally shaping it with `gain` first.

    The input is zero-padded at both ends so the circular FFT does not smear the end into the start.
    """
    x = np.asarray(samples, dtype=np.float64).reshape(-1)
    if len(x) == 0:
        return np.zeros(0, dtype=np.float32)
    out_len = round(len(x) * to_rate / from_rate)
    step = from_rate // gcd(from_rate, to_rate)  # input lengths that map to whole output lengths
    pad = max(64, from_rate // 20)
    pad = -(-pad // step) * step
    n_in = _smooth_length(len(x) + 2 * pad, step)
    n_out = n_in * to_rate // from_rate
    buf = np.zeros(n_in)
    buf[pad:pad + len(x)] = x
    spectrum = np.fft.rfft(buf)
    if gain is not None:
        freqs = np.fft.rfftfreq(n_in, 1.0 / from_rate)
        spectrum = spectrum * np.interp(freqs, gain_freqs_hz, gain, left=gain[0], right=gain[-1])
    bins_out = n_out // 2 + 1
    if bins_out <= len(spectrum):
        spectrum = spectrum[:bins_out].copy()
        if n_out % 2 == 0 and n_out < n_in:
            spectrum[-1] = spectrum[-1].real  # the new Nyquist bin of a real signal is real
    else:
        spectrum = np.concatenate([spectrum, np.zeros(bins_out - len(spectrum), dtype=complex)])
    y = np.fft.irfft(spectrum, n=n_out) * (n_out / n_in)
    start = pad * to_rate // from_rate
    return y[start:start + out_len].astype(np.float32)


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Convert a whole utterance between sample rates (band-limited; float32 out)."""
    from_rate, to_rate = int(from_rate), int(to_rate)
    if from_rate <= 0 or to_rate <= 0:
        raise ValueError("sample rates must be positive")
    if from_rate == to_rate:
        return np.asarray(samples, dtype=np.float32).reshape(-1).copy()
    if to_rate < from_rate:
        # Taper the last 5 % below the new Nyquist frequency to keep the ringing of a brick wall small.
        nyquist = to_rate / 2
        freqs = np.array([0.0, 0.95 * nyquist, nyquist, from_rate / 2])
        return _fft_convert(samples, from_rate, to_rate, np.array([1.0, 1.0, 0.0, 0.0]), freqs)
    return _fft_convert(samples, from_rate, to_rate)


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
    rises across `low_hz` +- 50 Hz; the band shaping and the rate change are one FFT.
    """
    sample_rate = int(sample_rate)
    if not 0 < low_hz < high_hz <= PHONE_RATE / 2:
        raise ValueError("phone band must satisfy 0 < low_hz < high_hz <= 4000")
    freqs = np.array([0.0, low_hz - 50.0, low_hz + 50.0, high_hz - 150.0, high_hz, max(high_hz + 1.0, sample_rate / 2)])
    gain = np.array([0.0, 0.0, 1.0, 1.0, 0.0, 0.0])
    narrow = _fft_convert(samples, sample_rate, PHONE_RATE, gain, freqs)
    if companding:
        narrow = mu_law_round_trip(narrow)
    return narrow, PHONE_RATE


class StreamResampler:
    """Resample a live stream block by block: windowed-sinc low-pass, then linear interpolation.

    State (filter history, fractional read position) carries across blocks, so the output of many
    small blocks equals the output of one long one. The filter delays the audio by (taps - 1) / 2
    input samples (under 1 ms at 44.1 kHz).
    """

    def __init__(self, from_rate: int, to_rate: int, taps: int = 63) -> None:
        self.from_rate, self.to_rate = int(from_rate), int(to_rate)
        self._step = self.from_rate / self.to_rate
        cutoff = 0.45 * min(self.from_rate, self.to_rate) / self.from_rate  # cycles per input sample
        n = np.arange(taps) - (taps - 1) / 2
        kernel = 2 * cutoff * np.sinc(2 * cutoff * n) * np.blackman(taps)
        self._kernel = kernel / kernel.sum()
        self._history = np.zeros(taps - 1)
        self._last = 0.0
        self._pos = 1.0  # read position in [previous last sample, filtered block...]

    def process(self, block: np.ndarray) -> np.ndarray:
        x = np.asarray(block, dtype=np.float64).reshape(-1)
        if len(x) == 0:
            return np.zeros(0, dtype=np.float32)
        if self.from_rate == self.to_rate:
            return x.astype(np.float32)
        joined = np.concatenate([self._history, x])
        filtered = np.convolve(joined, self._kernel, mode="valid")
        self._history = joined[len(joined) - len(self._history):]
        buf = np.concatenate([[self._last], filtered])
        end = len(buf) - 1
        count = int(np.floor((end - self._pos) / self._step)) + 1 if self._pos <= end else 0
        positions = self._pos + self._step * np.arange(count)
        out = np.interp(positions, np.arange(len(buf)), buf)
        self._pos = self._pos + self._step * count - end
        self._last = buf[-1]
        return out.astype(np.float32)
