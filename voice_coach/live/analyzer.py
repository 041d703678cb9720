"""The live path: push audio blocks in, get running figures out, and the full analysis at the end.

capture -> voice activity -> transcription of each finished stretch of speech -> metrics.
Stretches are cut in silences that voice activity has closed and transcribed as soon as they close
(on a worker thread when live, inline when a file is analysed, with the same cuts either way), so
when the answer ends only the last stretch is left to transcribe: the wait does not grow with the
answer. Live (`background=True`), it starts one thread per answer, the "transcriber" worker, which
`finish()` ends; a file is analysed inline, with no thread. The product's threads are listed in
live/background.py. Live, pauses also get early text and mid-speech a glance (live/jobs.py).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np

from voice_coach.analysis.answer import AnswerAnalysis, analyze_answer
from voice_coach.analysis.lexical_fillers import is_non_lexical, lexical_filler_spans
from voice_coach.core.heap import release_free_memory
from voice_coach.core.interfaces import Transcriber
from voice_coach.core.settings import AnalysisSettings
from voice_coach.core.timed import SAMPLE_RATE, Word
from voice_coach.live.jobs import (COMMIT_MIN_S, EARLY_MIN_S, EARLY_SILENCE_S, GLANCE_EVERY_S, GLANCE_MAX_S,
                                   UNSURE_REACH_S, EarlyText, JobQueue)
from voice_coach.live.probe_memo import ProbeMemo
from voice_coach.live.recording import Recording
from voice_coach.engines.silero_vad import FRAME_SAMPLES, SPEECH_ON, SileroVad, SpeechTracker
from voice_coach.live.stretches import (FILE_STRETCH_S, MAX_STRETCH_S, StretchRule, cut_point, heard_only,
                                        stretch_hesitations, stretch_start)

__all__ = ["EarlyText", "FILE_STRETCH_S", "LiveAnalyzer", "LiveStats", "MAX_STRETCH_S", "Recording"]

PROMPT_WORDS = 40


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
        stretch_s: tuple[float, float, float] | None = None,
    ) -> None:
        self.settings = settings
        self._rule = StretchRule(*stretch_s) if stretch_s is not None else StretchRule()
        self.recording = Recording()
        self._tracker = SpeechTracker(vad or SileroVad())
        self._transcriber = transcriber
        self._probe = ProbeMemo(transcriber, self.recording) if hasattr(transcriber, "probe") else None
        self._model_name = model_name
        self._words: list[Word] = []
        self._hesitations = 0
        self._lock = threading.Lock()
        self._next = 0  # first sample not yet sent to transcription
        self._last_stretch_start = 0
        self._early: EarlyText | None = None
        self._early_speech_end = 0  # speech end (samples) the last early job covered, so each pause asks once
        self._next_committed = 0  # end of the last stretch the worker took for good
        self._done_end = 0  # end of the last stretch whose words are in self._words
        self.early_runs = 0
        """Early transcriptions of the open stretch so far; `early_kept` of them were used."""
        self.early_kept = 0
        self._glance: EarlyText | None = None  # display only: greedy text after the last full transcription
        self.glances = 0
        self._glance_s = 0.0  # running mean of a glance's wall time
        self._sure = True  # whether the last `once` call passed Whisper's checks
        self.trace: list[tuple[str, float, float, float, float]] | None = None  # a list: each job (kind, start s, end s, began, wall s)
        self.probes_skipped = 0  # stretches whose hesitation probes were skipped (stretches were queued behind)
        self._call_s = 0.0  # running mean of one Whisper call's wall time (for the time left after the answer)
        self._calls = 0
        self._busy_since: float | None = None
        self._error: BaseException | None = None
        self._queue: JobQueue | None = None
        self._worker: threading.Thread | None = None
        self.jobs = self._queue
        """The worker's queue, None for a file (its counts: `merged`, `most_queued`)."""
        if background:
            self.jobs = self._queue = JobQueue()
            self._worker = threading.Thread(target=self._work, name="transcriber", daemon=True)
            self._worker.start()

    # -- pushing audio -------------------------------------------------------------------------
    def insert(self, block: np.ndarray) -> None:
        self.recording.append(block)
        self._tracker.insert(block)
        cut = cut_point(self._tracker, self._next, self._rule)
        if cut is None and self._queue is not None:
            cut = self._early_cut()
        if cut is not None:
            self._dispatch(cut)
        elif self._queue is not None:
            self._maybe_early()
            self._maybe_glance()

    def _early_cut(self) -> int | None:
        """Speech has resumed after early text of the open stretch: close the stretch where that text
        ends (a pause of EARLY_SILENCE_S or more), so its words are kept as they are and the next
        early text covers only what follows. Without this, each pause transcribed the whole open
        stretch again (1, 1-2, 1-3 sentences ...), and the last one, which the end of turn waits for,
        was the longest: 2.5-2.8 s for 10 s of speech at load 7, 1.3-1.6 s for one 4 s sentence."""
        early = self._early
        t = self._tracker
        if early is None or not t.speaking or early.start != self._stretch_start():
            return None
        if (early.end - early.start) / SAMPLE_RATE < COMMIT_MIN_S or not self._speech_after(early.end, self.recording.length):
            return None
        return early.end

    def _full_end(self) -> int:
        """The first sample after the text transcribed in full (committed stretches, or early text)."""
        early = self._early
        with self._lock:
            done_end = self._done_end
        return early.end if early is not None and early.start >= done_end else done_end

    def _maybe_glance(self) -> None:
        """Mid-speech, with the worker idle: the words since the last full text, decoded greedily for
        the live view (a glance). Pauses still get the full early text, which the end of turn reads."""
        t = self._tracker
        assert self._queue is not None
        if t.last_speech_frame is None or self._queue.unfinished_tasks or t.silence_s() >= EARLY_SILENCE_S:
            return
        speech_end = (t.last_speech_frame + 1) * FRAME_SAMPLES
        glance = self._glance
        start = max(self._full_end(), self._stretch_start())
        shown = glance.end if glance is not None and glance.start == start else start
        if (speech_end - shown) / SAMPLE_RATE < GLANCE_EVERY_S or self._glance_s > GLANCE_MAX_S:
            return
        self._queue.put_job("glance", start, self.recording.length)

    def _maybe_early(self) -> None:
        """At a short silence, with the worker idle, transcribe the open stretch now.

        If the answer ends in this silence (Enter, or the end-of-answer silence), that text is
        already there; if speech goes on, only the audio after this point is left at the end.
        The worker has the spare time: it keeps up with real time several times over.
        """
        t = self._tracker
        assert self._queue is not None
        if t.speaking or t.last_speech_frame is None or t.silence_s() < EARLY_SILENCE_S:
            return
        speech_end = (t.last_speech_frame + 1) * FRAME_SAMPLES
        if speech_end <= max(self._next, self._early_speech_end) or self._queue.unfinished_tasks:
            return
        start = self._stretch_start()
        if (speech_end - start) / SAMPLE_RATE < EARLY_MIN_S:
            return
        self._early_speech_end = speech_end
        self._queue.put_job("early", start, min(self.recording.length, speech_end + int(EARLY_SILENCE_S / 2 * SAMPLE_RATE)))

    def _stretch_start(self) -> int:
        return stretch_start(self._tracker, self._next)

    def _dispatch(self, end: int, final: bool = False) -> None:
        start = self._stretch_start()
        self._last_stretch_start = start
        self._next = end
        if self._queue is not None:
            self._queue.put_job("final" if final else "stretch", start, end)
        else:
            self._transcribe(start, end, final)

    def _work(self) -> None:
        assert self._queue is not None
        while True:
            job = self._queue.get()
            if job is None:
                self._queue.task_done()
                return
            kind, start, end = job
            taken = 1
            began = time.monotonic()
            try:
                if kind == "early":
                    self._transcribe_early(start, end)
                elif kind == "glance":
                    self._transcribe_glance(start, end)
                else:
                    (kind, start, end), taken = self._queue.take_following(job)
                    self._transcribe(start, end, final=kind == "final", behind=self._queue.qsize() > 0)
            except BaseException as exc:  # noqa: BLE001 - surfaced by finish()
                self._error = exc
            finally:
                if self.trace is not None:
                    self.trace.append((kind, start / SAMPLE_RATE, end / SAMPLE_RATE, began, time.monotonic() - began))
                for _ in range(taken):
                    self._queue.task_done()

    def _prompt(self) -> str | None:
        with self._lock:
            return " ".join(w.text for w in self._words[-PROMPT_WORDS:]) or None

    def _whisper(self, start: int, end: int, prompt: str | None, once: bool = False) -> list[Word]:
        """Whisper's words for [start, end), at their times in the answer, without those heard where nobody spoke.
        `once`: one decode, no fallback temperatures (the transcriber's `once`, if it has one);
        whether it was sure is left in self._sure."""
        began = time.monotonic()
        self._busy_since = began
        self._sure = True
        samples = self.recording.float32(start, end)
        try:
            single = getattr(self._transcriber, "once", None) if once else None
            if single is not None:
                found, self._sure = single(samples, offset_s=start / SAMPLE_RATE, prompt=prompt)
                words = list(found)
            else:
                words = list(self._transcriber.transcribe(samples, offset_s=start / SAMPLE_RATE, prompt=prompt))
        finally:
            self._busy_since = None
            spent = time.monotonic() - began
            self._calls += 1
            self._call_s += (spent - self._call_s) / min(self._calls, 5)
        return heard_only(words, self.recording, self._tracker.probs, start, end)

    def _speech_after(self, sample: int, end: int) -> bool:
        probs = self._tracker.probs[sample // FRAME_SAMPLES : end // FRAME_SAMPLES + 1]
        return any(p >= SPEECH_ON for p in probs)

    def _transcribe_early(self, start: int, end: int) -> None:
        if start < self._next_committed:
            return  # the stretch was closed meanwhile and is queued for good
        prompt = self._prompt()
        words = self._whisper(start, end, prompt, once=True)
        covers = end
        if not self._sure and (not words or words[-1].end * SAMPLE_RATE < end - UNSURE_REACH_S * SAMPLE_RATE):
            covers = start  # stopped short: the last words are missing, the end of turn must wait for them
        self._early = EarlyText(start, end, prompt, tuple(words), self._sure, covers)
        self.early_runs += 1
        # No hesitation probes here: the answer may end during this job, and then the candidate waits
        # for each one; the stretch's own pass asks them once it closes.
        release_free_memory()

    def _transcribe_glance(self, start: int, end: int) -> None:
        if start < self._full_end() or start < self._next_committed:
            return  # full text has come meanwhile
        glance = getattr(self._transcriber, "glance", self._transcriber.transcribe)
        began = time.monotonic()
        words = glance(self.recording.float32(start, end), offset_s=start / SAMPLE_RATE, prompt=self._prompt())
        spent = time.monotonic() - began
        self._glance = EarlyText(start, end, None, tuple(words))
        self.glances += 1
        self._glance_s = spent if self.glances == 1 else 0.5 * (self._glance_s + spent)

    def _transcribe(self, start: int, end: int, final: bool = False, behind: bool = False) -> None:
        """One closed stretch. Early text of it is reused when nothing was said after it; otherwise the
        whole stretch is transcribed, at the end of the answer too (Enter), so an answer ended by
        Enter reads as the same answer ended by silence."""
        self._next_committed = end
        prompt = self._prompt()
        early, self._early = self._early, None
        if early is not None and (early.start != start or early.prompt != prompt or early.end > end):
            early = None
        if early is not None and early.sure and not self._speech_after(early.end, end):
            words = list(early.words)
            self.early_kept += 1
        else:
            # Speech after the early text (Enter during or right after it): the whole stretch again,
            # as the silence ending does. Early text cut at a 0.1 s gap ends mid-sentence ("Our
            # complaint rate dropped."), and the words after it, transcribed alone, came out garbled
            # ("I can present that corridor."); the encoder pass costs the same for any clip under 30 s.
            words = self._whisper(start, end, prompt)
        if not final:
            # Live, probes wait only when stretches are queued behind this one (a file always asks):
            # a slow call alone is no reason, on 2 cores a quiet call on a 4 s stretch takes 1.3-2 s.
            skip = self._queue is not None and behind
            found = self._count_hesitations(start, end, words, probe=not skip)
            release_free_memory()  # not at the end: somebody is waiting then, and the next answer trims
        else:
            found = 0  # the final analysis finds them; no probe while the candidate waits
        with self._lock:
            self._words.extend(words)
            self._hesitations += found
            self._done_end = end

    def _count_hesitations(self, start: int, end: int, words: list[Word], probe: bool = True) -> int:
        """`probe=False` (the worker is behind): islands keep their acoustic verdict, no Whisper pass each."""
        if self._probe is not None and not probe:
            self.probes_skipped += 1
        return stretch_hesitations(words, self.recording, self._tracker.probs, start, end, self._probe if probe else None)

    def drain(self) -> None:
        """Wait until the worker has done every job queued so far: a replay that stands for a worker
        keeping up with real time (tests, benchmarks)."""
        if self._queue is not None:
            self._queue.join()

    # -- reading -------------------------------------------------------------------------------
    @property
    def speech_started(self) -> bool:
        """Whether voice activity has heard any speech yet."""
        return self._tracker.first_speech_frame is not None

    @property
    def silence_s(self) -> float:
        """Seconds since speech last stopped (since the start if nobody has spoken yet)."""
        return self._tracker.silence_s()

    def words(self) -> tuple[Word, ...]:
        """The words transcribed so far."""
        with self._lock:
            return tuple(self._words)

    def heard_words(self, glance: bool = False) -> tuple[tuple[Word, ...], bool]:
        """The words so far with the early text of the open stretch, and whether they reach the last
        speech heard (False while speech waits for its words): what the end-of-turn rule reads.
        `glance=True` adds the greedy text after them: what the live view shows."""
        words, _, covered, _ = self._shown(glance)
        return words, covered

    def _shown(self, glance: bool) -> tuple[tuple[Word, ...], int, bool, int]:
        """(words, sample their text reaches, whether that covers the last speech, last speech end)."""
        with self._lock:
            words, shown_end = tuple(self._words), self._done_end
        complete_end = shown_end
        early, tail = self._early, self._glance
        if early is not None and early.start >= shown_end:
            words, shown_end, complete_end = words + early.words, early.end, early.covered_to()
        if glance and tail is not None and tail.start >= shown_end:
            words, shown_end = words + tail.words, tail.end
        last = self._tracker.last_speech_frame
        speech_end = 0 if last is None else (last + 1) * FRAME_SAMPLES
        return words, shown_end, complete_end >= speech_end, speech_end

    def stats(self) -> LiveStats:
        t = self._tracker
        words, shown_end, _, speech_end = self._shown(glance=True)
        with self._lock:
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
            speech_started=self.speech_started,
            silence_s=self.silence_s,
            words=words,
            wpm=wpm,
            filler_count=hesitations + lexical,
            pending_s=max(0.0, (speech_end - shown_end) / SAMPLE_RATE),  # speech heard, its words not shown yet
        )

    def backlog(self) -> tuple[float, float]:
        """(seconds of speech not yet transcribed for good, estimated seconds of work left): what the
        session shows while the analysis is finished ("analysing the last 12 s, about 3 s left")."""
        t = self._tracker
        if t.last_speech_frame is None:
            return 0.0, 0.0
        speech_end = (t.last_speech_frame + 1) * FRAME_SAMPLES
        left_s = max(0.0, (speech_end - self._done_end) / SAMPLE_RATE)
        if left_s <= 0:
            return 0.0, 0.0
        jobs = self._queue.qsize() if self._queue is not None else 0
        since = self._busy_since
        running = max(0.0, self._call_s - (time.monotonic() - since)) if since is not None else 0.0
        per_call = self._call_s or 1.0
        return left_s, running + jobs * per_call

    def finish(self, source: str = "") -> AnswerAnalysis:
        """Transcribe what is left, wait for the worker, and analyse the whole answer."""
        t = self._tracker
        if t.last_speech_frame is not None and (t.last_speech_frame + 1) * FRAME_SAMPLES > self._next:
            self._dispatch(self.recording.length, final=True)
        if self._queue is not None and self._worker is not None:
            self._queue.put(None)
            self._worker.join()
        if self._error is not None:
            raise self._error
        if self._probe is not None:  # live: every island was judged while the candidate spoke, or keeps its sound's verdict
            self._probe.settled_before_s = float("inf") if self._worker is not None else self._last_stretch_start / SAMPLE_RATE
        self.recording.consolidate()
        samples = self.recording.int16()  # no float copy of the whole answer: half the memory, and saved as it is
        return analyze_answer(samples, t.probs, self._words, self.settings, self._model_name, source, self._probe)

