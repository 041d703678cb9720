"""The keys of a practice session: Enter ends an answer, "r" then Enter asks to try the question again.

`SessionKeys` is the EnterKey of live/stop.py (the same line reading, `read_lines`, and the same
terminal handling) that also keeps each line typed, so "r" (or "retry", "again") then Enter can ask
for another attempt at the question, during the answer, while the feedback plays, or at the prompt
after it.

With `prompts=True` (`practice --retry`) a standard input that is not a terminal (a pipe, a file)
is read too, but only for the prompt after the feedback: its lines never end an answer.
"""

from __future__ import annotations

import contextlib
import queue
import sys
import threading
from collections.abc import Iterator
from typing import Any

from voice_coach.live.stop import EnterKey, read_lines

RETRY_WORDS = frozenset({"r", "retry", "again", "try again", "y", "yes"})
"""A line that asks to answer the question again (case and spaces ignored). "y"/"yes" answer the prompt."""


def is_retry(line: str | None) -> bool:
    return line is not None and " ".join(line.lower().split()) in RETRY_WORDS


class SessionKeys(EnterKey):
    """Enter ends an answer (on a terminal); "r" then Enter asks for another attempt; lines for the retry prompt."""

    def __init__(self, stream: Any = None, prompts: bool = False) -> None:
        super().__init__(stream)
        self.prompts = prompts
        self.reading = self.enabled or (prompts and not getattr(self.stream, "closed", False))
        """Whether lines are read at all: on a terminal, or for the retry prompt (--retry) from any input."""
        self.retry_asked = threading.Event()
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._eof = threading.Event()

    # ---- reading ---------------------------------------------------------------------------
    def arm(self) -> threading.Event:
        """Forget earlier presses (and earlier "r"s) and return the event the next Enter sets."""
        self.pressed.clear()
        self.retry_asked.clear()
        self._start()
        return self.pressed

    def _start(self) -> None:
        if self.reading and self._thread is None:
            self._thread = threading.Thread(target=self._read, name="enter-key", daemon=True)
            self._thread.start()

    def _read(self) -> None:
        try:
            for line in read_lines(self.stream):
                if self.enabled:  # a line from a pipe is only ever an answer to the prompt
                    if is_retry(line):
                        self.retry_asked.set()
                    self.pressed.set()
                self._lines.put(line)
        finally:
            self._eof.set()
            self._lines.put(None)

    # ---- the prompt after the feedback -----------------------------------------------------
    def discard(self) -> None:
        """Forget lines typed so far (before a prompt is shown)."""
        with contextlib.suppress(queue.Empty):
            while True:
                if self._lines.get_nowait() is None:
                    self._lines.put(None)  # keep the end of input for the next reader
                    return

    def next_line(self, stop: threading.Event | None = None, timeout_s: float | None = None) -> str | None:
        """The next line typed, or None at the end of input, on `stop`, or after `timeout_s`."""
        if not self.reading:
            return None
        self._start()
        waited = 0.0
        while stop is None or not stop.is_set():
            try:
                line = self._lines.get(timeout=0.1)
            except queue.Empty:
                waited += 0.1
                if timeout_s is not None and waited >= timeout_s:
                    return None
                continue
            if line is None:
                self._lines.put(None)
                return None
            return line
        return None


@contextlib.contextmanager
def no_echo(stream: Any = None) -> Iterator[None]:
    """Keys typed on the terminal are not echoed while the block runs (nothing happens off a terminal).

    A session without keys of its own (the demo) uses it: a Ctrl-C echoed as "^C" at the end of the
    live view's last line wraps it onto a new line, so the view's cleanup misses its top line and a
    stray "Question 2 of 4" border stays on screen."""
    stream = stream or sys.stdin
    saved = None
    fd = -1
    try:
        import termios

        if stream is not None and stream.isatty():
            fd = stream.fileno()
            saved = termios.tcgetattr(fd)
            quiet = termios.tcgetattr(fd)
            quiet[3] &= ~(termios.ECHO | termios.ECHOCTL)
            termios.tcsetattr(fd, termios.TCSADRAIN, quiet)
    except Exception:  # noqa: BLE001 - no termios (Windows), or not a real terminal: echo stays on
        saved = None
    try:
        yield
    finally:
        if saved is not None:
            with contextlib.suppress(Exception):  # a hung-up terminal cannot be restored, and need not be
                termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def stdin_keys(prompts: bool = False) -> SessionKeys:
    """The session's keys on this process's standard input."""
    return SessionKeys(sys.stdin, prompts=prompts)
