"""The transcription worker's job queue: what LiveAnalyzer asks Whisper to do, in order.

Jobs are (kind, start sample, end sample): "stretch" (a closed stretch, kept), "final" (the last
one, when the answer is over), "early" (the open stretch at a pause, kept if the answer ends
there), "glance" (greedy text for the live view only). When the worker falls behind, closed
stretches that follow on closely are taken together (one encoder pass instead of several), so
the queue shrinks instead of ending in a long wait after the answer.
"""

from __future__ import annotations

import queue
from dataclasses import dataclass
from typing import NamedTuple

from voice_coach.core.timed import SAMPLE_RATE, Word

MERGE_GAP_S = 1.0
"""Behind, queued stretches this close together are transcribed in one call (more silence between
them would give Whisper room to invent words)."""
MERGE_MAX_S = 28.0
"""...as long as they fit one 30 s window."""
KEPT = ("stretch", "final")

# When LiveAnalyzer asks for early text and glances (live only)
EARLY_SILENCE_S = 0.45
"""Live: voice activity off this long (a gap between phrases or sentences) lets an idle worker transcribe
the open stretch early, in case the answer ends here. At 0.1 s (and still at 0.25 s) gaps between
words started jobs (each one a full 30 s encoder pass), so when the answer really ended the worker
was still busy with a mid-sentence one, and the end-of-turn rule read the last sentence 2-5 s late
at load 5 (bench/latency.py --turns)."""
UNSURE_REACH_S = 1.0
"""Early text that was not sure counts as reaching the speech only if its last word ends this close
to the end of the clip (which is EARLY_SILENCE_S / 2 after the speech)."""
COMMIT_MIN_S = 6.0
"""Early text at least this long is kept as a stretch of its own once speech resumes, so the next
early text, the one the end of turn waits for, covers only what follows. Shorter pieces lose
Whisper's context: at 2.5 s the streamed answers of tests/test_streaming.py read 24.5 % WER against
23.2 % without this (and 20.5 % for the whole answer at once); at 6 s, 23.2 %."""
GLANCE_MAX_S = 0.8
"""A glance is asked only while glances take less than this: a slower one would hold up the early
text at the next pause, which the end of turn waits for (at load 7 on 2 cores a glance of 2-3 s
took 2-3.3 s, and the early text never ran)."""
GLANCE_EVERY_S = 1.5
"""Live: this much speech not yet on screen, the worker idle and no pause in sight, makes a glance:
the speech since the last full transcription, decoded greedily, for the live view only."""
EARLY_MIN_S = 1.0
"""Live: the open stretch holds at least this much audio before it is transcribed early."""


@dataclass(frozen=True)
class EarlyText:
    """The open stretch transcribed before it closed: kept if no speech follows, or as the head of the last stretch."""

    start: int
    end: int
    """First sample after it: in the silence that followed the speech it holds."""
    prompt: str | None
    words: tuple[Word, ...]
    sure: bool = True
    """False: Whisper's one decode would have gone to the fallback temperatures, or stopped after its
    first window; read, not kept."""
    covers: int = -1
    """Its words are complete up to here (its end, unless it was not sure and its last word ends well
    before the speech it was asked for): the end of turn reads it only as far as that."""

    def covered_to(self) -> int:
        return self.end if self.covers < 0 else self.covers


class Job(NamedTuple):
    kind: str
    start: int
    end: int


class JobQueue(queue.Queue):
    """A Queue of Job (None ends the worker) that notes its longest length and merges kept stretches."""

    def __init__(self) -> None:
        super().__init__()
        self.most_queued = 0
        """The longest the queue grew."""
        self.merged = 0
        """Stretches transcribed together with the one before them."""

    def put_job(self, kind: str, start: int, end: int) -> None:
        self.put(Job(kind, start, end))
        self.most_queued = max(self.most_queued, self.qsize())

    def take_following(self, job: Job) -> tuple[Job, int]:
        """`job` extended by the kept stretches queued right after it; (job, jobs taken, itself included)."""
        kind, start, end = job
        taken = 1
        with self.mutex:
            waiting = self.queue
            while waiting and waiting[0] is not None and waiting[0].kind in KEPT:
                nxt = waiting[0]
                if nxt.start - end > MERGE_GAP_S * SAMPLE_RATE or nxt.end - start > MERGE_MAX_S * SAMPLE_RATE:
                    break
                waiting.popleft()
                kind, end, taken = nxt.kind, nxt.end, taken + 1
        self.merged += taken - 1
        return Job(kind, start, end), taken
