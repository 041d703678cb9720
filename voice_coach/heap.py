"""Giving freed memory back to the system after each Whisper call.

Every transcription allocates and frees some 100 MB of short-lived buffers (the log-mel features
of a padded 30 s window, the decoder's beams). glibc keeps freed heap memory inside the process,
so without a trim the resident size creeps up by that much and stays there, which matters over a
30-minute answer held in memory beside the model. `malloc_trim` hands the free pages back. On other
C libraries (macOS, Windows, musl) this is a no-op.
"""

from __future__ import annotations

import ctypes
from functools import lru_cache
from typing import Callable


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_free_memory() -> None:
    """Return the process's free heap pages to the system (glibc): 10-250 ms, so only where nobody waits."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
