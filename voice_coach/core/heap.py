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
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release_free_memory() -> None:
    """Return the process's free heap pages to the system (glibc): 10-250 ms, so only where nobody waits."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


M_MMAP_THRESHOLD = -3
"""mallopt parameter number (glibc malloc.h)."""
MMAP_THRESHOLD = 4 << 20
"""Blocks of 4 MB or more get their own memory map, unmapped the moment they are freed."""


def map_large_blocks() -> None:
    """Give every block of 4 MB or more its own memory map, for the whole process (glibc).

    glibc raises its mmap threshold each time a mapped block is freed (up to 32 MB), so after the
    first Whisper call its large buffers come from the heap instead and, once freed, stay in the
    process until a trim. A fixed threshold keeps that from happening; call it once, at start-up.
    """
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is not None:
        mallopt(ctypes.c_int(M_MMAP_THRESHOLD), ctypes.c_int(MMAP_THRESHOLD))
