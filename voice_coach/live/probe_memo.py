"""Whisper's second opinion on an island of speech that no word accounts for (a hesitation, or a word it dropped).

The hesitation count asks it while the candidate speaks (on the transcription worker) and again in
the final analysis; the memo answers the second time, so the candidate does not wait for it twice.
"""

from __future__ import annotations

import threading

from voice_coach.core.interfaces import Transcriber
from voice_coach.core.timed import SAMPLE_RATE, Span
from voice_coach.live.recording import Recording


class ProbeMemo:
    """Whisper's second opinion per island, kept so the final analysis does not ask again what the worker asked."""

    def __init__(self, transcriber: Transcriber, recording: Recording) -> None:
        self._transcriber = transcriber
        self._recording = recording
        self._seen: list[tuple[Span, str]] = []
        self._lock = threading.Lock()
        self.settled_before_s: float | None = None
        """Once the answer is over: islands before this time were judged while the candidate spoke.
        One the worker never asked about (its edges moved a little in the final analysis) keeps its
        acoustic verdict instead of costing a Whisper pass while the candidate waits."""

    def __call__(self, span: Span) -> str:
        with self._lock:
            for seen, text in self._seen:
                overlap = min(seen.end, span.end) - max(seen.start, span.start)
                if overlap >= 0.5 * max(seen.duration, span.duration):
                    return text
            if self.settled_before_s is not None and span.end <= self.settled_before_s:
                return ""
        clip = self._recording.float32(int(span.start * SAMPLE_RATE), int(span.end * SAMPLE_RATE))
        text = self._transcriber.probe(clip)
        with self._lock:
            self._seen.append((span, text))
        return text
