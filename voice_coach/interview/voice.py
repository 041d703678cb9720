"""The interviewer's voice: speaks through a Speaker and notes when each utterance's first sound starts.

Starts one thread per utterance when the speaker can render and play ("interviewer-voice", a
live.background.BackgroundCall).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np

from voice_coach.core.interfaces import Speaker
from voice_coach.core.timed import SAMPLE_RATE
from voice_coach.live.background import BackgroundCall

CUT_OFF_WAIT_S = 2.0
"""How long a stop waits for the cut-off utterance's thread (it stops within one 50 ms write)."""


class Voice:
    """Speaks through a Speaker and notes the moment the first sound of each utterance starts.

    A speaker with `render` and `play` (Pyttsx3Speaker) has the text synthesized on the calling
    thread and played on an "interviewer-voice" thread (live/background.py), so the caller can save
    and print while the candidate listens.
    """

    def __init__(self, speaker: Speaker, console: Any = None, echo: bool = False,
                 stop: threading.Event | None = None) -> None:
        self.speaker, self.console, self.echo, self.stop = speaker, console, echo, stop
        self._playing: BackgroundCall[None] | None = None

    def start(self, text: str) -> float:
        """Begin saying `text`; returns time.monotonic() at its first sound (or print).

        Once the session is stopping (Ctrl-C, SIGTERM, SIGHUP) nothing more is said."""
        self.wait()
        if self.stop is not None and self.stop.is_set():
            return time.monotonic()
        if self.echo and self.console is not None:
            self.console.print(f"[bold cyan]Interviewer:[/] {text}", highlight=False)
        samples, rate = self.speaker.render(text)
        first = time.monotonic()
        self._playing = BackgroundCall("interviewer-voice", self.speaker.play, samples, rate)
        return first

    def wait(self) -> None:
        """Until the utterance has played; a speaker failure is raised here.

        On a stop the utterance is cut off (the speaker's `stop()`), and its thread is given a moment
        to leave the audio library: a process that exits while a thread is inside PortAudio can crash."""
        playing = self._playing
        while playing is not None and not playing.wait(0):
            if self.stop is not None and self.stop.is_set():
                self._playing = None
                self.speaker.stop()
                playing.wait(CUT_OFF_WAIT_S)
                return
            playing.wait(0.05)
        self._playing = None
        if playing is not None:
            playing.result()

    def say(self, text: str) -> None:
        self.start(text)
        self.wait()



class PrintedSpeaker:
    """The interviewer's lines printed instead of spoken (`--quiet`, or no speaker), wrapped at words.

    audio/speaker.py's SilentSpeaker prints with print(), which the terminal breaks wherever the
    line reaches its edge ("phone s" / "creen"); this prints through the session's rich console,
    like the echo of spoken lines."""

    def __init__(self, console: Any, prefix: str = "Interviewer: ") -> None:
        self.console, self.prefix = console, prefix

    def render(self, text: str) -> tuple[np.ndarray, int]:
        """Prints the line; there is nothing to play (the Speaker protocol, core/interfaces.py)."""
        from rich.text import Text

        line = Text(self.prefix, style="bold cyan") if self.prefix else Text()
        line.append(text)
        self.console.print(line)
        return np.zeros(0, dtype=np.float32), SAMPLE_RATE

    def play(self, samples: np.ndarray, sample_rate: int) -> None:
        """Nothing to play."""

    def stop(self) -> None:
        """Nothing is playing."""

    def say(self, text: str) -> None:
        self.play(*self.render(text))
