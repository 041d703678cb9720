"""The turn stories replayed with the worker drained after every block (a worker that keeps up, so
the machine's load does not count): Whisper's work per answer, and whether the end-of-turn rule
reads Whisper's own text as a finished story 1.2 s after the last word.

  .venv/bin/python -m bench.turn_work [--stories bench|heldout]

The WAVs are those of `bench.latency --turns` (made on first use). Work is counted inside the
transcriber: calls, audio sent, CPU time (`time.process_time`, which other processes do not add to).
"""

from __future__ import annotations

import argparse
import time

from bench.common import load_average, machine_line
from bench.latency import turn_answer
from voice_coach.analysis.turn_end import answer_finished
from voice_coach.core.settings import AnalysisSettings
from voice_coach.core.timed import SAMPLE_RATE
from voice_coach.live.analyzer import LiveAnalyzer
from voice_coach.live.replay import load_transcriber

READ_AFTER_S = 1.2


class Counted:
    """The transcriber with its calls, audio seconds and CPU seconds added up (every kind of call)."""

    def __init__(self, inner) -> None:
        self.inner, self.name = inner, inner.name
        self.calls, self.audio_s, self.cpu_s = 0, 0.0, 0.0

    def _count(self, fn, samples, **kw):
        began = time.process_time()
        try:
            return fn(samples, **kw)
        finally:
            self.cpu_s += time.process_time() - began
            self.calls += 1
            self.audio_s += len(samples) / SAMPLE_RATE

    def transcribe(self, samples, offset_s=0.0, prompt=None):
        return self._count(self.inner.transcribe, samples, offset_s=offset_s, prompt=prompt)

    def probe(self, samples):
        return self._count(self.inner.probe, samples)

    def __getattr__(self, name):
        if name in ("once", "glance") and hasattr(self.inner, name):
            return lambda samples, **kw: self._count(getattr(self.inner, name), samples, **kw)
        raise AttributeError(name)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stories", choices=("bench", "heldout"), default="bench")
    ap.add_argument("--model", default=None)
    args = ap.parse_args(argv)
    print(machine_line())
    transcriber = load_transcriber(args.model)
    calls = audio = cpu = answer = 0.0
    found = 0
    n = 8
    for i in range(n):
        samples, last, *_ = turn_answer(i, args.stories)
        counted = Counted(transcriber)
        live = LiveAnalyzer(counted, AnalysisSettings(expect_star=True))
        block = SAMPLE_RATE // 10
        for k in range(0, int((last + READ_AFTER_S) * SAMPLE_RATE), block):
            live.insert(samples[k:k + block])
            live.drain()
        words, covered = live.heard_words()
        found += bool(covered and answer_finished(words, expect_star=True))
        calls, audio, cpu, answer = calls + counted.calls, audio + counted.audio_s, cpu + counted.cpu_s, answer + last
    print(f"{load_average()}\n")
    print("| stories | answers | answer s | Whisper calls per answer | audio sent / answer | Whisper CPU-s per answer s | "
          "rule reads the end (at +1.2 s) |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {args.stories} | {n} | {answer:.0f} | {calls / n:.1f} | {audio / answer:.2f} | {cpu / answer:.2f} | {found}/{n} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
