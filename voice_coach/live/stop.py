"""Ending things from outside the capture loop: Enter (EnterKey, an "enter-key" thread reading the
terminal) and Ctrl-C, SIGTERM, SIGHUP (StopRequest, signal handlers on the main thread), one stop request
for the whole command."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

from voice_coach.core.interfaces import AudioSource


def read_lines(stream: Any) -> Iterator[str]:
    """The lines typed on `stream`, read with os.read on its file descriptor, until the end of input.

    Never through sys.stdin's buffered reader: a daemon thread blocked inside that reader holds its
    lock, and an interpreter that shuts down then (Ctrl-C, the end of the session) can abort with
    "could not acquire lock for <stdin> at interpreter shutdown". A stream without a descriptor
    (tests) is read with readline.
    """
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None
    if fd is None:
        while True:
            try:
                line = stream.readline()
            except (OSError, ValueError):
                return
            if not line:
                return
            yield line.rstrip("\r\n")
    pending = b""
    while True:
        try:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            chunk = os.read(fd, 4096)
        except (OSError, ValueError):
            return
        if not chunk:
            if pending:
                yield pending.decode("utf-8", "replace")
            return
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            yield line.decode("utf-8", "replace").rstrip("\r")


class EnterKey:
    """Enter on the terminal ends an answer: a daemon thread reads stdin lines (only from a terminal).

    While active, typed keys are not echoed, so Enter does not scroll the live view. Restoring the
    terminal at the end never fails (after SIGHUP the terminal is gone).
    """

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stdin
        self.pressed = threading.Event()
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self._thread: threading.Thread | None = None
        self._saved: Any = None

    def arm(self) -> threading.Event:
        """Forget earlier presses and return the event the next press sets."""
        self.pressed.clear()
        if self.enabled and self._thread is None:
            self._thread = threading.Thread(target=self._read, name="enter-key", daemon=True)
            self._thread.start()
        return self.pressed

    def _read(self) -> None:
        for _ in read_lines(self.stream):
            self.pressed.set()

    def __enter__(self) -> EnterKey:  # noqa: PYI034 - typing.Self needs Python 3.11
        if self.enabled:
            try:
                import termios

                fd = self.stream.fileno()
                self._saved = termios.tcgetattr(fd)
                quiet = termios.tcgetattr(fd)
                quiet[3] &= ~termios.ECHO
                termios.tcsetattr(fd, termios.TCSADRAIN, quiet)
            except Exception:  # noqa: BLE001 - no termios (Windows) or not a real terminal: echo stays on
                self._saved = None
        return self

    def __exit__(self, *exc: object) -> None:
        saved, self._saved = self._saved, None
        if saved is not None:
            with contextlib.suppress(Exception):  # a hung-up terminal (SIGHUP) cannot be restored, and need not be
                import termios

                termios.tcsetattr(self.stream.fileno(), termios.TCSADRAIN, saved)


class StopRequest:
    """Ctrl-C, SIGTERM and SIGHUP as a request to stop, never an exception.

    The first signal sets `event`, notes which it was (`signum`) and closes the source being
    captured, so the capture loop ends cleanly with what it has; the session then finishes and
    saves the answer in progress and stops. Later signals are counted and otherwise ignored: an
    exception thrown into the finishing analysis or the save would lose the answer the program
    has just promised to keep, and a process torn down while a transcriber or audio thread is in
    native code can abort or crash. SIGHUP means the terminal is gone: standard input and output
    are pointed at /dev/null when they no longer work, so the rest of the session's printing
    cannot fail. Entered more than once (a command and the interview inside it), it installs its
    handlers only at the outermost level.
    """

    SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))

    def __init__(self) -> None:
        self.event = threading.Event()
        self.source: AudioSource | None = None
        self.signum: int | None = None
        """The first stop signal received (None until then)."""
        self.count = 0
        """How many stop signals arrived."""
        self._previous: dict[int, Any] = {}
        self._depth = 0

    def _handle(self, signum: int, frame: Any) -> None:
        self.count += 1
        if signum == getattr(signal, "SIGHUP", None):
            _detach_from_lost_terminal()
        if self.event.is_set():
            return
        self.signum = signum
        self.event.set()
        source = self.source
        if source is not None:
            with contextlib.suppress(Exception):  # a vanished device may fail to close; the capture loop ends anyway
                source.close()

    @property
    def described(self) -> str:
        """The first signal in words ("Ctrl-C", "SIGTERM", "SIGHUP")."""
        return describe_stop_signal(self.signum)

    @property
    def exit_code(self) -> int:
        """128 + the signal's number, as a shell reports a process ended by it (130 for Ctrl-C)."""
        return 128 + int(self.signum or signal.SIGINT)

    def __enter__(self) -> StopRequest:  # noqa: PYI034 - typing.Self needs Python 3.11
        if self._depth == 0 and threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            for signum, previous in self._previous.items():
                signal.signal(signum, previous)
            self._previous.clear()


def ignore_stop_signals_to_exit() -> None:
    """Once a stopped command has said what it kept, further Ctrl-C, SIGTERM and SIGHUP are ignored.

    The process still has to tear down (the interpreter's finalization, a model half loaded on a
    daemon thread); Python puts the default handlers back for that, and a second Ctrl-C then kills
    the process by the signal (exit -2 instead of 130) after it has printed that it stopped cleanly.
    An ignored signal stays ignored through finalization.
    """
    if threading.current_thread() is threading.main_thread():
        for signum in StopRequest.SIGNALS:
            signal.signal(signum, signal.SIG_IGN)


def describe_stop_signal(signum: int | None) -> str:
    if signum is None or signum == signal.SIGINT:
        return "Ctrl-C"
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def _detach_from_lost_terminal() -> None:
    """After a hang-up, point stdout and stderr at /dev/null if they no longer work.

    A write to a terminal that has hung up fails with EIO; a zero-byte write shows it without
    printing anything. A pipe or file (nohup, a redirect) keeps working and is left alone.
    """
    import os

    devnull: int | None = None
    try:
        for fd in (1, 2):  # standard input of a hung-up terminal reads as the end of input: no harm
            try:
                os.write(fd, b"")
            except OSError:
                if devnull is None:
                    devnull = os.open(os.devnull, os.O_RDWR)
                with contextlib.suppress(OSError):
                    os.dup2(devnull, fd)
    finally:
        if devnull is not None:
            os.close(devnull)


# ---------------------------------------------------------------- where answers come from
