"""Fakes for the tests and the demo: a Speaker that keeps what it was asked to say, and in-memory answers.

Nothing in the practice path imports this package; `voice-coach demo` uses ClipInputs for its
simulated candidate.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import numpy as np

from voice_coach.core.interfaces import AudioSource
from voice_coach.core.timed import SAMPLE_RATE


class RecordingSpeaker:
    """A fake Speaker: keeps every line said; `delay_s` stands in for the time speaking takes.

    `render` notes the line and returns `delay_s` of silence; `play` takes as long as the audio
    lasts (or until `stop()`), without a device.
    """

    def __init__(self, delay_s: float = 0.0) -> None:
        self.said: list[str] = []
        self.delay_s = delay_s
        self.stops = 0
        """How many times `stop()` was called."""
        self._cut = threading.Event()

    def render(self, text: str) -> tuple[np.ndarray, int]:
        self.said.append(text)
        return np.zeros(round(self.delay_s * SAMPLE_RATE), dtype=np.float32), SAMPLE_RATE

    def play(self, samples: np.ndarray, sample_rate: int) -> None:
        self._cut.clear()
        if len(samples):
            self._cut.wait(len(samples) / sample_rate)

    def stop(self) -> None:
        self.stops += 1
        self._cut.set()

    def say(self, text: str) -> None:
        self.play(*self.render(text))


class ClipInputs:
    """In-memory answers keyed by (question id, purpose): the demo's simulated candidate and the tests.

    A key of just the purpose ("answer") serves every question; a value may be a list, used in turn.
    """

    def __init__(self, clips: Mapping[Any, Any], realtime: bool = True, block_s: float = 0.1,
                 description: str = "simulated answers") -> None:
        self._clips = {k: list(v) if isinstance(v, (list, tuple)) else [v] for k, v in clips.items()}
        self.realtime, self.block_s = realtime, block_s
        self.description = description
        self.opened: list[tuple[str, str]] = []

    def open(self, question_id: str, purpose: str) -> AudioSource | None:
        from voice_coach.audio.file_source import ArraySource

        for key in ((question_id, purpose), purpose):
            queue = self._clips.get(key)
            if queue:
                self.opened.append((question_id, purpose))
                clip = queue.pop(0) if len(queue) > 1 else queue[0]
                if callable(clip) and not isinstance(clip, np.ndarray):
                    return clip()
                return ArraySource(clip, realtime=self.realtime, block_s=self.block_s)
        return None
