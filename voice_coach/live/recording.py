"""The answer's audio while it is being captured: appended block by block, read in slices by the transcription worker."""

from __future__ import annotations

import mmap
import threading

import numpy as np


class Recording:
    """The answer's audio as 16-bit PCM: half the memory of float32, ample for analysis (96 dB).

    Samples go into fixed chunks of about 33 s, so appending never copies what is there and a slice
    inside one chunk is a view: the worker reads a stretch while the microphone keeps appending.
    Each chunk is its own anonymous memory map, so joining them at the end gives each one back to
    the system as it is copied (a heap allocation would stay in the process): a 30-minute answer
    never exists twice.
    """

    CHUNK = 1 << 19

    def __init__(self) -> None:
        self._chunks: list[np.ndarray] = []
        self._joined: np.ndarray | None = None
        self._lock = threading.Lock()
        self.length = 0

    def append(self, block: np.ndarray) -> None:
        pcm = np.clip(np.round(block * 32767.0), -32768, 32767).astype(np.int16)
        with self._lock:
            if self._joined is not None:
                raise RuntimeError("the recording was joined: capture is over")
            done = 0
            while done < len(pcm):
                used = self.length % self.CHUNK
                if used == 0:
                    self._chunks.append(np.frombuffer(mmap.mmap(-1, 2 * self.CHUNK), dtype=np.int16))
                take = min(self.CHUNK - used, len(pcm) - done)
                self._chunks[-1][used : used + take] = pcm[done : done + take]
                done += take
                self.length += take

    def int16(self, start: int = 0, end: int | None = None) -> np.ndarray:
        with self._lock:
            end = self.length if end is None else min(end, self.length)
            start = max(0, start)
            if end <= start:
                return np.zeros(0, dtype=np.int16)
            if self._joined is not None:
                return self._joined[start:end]
            first, last = start // self.CHUNK, (end - 1) // self.CHUNK
            offset = first * self.CHUNK
            if first == last:
                return self._chunks[first][start - offset : end - offset]
            pieces = self._chunks[first : last + 1]
        return np.concatenate(pieces)[start - offset : end - offset]

    def float32(self, start: int = 0, end: int | None = None) -> np.ndarray:
        return self.int16(start, end).astype(np.float32) / 32768.0

    def consolidate(self) -> None:
        """Join the chunks into one array once capture is over, freeing each as it is copied (no second copy)."""
        with self._lock:
            if self._joined is not None:
                return
            joined = np.empty(self.length, dtype=np.int16)
            chunks, self._chunks = self._chunks, []
            for k in range(len(chunks)):
                a = k * self.CHUNK
                joined[a : min(a + self.CHUNK, self.length)] = chunks[k][: min(self.CHUNK, self.length - a)]
                chunks[k] = joined[:0]  # this chunk is freed now, not after the loop
            self._joined = joined
