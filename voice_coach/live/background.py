"""One call on its own thread, its result or its error collected on the thread that asked for it.

The threads the product starts, all daemon threads (none outlives the command), all started in live/:
- "model-loader": loads Whisper while the greeting is spoken (a BackgroundCall; interview/session.py ModelLoader).
- "interviewer-voice": plays one synthesized utterance, so the session saves and prints while the
  candidate listens (a BackgroundCall; interview/voice.py).
- "demo-candidate": plays the demo's simulated answer aloud while it is analysed (a BackgroundCall;
  commands/demo.py); its failures are dropped: hearing the candidate is a bonus.
- "transcriber": the LiveAnalyzer's worker, which transcribes each stretch of speech as it closes
  (live/analyzer.py).
- "enter-key": reads lines from the terminal, so Enter ends an answer (live/capture.py EnterKey).
Libraries start their own: rich's Live refreshes the live view on a thread; PortAudio calls the
microphone's and speaker's callbacks on its own (audio/).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class BackgroundCall(Generic[T]):
    """`fn(*args)` on a daemon thread named `name`, started at once; `result()` returns its value or raises its error."""

    def __init__(self, name: str, fn: Callable[..., T], *args: Any) -> None:
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn, args), name=name, daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[..., T], args: tuple[Any, ...]) -> None:
        try:
            self._value = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - raised on the caller's thread by result()
            self._error = exc

    def wait(self, timeout_s: float | None = None) -> bool:
        """Wait until the call has returned, or `timeout_s` has passed; True if it has returned."""
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def result(self) -> T:
        """The call's value once it has returned; an exception it raised is raised here."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]
