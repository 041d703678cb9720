"""Answer audio on disk: FLAC written and fsynced before the database row that points at it.

The file is encoded in memory, hashed, written to a temporary name (0600), fsynced and renamed,
and the folder is fsynced, so a row never points at a half-written file. The hash lets review
say "damaged" instead of playing garbage.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from voice_coach.store.errors import StoreError, describe_os_error
from voice_coach.store.paths import make_private_dir

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class WrittenAudio:
    path: Path
    sha256: str
    frames: int


def encode_flac(audio: np.ndarray, sample_rate: int) -> tuple[bytes, int]:
    """16-bit FLAC bytes of a mono (or first-channel) float signal, clipped to [-1, 1]."""
    import numpy as np
    import soundfile as sf

    samples = np.asarray(audio, dtype=np.float32)
    if samples.ndim > 1:
        samples = samples.reshape(samples.shape[0], -1)[:, 0]
    samples = np.nan_to_num(np.clip(samples, -1.0, 1.0))
    if sample_rate <= 0:
        raise StoreError(f"cannot save audio with a sample rate of {sample_rate} Hz")
    buf = io.BytesIO()
    sf.write(buf, samples, int(sample_rate), format="FLAC", subtype="PCM_16")
    return buf.getvalue(), int(samples.shape[0])


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_private_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically and durably, readable by the owner only."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise


def write_answer_audio(folder: Path, name: str, audio: np.ndarray, sample_rate: int) -> WrittenAudio:
    """Encode and durably write one answer's audio as `folder/name`."""
    data, frames = encode_flac(audio, sample_rate)
    path = folder / name
    try:
        make_private_dir(folder)
        write_private_file(path, data)
    except OSError as exc:
        raise StoreError(f"cannot save the answer's audio in {folder}: {describe_os_error(exc)}") from exc
    return WrittenAudio(path=path, sha256=hashlib.sha256(data).hexdigest(), frames=frames)


def read_answer_audio(path: Path, sha256: str, frames: int, what: str) -> tuple[np.ndarray, int]:
    """Decode a stored answer as float32, refusing a file that is missing or not what was written."""
    import numpy as np
    import soundfile as sf

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"the audio of {what} is missing ({path})") from None
    except OSError as exc:
        raise StoreError(f"cannot read the audio of {what}: {describe_os_error(exc)}") from exc
    if hashlib.sha256(data).hexdigest() != sha256:
        raise StoreError(f"the audio of {what} is damaged ({path} changed since it was saved)")
    try:
        samples, rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=False)
    except Exception as exc:  # libsndfile raises its own RuntimeError subclasses
        raise StoreError(f"the audio of {what} is damaged ({path}: {exc})") from exc
    if samples.ndim > 1:
        samples = samples[:, 0]
    if samples.shape[0] != frames:
        raise StoreError(f"the audio of {what} is damaged ({path}: {samples.shape[0]} of {frames} samples)")
    return np.ascontiguousarray(samples, dtype=np.float32), int(rate)
