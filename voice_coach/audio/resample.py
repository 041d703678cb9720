"""Sample-rate conversion: one whole-signal resampler, and its block-by-block sibling for live input.

`resample` is the one conversion of recorded or synthesized audio (speech synthesis to 16 kHz, any
rate to the output device's, the phone line's 8 kHz): a Kaiser-windowed sinc, band-limited at 94 %
of the lower Nyquist frequency, 24 zero crossings, nothing beyond numpy. Each output sample depends
only on the input within about 2 ms of it, so a piece's trimmed ends stay where the sound is and a
long recording is converted in bounded memory.

`StreamResampler` converts a live stream (a microphone whose device cannot run at 16 kHz) block by
block: causal, so it adds no look-ahead, and the same output for any block size.

Files are not converted here: the decoder (PyAV, audio/decode.py) resamples while it decodes.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

_BLOCK_ROWS = 1024
"""Output samples per phase and block: keeps each block's input in the CPU cache."""


def resample(x: np.ndarray, sr_in: int, sr_out: int) -> np.ndarray:
    """`x` (mono) converted from `sr_in` to `sr_out` Hz as float32, round(len(x) * sr_out / sr_in) samples long.

    Band-limited: what the new rate cannot hold (above 0.94 of its Nyquist frequency) is removed
    rather than folded back. Equal rates give a float32 copy.
    """
    sr_in, sr_out = int(sr_in), int(sr_out)
    if sr_in <= 0 or sr_out <= 0:
        raise ValueError("sample rates must be positive")
    x = np.asarray(x).reshape(-1)
    if sr_in == sr_out or len(x) == 0:
        return x.astype(np.float32)
    table, half, phases, step = _kernel(sr_in, sr_out)
    n_out = int(round(len(x) * sr_out / sr_in))
    padded = np.concatenate([np.zeros(half + 1), x.astype(np.float64), np.zeros(half + 2)])
    windows = sliding_window_view(padded, 2 * half + 1)
    out = np.empty(n_out)
    # Output n reads the input around n * sr_in / sr_out with the kernel of its phase n % phases; the
    # outputs of one phase read windows `step` samples apart, so each phase is one matrix product.
    blas_ready = step >= 2 * half + 1  # rows that do not overlap can be handed to BLAS as they are
    for first in range(0, n_out, _BLOCK_ROWS * phases):
        last = min(n_out, first + _BLOCK_ROWS * phases)
        for phase in range(phases):
            n0 = first + phase
            if n0 >= last:
                break
            rows = len(range(n0, last, phases))
            base = (n0 * step) // phases  # floor of the input position of output n0
            block = windows[base + 1 : base + 1 + (rows - 1) * step + 1 : step]
            out[n0:last:phases] = (block if blas_ready else np.ascontiguousarray(block)) @ table[phase]
    return out.astype(np.float32)


@functools.lru_cache(maxsize=8)
def _kernel(sr_in: int, sr_out: int, zero_crossings: int = 24) -> tuple[np.ndarray, int, int, int]:
    """One windowed-sinc kernel per output phase; the phases repeat every sr_out/gcd samples."""
    g = math.gcd(sr_in, sr_out)
    phases, step = sr_out // g, sr_in // g
    cutoff = 0.5 * min(1.0, sr_out / sr_in) * 0.94  # cycles per input sample
    half = int(math.ceil(zero_crossings / (2 * cutoff)))
    taps = np.arange(-half, half + 1)
    frac = (np.arange(phases) * step % phases) / phases
    t = taps[None, :] - frac[:, None]
    window = np.i0(8.0 * np.sqrt(np.clip(1.0 - (t / (half + 1)) ** 2, 0.0, 1.0))) / np.i0(8.0)
    table = 2 * cutoff * np.sinc(2 * cutoff * t) * window
    return table, half, phases, step


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
