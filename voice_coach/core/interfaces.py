"""The small interfaces at the edges (devices, models) and the one in the middle (the live analyzer).

Each has a real implementation that touches a device or a model and a fake used by the tests.
Audio crossing these interfaces is always mono float32 at 16 kHz (timed.SAMPLE_RATE).
"""

from __future__ import annotations

from typing import Iterator, Protocol, Sequence

import numpy as np

from voice_coach.core.timed import Word


class AudioSource(Protocol):
    """Where an answer's audio comes from: a microphone, or a file replayed as if live."""

    def blocks(self) -> Iterator[np.ndarray]:
        """Yield float32 mono 16 kHz blocks (about 100 ms each) until exhausted or closed."""
        ...

    def close(self) -> None:
        """Stop capturing; a later `blocks()` iterator ends."""
        ...


class Speaker(Protocol):
    """The interviewer's voice."""

    def say(self, text: str) -> None:
        """Speak `text`; return once the sound has finished playing."""
        ...


class Transcriber(Protocol):
    """Speech to timed words for one stretch of audio."""

    def transcribe(self, samples: np.ndarray, offset_s: float = 0.0, prompt: str | None = None) -> Sequence[Word]:
        """Transcribe 16 kHz float32 `samples`; word times are shifted by `offset_s` (the stretch's place in the answer)."""
        ...

    def probe(self, samples: np.ndarray) -> str:
        """What is said in one short island of speech heard on its own, hesitations written out ("Um...")."""
        ...
