"""The interviewer's voice: speaks through a Speaker and notes when each utterance's first sound starts."""

from __future__ import annotations

import threading
import time
from typing import Any

from voice_coach.core.interfaces import Speaker


class Voice:
    """Speaks through a Speaker and notes the moment the first sound of each utterance starts.

    A speaker with `render` and `play` (Pyttsx3Speaker) has the text synthesized on the calling
    thread and played on a worker, so the caller can save and print while the candidate listens.
    """

    def __init__(self, speaker: Speaker, console: Any = None, echo: bool = False,
                 stop: threading.Event | None = None) -> None:
        self.speaker, self.console, self.echo, self.stop = speaker, console, echo, stop
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def start(self, text: str) -> float:
        """Begin saying `text`; returns time.monotonic() at its first sound (or print)."""
        self.wait()
        if self.echo and self.console is not None:
            self.console.print(f"[bold cyan]Interviewer:[/] {text}", highlight=False)
        render, play = getattr(self.speaker, "render", None), getattr(self.speaker, "play", None)
        if not (callable(render) and callable(play)):
            first = time.monotonic()
            self.speaker.say(text)
            return first
        samples, rate = render(text)
        first = time.monotonic()

        def run() -> None:
            try:
                play(samples, rate)
            except BaseException as exc:  # noqa: BLE001 - surfaced by wait()
                self._error = exc

        self._thread = threading.Thread(target=run, name="interviewer-voice", daemon=True)
        self._thread.start()
        return first

    def wait(self) -> None:
        """Until the utterance has played (or Ctrl-C was pressed); a speaker failure is raised here."""
        thread = self._thread
        while thread is not None and thread.is_alive():
            if self.stop is not None and self.stop.is_set():
                return
            thread.join(0.05)
        self._thread = None
        error, self._error = self._error, None
        if error is not None:
            raise error

    def say(self, text: str) -> None:
        self.start(text)
        self.wait()

