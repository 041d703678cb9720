"""The live path: push audio blocks in, get running figures out, and the full analysis at the end.

capture -> voice activity -> transcription of each finished stretch of speech -> metrics.
Stretches are cut in silences that voice activity has closed and transcribed as soon as they close
(on a worker thread when live, inline when a file is analysed, with the same cuts either way), so
when the answer ends only the last stretch is left to transcribe: the wait does not grow with the
answer. This is the one module that makes a thread.
"""

from __future__ import annotations

import bisect
import queue
import threading
from dataclasses import dataclass
from typing import Callable

import numpy as np

from voice_coach.analysis.answer import AnswerAnalysis, analyze_answer, speech_spans
from voice_coach.analysis.hesitations import find_hesitations
from voice_coach.analysis.speech_spans import split_islands
from voice_coach.analysis.lexical_fillers import is_non_lexical, lexical_filler_spans
from voice_coach.interfaces import Transcriber
from voice_coach.settings import AnalysisSettings
from voice_coach.timed import SAMPLE_RATE, Span, Word
from voice_coach.vad import FRAME_SAMPLES, SPEECH_OFF, SPEECH_ON, SileroVad, SpeechTracker

CUT_SILENCE_S = 0.5
"""A silence this long closes a stretch (if enough speech is waiting)."""
MIN_STRETCH_S = 4.0
"""Live: shorter stretches wait for more speech unless the silence is long, so Whisper keeps context."""
LONG_SILENCE_S = 1.0
MAX_STRETCH_S = 20.0
"""Live: continuous talk is cut at its deepest gap by this length, to keep the last stretch short."""
FILE_STRETCH_S = (15.0, 28.0)
"""A file has no one waiting: longer stretches use Whisper's 30 s window better (fewer encoder passes)."""
LEAD_PAD_S = 0.25
PROMPT_WORDS = 40


def _heard(word: Word, islands: list, shift: float, margin_s: float = 0.3) -> bool:
    """False for words Whisper wrote where nobody spoke: its hallucinations sit in silence, often with zero length."""
    start, end = word.start - shift, word.end - shift
    if islands and end - start < 0.005 and start > islands[-1].end:
        return False
    return any(start < isl.end + margin_s and end > isl.start - margin_s for isl in islands)


class Recording:
    """The answer's audio as 16-bit PCM: half the memory of float32, ample for analysis (96 dB).

    Blocks are kept as they came; a slice touches only the blocks it needs, so the worker can read a
    stretch while the microphone keeps appending, without ever copying the whole answer.
    """

    def __init__(self) -> None:
        self._blocks: list[np.ndarray] = []
        self._starts: list[int] = []
        self._lock = threading.Lock()
        self.length = 0

    def append(self, block: np.ndarray) -> None:
        pcm = np.clip(np.round(block * 32767.0), -32768, 32767).astype(np.int16)
        with self._lock:
            self._blocks.append(pcm)
            self._starts.append(self.length)
            self.length += len(pcm)

    def int16(self, start: int = 0, end: int | None = None) -> np.ndarray:
        with self._lock:
            end = self.length if end is None else min(end, self.length)
            start = max(0, start)
            if end <= start:
                return np.zeros(0, dtype=np.int16)
            first = bisect.bisect_right(self._starts, start) - 1
            last = bisect.bisect_left(self._starts, end)
            pieces = self._blocks[first:last]
            offset = self._starts[first]
        joined = np.concatenate(pieces) if len(pieces) > 1 else pieces[0]
        return joined[start - offset : end - offset]

    def float32(self, start: int = 0, end: int | None = None) -> np.ndarray:
        return self.int16(start, end).astype(np.float32) / 32768.0

    def consolidate(self) -> None:
        """Join the blocks into one array once capture is over, freeing the pieces (no second copy kept)."""
        with self._lock:
            if len(self._blocks) > 1:
                joined = np.concatenate(self._blocks)
                self._blocks, self._starts = [joined], [0]


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


@dataclass(frozen=True)
class LiveStats:
    """What the live view shows, refreshed several times a second."""

    elapsed_s: float
    speaking: bool
    speech_started: bool
    silence_s: float
    words: tuple[Word, ...]
    wpm: float | None
    filler_count: int
    pending_s: float
    """Audio waiting for transcription."""


class LiveAnalyzer:
    """Push 16 kHz float32 blocks with `insert`; `stats()` any time; `finish()` once for the analysis."""

    def __init__(
        self,
        transcriber: Transcriber,
        settings: AnalysisSettings = AnalysisSettings(),
        vad: SileroVad | None = None,
        background: bool = True,
        model_name: str = "",
        on_words: Callable[[list[Word]], None] | None = None,
        stretch_s: tuple[float, float] = (MIN_STRETCH_S, MAX_STRETCH_S),
    ) -> None:
        self.settings = settings
        self._min_stretch_s, self._max_stretch_s = stretch_s
        self.recording = Recording()
        self.tracker = SpeechTracker(vad or SileroVad())
        self._transcriber = transcriber
        self._probe = ProbeMemo(transcriber, self.recording) if hasattr(transcriber, "probe") else None
        self._model_name = model_name
        self._on_words = on_words
        self._words: list[Word] = []
        self._hesitations = 0
        self._lock = threading.Lock()
        self._next = 0  # first sample not yet sent to transcription
        self._last_stretch_start = 0
        self._error: BaseException | None = None
        self._queue: queue.Queue[tuple[int, int] | None] | None = None
        self._worker: threading.Thread | None = None
        if background:
            self._queue = queue.Queue()
            self._worker = threading.Thread(target=self._work, name="transcriber", daemon=True)
            self._worker.start()

    # -- pushing audio -------------------------------------------------------------------------
    def insert(self, block: np.ndarray) -> None:
        self.recording.append(block)
        self.tracker.insert(block)
        cut = self._cut_point()
        if cut is not None:
            self._dispatch(cut)

    def _cut_point(self) -> int | None:
        t = self.tracker
        if t.last_speech_frame is None:
            return None
        speech_end = (t.last_speech_frame + 1) * FRAME_SAMPLES
        if speech_end <= self._next:
            return None
        waiting = (speech_end - self._stretch_start()) / SAMPLE_RATE
        silence = t.silence_s()
        if not t.speaking and (
            (silence >= CUT_SILENCE_S and waiting >= self._min_stretch_s) or silence >= max(LONG_SILENCE_S, self._min_stretch_s / 4)
        ):
            return speech_end + int(min(silence / 2, 0.3) * SAMPLE_RATE)
        if waiting >= self._max_stretch_s:
            return self._deepest_gap()
        return None

    def _stretch_start(self) -> int:
        """Where the waiting stretch begins: just before its first speech, skipping the silence before it."""
        frame0 = self._next // FRAME_SAMPLES
        above = np.flatnonzero(np.asarray(self.tracker.probs[frame0:]) >= SPEECH_ON)
        first = frame0 + int(above[0]) if len(above) else frame0
        return max(self._next, first * FRAME_SAMPLES - int(LEAD_PAD_S * SAMPLE_RATE))

    def _deepest_gap(self) -> int:
        """The middle of the longest low-probability run in the second half of the waiting stretch."""
        probs = np.asarray(self.tracker.probs)
        lo = (self._stretch_start() // FRAME_SAMPLES) + len(probs[self._stretch_start() // FRAME_SAMPLES :]) // 2
        quiet = probs[lo:] < SPEECH_OFF
        best, best_len, run_start = len(probs) - 1, 0, None
        for i, q in enumerate(np.append(quiet, False)):
            if q and run_start is None:
                run_start = i
            elif not q and run_start is not None:
                if i - run_start > best_len:
                    best, best_len = lo + (run_start + i) // 2, i - run_start
                run_start = None
        if best_len == 0:
            best = lo + int(np.argmin(probs[lo:]))
        return (best + 1) * FRAME_SAMPLES

    def _dispatch(self, end: int) -> None:
        start = self._stretch_start()
        self._last_stretch_start = start
        self._next = end
        if self._queue is not None:
            self._queue.put((start, end))
        else:
            self._transcribe(start, end)

    def _work(self) -> None:
        assert self._queue is not None
        while True:
            job = self._queue.get()
            if job is None:
                self._queue.task_done()
                return
            try:
                self._transcribe(*job)
            except BaseException as exc:  # noqa: BLE001 - surfaced by finish()
                self._error = exc
            finally:
                self._queue.task_done()

    def _transcribe(self, start: int, end: int) -> None:
        samples = self.recording.float32(start, end)
        with self._lock:
            prompt = " ".join(w.text for w in self._words[-PROMPT_WORDS:]) or None
        words = list(self._transcriber.transcribe(samples, offset_s=start / SAMPLE_RATE, prompt=prompt))
        probs = self.tracker.probs[start // FRAME_SAMPLES : end // FRAME_SAMPLES + 1]
        pad = start % FRAME_SAMPLES
        islands = speech_spans(self.recording.float32(start - pad, end), probs) if probs else []
        shift = (start - pad) / SAMPLE_RATE
        words = [w for w in words if _heard(w, islands, shift)]
        local = [Word(w.text, w.start - shift, w.end - shift, w.probability) for w in words]
        chunk = self.recording.float32(start - pad, end)
        probe = self._probe
        local_probe = (lambda sp: probe(Span(sp.start + shift, sp.end + shift))) if probe else None
        found, _ = find_hesitations(local, split_islands(chunk, islands), chunk, local_probe)
        with self._lock:
            self._words.extend(words)
            self._hesitations += sum(1 for f in found)
        if self._on_words and words:
            self._on_words(words)

    # -- reading -------------------------------------------------------------------------------
    def stats(self) -> LiveStats:
        t = self.tracker
        with self._lock:
            words = tuple(self._words)
            hesitations = self._hesitations
        lexical = sum(1 for _ in lexical_filler_spans(words))
        spoken = [w for w in words if not is_non_lexical(w.text)]
        wpm = None
        if t.first_speech_frame is not None and len(spoken) >= 5:
            span = spoken[-1].end - t.first_speech_frame * FRAME_SAMPLES / SAMPLE_RATE
            wpm = 60.0 * len(spoken) / span if span > 1.0 else None
        return LiveStats(
            elapsed_s=self.recording.length / SAMPLE_RATE,
            speaking=t.speaking,
            speech_started=t.first_speech_frame is not None,
            silence_s=t.silence_s(),
            words=words,
            wpm=wpm,
            filler_count=hesitations + lexical,
            pending_s=(self.recording.length - self._next) / SAMPLE_RATE,
        )

    def finish(self, source: str = "") -> AnswerAnalysis:
        """Transcribe what is left, wait for the worker, and analyse the whole answer."""
        t = self.tracker
        if t.last_speech_frame is not None and (t.last_speech_frame + 1) * FRAME_SAMPLES > self._next:
            self._dispatch(self.recording.length)
        if self._queue is not None and self._worker is not None:
            self._queue.put(None)
            self._worker.join()
        if self._error is not None:
            raise self._error
        if self._probe is not None:
            self._probe.settled_before_s = self._last_stretch_start / SAMPLE_RATE
        self.recording.consolidate()
        samples = self.recording.float32()
        return analyze_answer(samples, t.probs, self._words, self.settings, self._model_name, source, self._probe)

