"""Audio files in, mono float32 at 16 kHz out: the one conversion at the file edge.

PyAV (already a faster-whisper dependency) decodes WAV, FLAC, MP3, M4A and OGG at any rate and
channel count. Decoding is streamed block by block so a 30-minute recording never exists twice in
memory; every way a file can be unreadable becomes one AudioInputError line.
"""

from __future__ import annotations

import os
import stat
import struct
from pathlib import Path
from typing import Iterator

import numpy as np

from voice_coach.core.errors import AudioInputError
from voice_coach.core.timed import SAMPLE_RATE

BLOCK_SAMPLES = SAMPLE_RATE // 10  # 100 ms, the block size of the live path too


def check_readable(path: Path) -> None:
    """Fail early, in one line, on paths that cannot be audio at all."""
    if not path.exists():
        raise AudioInputError(f"{path}: no such file")
    if path.is_dir():
        raise AudioInputError(f"{path}: is a folder, not an audio file")
    if not os.access(path, os.R_OK):
        raise AudioInputError(f"{path}: permission denied")
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        what = "a pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file"
        raise AudioInputError(f"{path}: is {what}, not an audio file")
    if path.stat().st_size == 0:
        raise AudioInputError(f"{path}: the file is empty (0 bytes)")
    _check_wav_header(path)


def _check_wav_header(path: Path) -> None:
    """A RIFF/WAVE file whose data chunk is shorter than its header promises is truncated."""
    with path.open("rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            if head[:4] == b"RIFF":
                raise AudioInputError(f"{path}: corrupt WAV header")
            return
        size = path.stat().st_size
        pos = 12
        while pos + 8 <= size:
            fh.seek(pos)
            chunk_id, chunk_len = struct.unpack("<4sI", fh.read(8))
            if chunk_id == b"data":
                if chunk_len == 0:
                    raise AudioInputError(f"{path}: the WAV file holds no samples")
                have = size - pos - 8
                if chunk_len != 0xFFFFFFFF and have < chunk_len:
                    raise AudioInputError(
                        f"{path}: truncated WAV: the header promises {chunk_len} bytes of audio, "
                        f"the file holds {have}"
                    )
                return
            pos += 8 + chunk_len + (chunk_len & 1)
        raise AudioInputError(f"{path}: corrupt WAV: no audio data chunk")


MAX_RATE_HZ = 768_000
"""No real recording is sampled faster; a header that says so is damaged."""


def _finite(block: np.ndarray, bad: list[int]) -> np.ndarray:
    """NaN and infinite samples (a damaged float file) become silence, counted in `bad`; the rest is kept."""
    ok = np.isfinite(block)
    if ok.all():
        return block
    bad[0] += int(block.size - np.count_nonzero(ok))
    return np.where(ok, block, np.float32(0.0)).astype(np.float32, copy=False)


def iter_blocks(path: Path | str, block_samples: int = BLOCK_SAMPLES,
                notices: list[str] | None = None) -> Iterator[np.ndarray]:
    """Yield the file as 16 kHz mono float32 blocks of `block_samples` (the last may be shorter).

    Samples that are not numbers are read as silence and said once in `notices`, so the rest of the
    answer is still analysed (a NaN would otherwise spread through every level and filter after it).
    """
    import av  # heavy: imported only when a file is decoded

    path = Path(path)
    check_readable(path)
    try:
        container = av.open(str(path), mode="r", metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise AudioInputError(f"{path}: not a readable audio file ({_reason(exc)})") from None
    pending = np.zeros(0, dtype=np.float32)
    produced = 0
    try:
        if not container.streams.audio:
            raise AudioInputError(f"{path}: has no audio stream")
        rate = container.streams.audio[0].rate or 0
        if not 0 < rate <= MAX_RATE_HZ:
            raise AudioInputError(f"{path}: damaged header: a sample rate of {rate:,} Hz is not a real recording")
        bad = [0]
        # Keep the channels and average them here: a mono downmix by the resampler can exceed full scale.
        resampler = av.audio.resampler.AudioResampler(format="fltp", rate=SAMPLE_RATE)
        try:
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    pending = np.concatenate([pending, _mono(out.to_ndarray())])
                while len(pending) >= block_samples:
                    produced += block_samples
                    yield _finite(pending[:block_samples].copy(), bad)
                    pending = pending[block_samples:]
            for out in resampler.resample(None):
                pending = np.concatenate([pending, _mono(out.to_ndarray())])
        except av.error.FFmpegError as exc:
            raise AudioInputError(f"{path}: corrupt audio ({_reason(exc)})") from None
    finally:
        container.close()
    if len(pending):
        produced += len(pending)
        yield _finite(pending.astype(np.float32, copy=False), bad)
    if produced == 0:
        raise AudioInputError(f"{path}: the file holds no audio samples")
    if bad[0] and notices is not None:
        notices.append(f"{bad[0]:,} samples ({bad[0] / SAMPLE_RATE:.2f} s) were not numbers (NaN or infinite) "
                       "and were read as silence")


def load_audio(path: Path | str) -> np.ndarray:
    """The whole file as one 16 kHz mono float32 array."""
    blocks = list(iter_blocks(path, block_samples=SAMPLE_RATE * 10))
    return np.concatenate(blocks).astype(np.float32, copy=False)


def _mono(planar: np.ndarray) -> np.ndarray:
    return planar.mean(axis=0, dtype=np.float32) if planar.ndim == 2 else planar.astype(np.float32)


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return text.split(":")[-1].strip() or type(exc).__name__
