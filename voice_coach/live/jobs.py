"""The transcription worker's job queue: what LiveAnalyzer asks Whisper to do, in order.

Jobs are (kind, start sample, end sample): "stretch" (a closed stretch, kept), "final" (the last
one, when the answer is over), "early" (the open stretch at a pause, kept if the answer ends
there), "glance" (greedy text for the live view only). When the worker falls behind, closed
stretches that follow on closely are taken together (one encoder pass instead of several), so
the queue shrinks instead of ending in a long wait after the answer.
"""

from __future__ import annotations

import queue
from typing import NamedTuple

from voice_coach.core.timed import SAMPLE_RATE

MERGE_GAP_S = 1.0
"""Behind, queued stretches this close together are transcribed in one call (more silence between
them would give Whisper room to invent words)."""
MERGE_MAX_S = 28.0
"""...as long as they fit one 30 s window."""
KEPT = ("stretch", "final")


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
