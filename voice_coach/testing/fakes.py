"""Fakes for the tests and the demo: a Speaker that keeps what it was asked to say, and in-memory answers.

Nothing in the practice path imports this package; `voice-coach demo` uses ClipInputs for its
simulated candidate.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from voice_coach.core.interfaces import AudioSource


class RecordingSpeaker:
    """A fake for tests: keeps every line said; `delay_s` stands in for the time speaking takes."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.said: list[str] = []
        self.delay_s = delay_s

    def say(self, text: str) -> None:
        self.said.append(text)
        if self.delay_s:
            time.sleep(self.delay_s)


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
