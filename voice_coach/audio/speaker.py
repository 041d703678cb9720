"""The interviewer's voice (Speaker implementations): synthesized by engines/tts.py, played by audio/playback.py."""

from __future__ import annotations

import sys
import threading
from typing import TextIO

import numpy as np

from voice_coach.audio.devices import resolve_device
from voice_coach.audio.phone_line import phone_line as render_phone_line
from voice_coach.audio.playback import play_samples
from voice_coach.engines.tts import resolve_voice, synthesize


class Pyttsx3Speaker:
    """The interviewer's voice on a real output device (a Speaker).

    The device and voice are checked at construction, so a missing speaker is reported before the
    session starts; `phone_line=True` renders the voice as a narrowband call.
    """

    def __init__(self, voice: str | None = None, rate_wpm: int = 170, output_device: int | str | None = None,
                 phone_line: bool = False) -> None:
        self.device = resolve_device(output_device, "output")
        self.voice = resolve_voice(voice)
        self.rate_wpm = int(rate_wpm)
        self.phone_line = phone_line
        self._stop = threading.Event()
        self.last_audio: tuple[np.ndarray, int] | None = None
        """The samples and rate of the last utterance played (libespeak-ng varies slightly between calls)."""

    def render(self, text: str) -> tuple[np.ndarray, int]:
        """What `say` would play, as (samples, rate), without playing it."""
        samples, rate = synthesize(text, self.voice, self.rate_wpm)
        if self.phone_line and len(samples):
            samples, rate = render_phone_line(samples, rate)
        return samples, rate

    def play(self, samples: np.ndarray, sample_rate: int) -> None:
        """Play ready-made audio on this speaker's device (blocking; `stop()` from another thread cuts it off)."""
        self.last_audio = (samples, sample_rate)
        self._stop.clear()
        play_samples(samples, sample_rate, self.device, stop=self._stop)

    def stop(self) -> None:
        """Cut off the utterance playing now (the candidate pressed Enter or Ctrl-C)."""
        self._stop.set()

    def say(self, text: str) -> None:
        self.play(*self.render(text))

    @property
    def last_duration_s(self) -> float:
        return len(self.last_audio[0]) / self.last_audio[1] if self.last_audio else 0.0


class SilentSpeaker:
    """Prints what the interviewer would say (for --no-speech and machines without a speaker)."""

    def __init__(self, prefix: str = "", stream: TextIO | None = None) -> None:
        self.prefix = prefix
        self.stream = stream

    def say(self, text: str) -> None:
        print(f"{self.prefix}{text}", file=self.stream or sys.stdout, flush=True)
