"""The interviewer's voice (Speaker implementations): synthesized by engines/tts.py, played by audio/playback.py.

Every Speaker renders a line first and plays it second, so the session can synthesize on its own
thread, note the moment the sound starts, and play on a worker while it saves and prints.
"""

from __future__ import annotations

import sys
import threading
from typing import TextIO

import numpy as np

from voice_coach.audio.devices import resolve_device
from voice_coach.audio.phone_line import phone_line as render_phone_line
from voice_coach.audio.playback import play_samples
from voice_coach.core.timed import SAMPLE_RATE
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
        self._lock = threading.Lock()
        self._playing: set[threading.Event] = set()
        self.last_audio: tuple[np.ndarray, int] | None = None
        """The samples and rate of the last utterance played (libespeak-ng varies slightly between calls)."""

    def render(self, text: str) -> tuple[np.ndarray, int]:
        """What `say` would play, as (samples, rate), without playing it."""
        samples, rate = synthesize(text, self.voice, self.rate_wpm)
        if self.phone_line and len(samples):
            samples, rate = render_phone_line(samples, rate)
        return samples, rate

    def play(self, samples: np.ndarray, sample_rate: int) -> None:
        """Play audio on this speaker's device; return once it has played or `stop()` cut it off.

        Several plays may run at once (the demo plays its candidate through the interviewer's
        speaker); `stop()` cuts off all of them.
        """
        self.last_audio = (samples, sample_rate)
        cut = threading.Event()
        with self._lock:
            self._playing.add(cut)
        try:
            play_samples(samples, sample_rate, self.device, stop=cut)
        finally:
            with self._lock:
                self._playing.discard(cut)

    def stop(self) -> None:
        """Cut off what is playing now, within one 50 ms write (Enter or Ctrl-C); callable from any thread."""
        with self._lock:
            for cut in self._playing:
                cut.set()

    def say(self, text: str) -> None:
        """Render and play `text`; return once it has played."""
        self.play(*self.render(text))


class SilentSpeaker:
    """Prints what the interviewer would say (for --no-speech and machines without a speaker).

    The printed line is its sound: `render` prints it at once and returns no audio, so a session
    that renders on its own thread shows the line at the moment a voice would start.
    """

    def __init__(self, prefix: str = "", stream: TextIO | None = None) -> None:
        self.prefix = prefix
        self.stream = stream

    def render(self, text: str) -> tuple[np.ndarray, int]:
        """Print the line; there is nothing to play."""
        print(f"{self.prefix}{text}", file=self.stream or sys.stdout, flush=True)
        return np.zeros(0, dtype=np.float32), SAMPLE_RATE

    def play(self, samples: np.ndarray, sample_rate: int) -> None:
        """Nothing to play on a silent speaker (audio handed to it is dropped)."""

    def stop(self) -> None:
        """Nothing is ever playing."""

    def say(self, text: str) -> None:
        """Print the line."""
        self.play(*self.render(text))
