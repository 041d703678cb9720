"""Answer audio on disk: FLAC written and fsynced before the database row that points at it.

The file is encoded block by block into a temporary name (0600), hashed by reading it back,
fsynced and renamed, and the folder is fsynced, so a row never points at a half-written file.
The hash lets review say "damaged" instead of playing garbage.

Encoding streams because a 30-minute answer is 28.8 M samples: converting, clipping and encoding
it whole in memory (as this module once did) cost several hundred MB on top of the process at the
very moment a long practice session ends. Now the extra memory is one block, whatever the length.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from voice_coach.store.errors import StoreError, describe_os_error
from voice_coach.store.paths import make_private_dir

if TYPE_CHECKING:
    import numpy as np

BLOCK_FRAMES = 1 << 16
"""Samples encoded per step: 4.1 s at 16 kHz. Large enough that libsndfile's per-call cost is
nothing, small enough that a float block's converted copy is 256 KB."""

HASH_CHUNK = 1 << 18
"""Bytes read per step when hashing the written file back."""


@dataclass(frozen=True)
class WrittenAudio:
    path: Path
    sha256: str
    frames: int


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes | memoryview) -> None:
    """os.write until every byte is written (a regular file may take less than asked)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


@contextmanager
def _private_replace(path: Path) -> Iterator[int]:
    """A descriptor (read-write) of a 0600 temporary file that replaces `path` once the body is done.

    After the body the file is fsynced, renamed over `path` and the folder is fsynced, so `path`
    is either the old file or the complete new one, even after a power cut. On any failure,
    Ctrl-C included, the temporary file is removed; a process killed outright leaves it for the
    store's sweep (see upkeep.sweep_orphans).
    """
    tmp = path.with_name(path.name + ".tmp")
    try:
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            yield fd
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise


def write_private_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically and durably, readable by the owner only."""
    with _private_replace(path) as fd:
        _write_all(fd, data)


class _DescriptorSink:
    """An open file descriptor as libsndfile's virtual I/O, keeping the first failure.

    libsndfile calls these methods from C through cffi, which prints and swallows any exception
    raised there; libsndfile then only sees a short write, which soundfile turns into a
    LibsndfileError (or an AssertionError), and a failed write at close (the last frames and the
    header) may not be reported at all. Keeping the exception lets the writer raise the real
    OSError, so a full disk still reads "the disk is full", and re-raise a Ctrl-C as itself.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.failure: BaseException | None = None

    def _fail(self, exc: BaseException) -> None:
        if self.failure is None:
            self.failure = exc

    def write(self, data: bytes) -> int:
        if self.failure is not None:
            return 0
        try:
            _write_all(self.fd, data)
        except BaseException as exc:  # noqa: BLE001 - cffi would swallow it; raised again by raise_failure()
            self._fail(exc)
            return 0
        return len(data)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        try:
            return os.lseek(self.fd, offset, whence)
        except BaseException as exc:  # noqa: BLE001 - as in write()
            self._fail(exc)
            return -1

    def tell(self) -> int:
        return self.seek(0, os.SEEK_CUR)

    def read(self, size: int) -> bytes:
        try:
            return os.read(self.fd, size)
        except BaseException as exc:  # noqa: BLE001 - as in write()
            self._fail(exc)
            return b""

    def raise_failure(self) -> None:
        if self.failure is not None:
            raise self.failure


def _mono(audio: np.ndarray) -> np.ndarray:
    """The signal as a 1-D array, without copying: the first channel of a (frames x channels) array.

    Indexing (rather than reshaping) keeps it a view and also takes an empty 2-D array.
    """
    import numpy as np

    samples = np.asarray(audio)
    return samples[(slice(None),) + (0,) * (samples.ndim - 1)] if samples.ndim > 1 else samples


def _checked_rate(sample_rate: int) -> int:
    """The rate as an int, refused before any file exists when it is not positive (0.5 Hz included)."""
    if sample_rate <= 0 or int(sample_rate) <= 0:
        raise _bad_rate(sample_rate)
    return int(sample_rate)


def _bad_rate(sample_rate: int) -> StoreError:
    return StoreError(f"cannot save audio with a sample rate of {sample_rate} Hz")


def _pcm_blocks(samples: np.ndarray) -> Iterator[np.ndarray]:
    """Contiguous blocks of at most BLOCK_FRAMES samples that FLAC PCM_16 can take as they are.

    int16 is exactly what the file stores, so it passes through untouched (a view, or a
    block-sized copy for a strided first channel). Anything else is taken as float in [-1, 1]:
    each block is converted to float32, clipped and NaN made silence in one reused buffer, the
    same values the whole-array conversion gave. A yielded float block is overwritten by the
    next one: write it before asking for more.
    """
    import numpy as np

    total = int(samples.shape[0])
    if samples.dtype == np.int16:
        for start in range(0, total, BLOCK_FRAMES):
            yield np.ascontiguousarray(samples[start : start + BLOCK_FRAMES])
        return
    buffer = np.empty(min(total, BLOCK_FRAMES), dtype=np.float32)
    for start in range(0, total, BLOCK_FRAMES):
        block = samples[start : start + BLOCK_FRAMES].astype(np.float32, copy=False)
        out = buffer[: block.shape[0]]
        np.clip(block, -1.0, 1.0, out=out)
        np.nan_to_num(out, copy=False)
        yield out


def _encode_flac(fd: int, samples: np.ndarray, sample_rate: int) -> None:
    """Encode mono `samples` as 16-bit FLAC into `fd`, one block at a time.

    Raises the OSError (or KeyboardInterrupt) met by the file itself, StoreError when FLAC
    refuses the sample rate, and StoreError with libsndfile's words for anything else.
    """
    import soundfile as sf

    sink = _DescriptorSink(fd)
    try:
        out = sf.SoundFile(sink, "w", sample_rate, 1, "PCM_16", format="FLAC")
    except (sf.LibsndfileError, OverflowError) as exc:
        sink.raise_failure()
        raise _bad_rate(sample_rate) from exc  # channels and format are fixed: only the rate can be refused
    try:
        with out:
            for block in _pcm_blocks(samples):
                out.write(block)
    except (sf.SoundFileError, AssertionError) as exc:  # soundfile asserts on a short write
        sink.raise_failure()
        raise StoreError(f"cannot encode the answer's audio: {exc}") from exc
    sink.raise_failure()  # a failed write at close is not always reported by libsndfile


def _sha256_of(fd: int) -> str:
    """sha256 of the whole file behind `fd`, read back in chunks (what review and export check).

    FLAC's header is rewritten at the end of encoding (length, MD5), so the bytes cannot be hashed
    as they are written; reading back just-written pages from the cache is cheap.
    """
    digest = hashlib.sha256()
    offset = 0
    while chunk := os.pread(fd, HASH_CHUNK, offset):
        digest.update(chunk)
        offset += len(chunk)
    return digest.hexdigest()


def write_answer_audio(folder: Path, name: str, audio: np.ndarray, sample_rate: int) -> WrittenAudio:
    """Encode and durably write one answer's audio as `folder/name`, streaming block by block.

    `audio` is mono int16 PCM (stored bit-exactly) or float in [-1, 1] (clipped, NaN as
    silence; libsndfile stores round(x * 32768) clipped to int16, so a caller converting to int16
    itself should do the same to get the same file); of a 2-D (frames x channels) array the first
    channel is kept. The extra memory is one block, not a copy of the answer. The returned sha256
    is that of the final file's bytes.
    """
    samples = _mono(audio)
    rate = _checked_rate(sample_rate)
    path = folder / name
    try:
        make_private_dir(folder)
        with _private_replace(path) as fd:
            _encode_flac(fd, samples, rate)
            sha256 = _sha256_of(fd)
    except OSError as exc:
        raise StoreError(f"cannot save the answer's audio in {folder}: {describe_os_error(exc)}") from exc
    return WrittenAudio(path=path, sha256=sha256, frames=int(samples.shape[0]))


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
