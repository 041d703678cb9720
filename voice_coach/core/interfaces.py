"""The small interfaces at the edges (devices, models) and the one in the middle (the live analyzer).

Each has a real implementation that touches a device or a model and a fake used by the tests.
Audio from an AudioSource and into a Transcriber is always mono float32 at 16 kHz (timed.SAMPLE_RATE);
a Speaker's audio carries its own sample rate (the synthesizer's, or the phone line's 8 kHz).
"""

from __future__ import annotations

from typing import Iterator, Protocol, Sequence

import numpy as np

from voice_coach.core.timed import Word


class AudioSource(Protocol):
    """Where an answer's audio comes from: a microphone, or a file replayed as if live."""

    def start(self) -> None:
        """Begin capturing now, before the first `blocks()` (a microphone opens its stream); idempotent.

        Sources that have nothing to open (recordings) do nothing; `blocks()` starts them anyway.
        """
        ...

    def blocks(self) -> Iterator[np.ndarray]:
        """Yield float32 mono 16 kHz blocks (about 100 ms each) until exhausted or closed."""
        ...

    def close(self) -> None:
        """Stop capturing; a later `blocks()` iterator ends."""
        ...


class Speaker(Protocol):
    """The interviewer's voice: a line is rendered to audio first, then played.

    The session renders on its own thread (so it knows when the sound starts), plays on a worker
    while it saves and prints, and calls `stop()` to cut the voice off on Ctrl-C.
    """

    def render(self, text: str) -> tuple[np.ndarray, int]:
        """The audio for `text` as (float32 mono samples, sample rate), not played yet (may be empty)."""
        ...

    def play(self, samples: np.ndarray, sample_rate: int) -> None:
        """Play audio (rendered, or any other); return once it has played or `stop()` cut it off."""
        ...

    def stop(self) -> None:
        """Cut off what `play` is playing now; safe to call from another thread, and when nothing plays."""
        ...

    def say(self, text: str) -> None:
        """`play(*render(text))`: speak `text`, return once the sound has finished playing."""
        ...


class Transcriber(Protocol):
    """Speech to timed words for one stretch of audio."""

    def transcribe(self, samples: np.ndarray, offset_s: float = 0.0, prompt: str | None = None) -> Sequence[Word]:
        """Transcribe 16 kHz float32 `samples`; word times are shifted by `offset_s` (the stretch's place in the answer)."""
        ...

    def probe(self, samples: np.ndarray) -> str:
        """What is said in one short island of speech heard on its own, hesitations written out ("Um...")."""
        ...
