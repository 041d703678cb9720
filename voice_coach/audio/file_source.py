"""Audio sources that replay recorded audio as if a microphone were delivering it.

Used by `--answers DIR`, the demo, the tests and the latency benchmark. With `realtime=True` a
block is handed out when its last sample would have been captured live (block k at
(k + 1) * block_s after the first `blocks()` call), so the whole live path runs at speaking pace;
with `realtime=False` blocks come as fast as the consumer takes them, with identical content.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from voice_coach.core.timed import SAMPLE_RATE


class _PacedSource(ABC):
    """Shared pacing and closing for the sources below."""

    def __init__(self, realtime: bool, block_s: float) -> None:
        if block_s <= 0:
            raise ValueError("block_s must be positive")
        self.realtime = realtime
        self.block_s = block_s
        self.block_samples = max(1, round(block_s * SAMPLE_RATE))
        self._closed = threading.Event()

    def start(self) -> None:
        """Nothing to open: a recording starts at the first `blocks()` (kept for the AudioSource interface)."""

    @abstractmethod
    def _raw_blocks(self) -> Iterator[np.ndarray]:
        """The audio as 16 kHz float32 blocks, as fast as it can be read (pacing is added by `blocks`)."""

    def blocks(self) -> Iterator[np.ndarray]:
        """Yield float32 16 kHz blocks of `block_samples` (the last may be shorter) until done or closed."""
        start = time.monotonic()
        played = 0
        for block in self._raw_blocks():
            if self._closed.is_set():
                return
            played += len(block)
            if self.realtime:
                due = start + played / SAMPLE_RATE
                while not self._closed.is_set():
                    wait = due - time.monotonic()
                    if wait <= 0:
                        break
                    self._closed.wait(min(wait, 0.05))
                if self._closed.is_set():
                    return
            yield block

    def close(self) -> None:
        """End a running `blocks()` iterator at its next block (also wakes a realtime wait)."""
        self._closed.set()


class ArraySource(_PacedSource):
    """In-memory audio (a synthesized answer, a test signal) as an AudioSource.

    `sample_rate` other than 16 kHz is converted once here, at the edge.
    """

    def __init__(self, samples: np.ndarray, realtime: bool = True, block_s: float = 0.1,
                 sample_rate: int = SAMPLE_RATE) -> None:
        super().__init__(realtime, block_s)
        x = np.asarray(samples, dtype=np.float32)
        if x.ndim == 2:
            x = x.mean(axis=1, dtype=np.float32)
        if sample_rate != SAMPLE_RATE:
            from voice_coach.audio.resample import resample

            x = resample(x, sample_rate, SAMPLE_RATE)
        self.samples = np.ascontiguousarray(x, dtype=np.float32)

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    def _raw_blocks(self) -> Iterator[np.ndarray]:
        for i in range(0, len(self.samples), self.block_samples):
            yield self.samples[i:i + self.block_samples].copy()


class FileSource(_PacedSource):
    """An audio file (any format the decoder reads) replayed block by block.

    The file is checked at construction, so a missing or broken answer file is reported before
    the session reaches it; it is decoded lazily, block by block, so a long file is never whole
    in memory.
    """

    def __init__(self, path: Path | str, realtime: bool = True, block_s: float = 0.1) -> None:
        super().__init__(realtime, block_s)
        from voice_coach.audio.decode import check_readable

        self.path = Path(path)
        check_readable(self.path)

    def _raw_blocks(self) -> Iterator[np.ndarray]:
        from voice_coach.audio.decode import iter_blocks

        return iter_blocks(self.path, block_samples=self.block_samples)

