"""What every benchmark shares: the machine line, the RSS sampler, fresh child processes, long answers.

Run the benchmarks as modules from the repository root (`.venv/bin/python -m bench.latency`); this
module imports nothing heavy at the top, so a script's `--help` and a measuring child process stay
light (numpy, espeak-ng and the corpus are loaded only when an answer is built).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voice_coach.testing.synth import SyntheticAnswer

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
"""Synthesized audio and raw results (git-ignored)."""
CLI = [str(ROOT / ".venv" / "bin" / "voice-coach")]
STORY_GAP_S = 1.4
"""Silence between two stories told in one answer (a breath before "another time...")."""


# ---------------------------------------------------------------- the machine
def load_average() -> str:
    """The 1, 5 and 15-minute load averages, as every table's header gives them."""
    return "load average (1/5/15 min) " + ", ".join(f"{v:.2f}" for v in os.getloadavg())


def load_now() -> float:
    """The 1-minute load average."""
    return os.getloadavg()[0]


def machine_line() -> str:
    """`nproc`, CPU model, RAM, Python, date and the load average, for the header of every table."""
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
    except (OSError, StopIteration, ValueError):
        mem_kb = 0
    return (f"machine: nproc={os.cpu_count()}, CPU {model}, RAM {mem_kb / 1024 / 1024:.1f} GiB, "
            f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}; {load_average()}")


# ---------------------------------------------------------------- resident memory
def proc_status_kib(field: str = "VmRSS", pid: int | str = "self") -> int:
    """One "Vm..." field of /proc/PID/status in KiB (0 when unreadable, e.g. the process is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def rss_kib(pid: int | str = "self") -> int:
    """Resident set size of a process (this one by default) in KiB."""
    return proc_status_kib("VmRSS", pid)


class RssSampler:
    """A thread that reads a process's VmRSS every `every_s` from `start()` to `stop()` (or a `with` block).

    `pid` is "self", a pid, or a callable giving the pid or None while it is not known yet (a child
    being started). `peak_kib` is the highest reading; with `keep=True`, `samples` holds every
    non-zero reading as (seconds since start, KiB). A peak shorter than `every_s` can be missed.
    """

    def __init__(self, every_s: float, pid: int | str | Callable[[], int | None] = "self", keep: bool = False) -> None:
        self.every_s = every_s
        self.keep = keep
        self.peak_kib = 0
        self.samples: list[tuple[float, int]] = []
        self.started = 0.0
        self._pid = pid
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _read(self) -> int:
        pid = self._pid() if callable(self._pid) else self._pid
        return rss_kib(pid) if pid is not None else 0

    def _sample(self) -> None:
        kib = self._read()
        if kib:
            self.peak_kib = max(self.peak_kib, kib)
            if self.keep:
                self.samples.append((time.perf_counter() - self.started, kib))

    def _run(self) -> None:
        while True:
            self._sample()
            if self._done.wait(self.every_s):
                return

    def start(self) -> RssSampler:
        self.started = time.perf_counter()
        self.peak_kib = self._read()
        self._thread.start()
        return self

    def stop(self) -> int:
        """Stops the thread, takes a last reading and returns the peak in KiB."""
        self._done.set()
        self._thread.join()
        self.peak_kib = max(self.peak_kib, self._read())
        return self.peak_kib

    def __enter__(self) -> RssSampler:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


# ---------------------------------------------------------------- a fresh child process
_LAUNCHER = r"""
import json, os, subprocess, sys, time
report = sys.argv[1]
started = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
with open(report + ".pid", "w") as fh:
    fh.write(str(proc.pid))
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - started
with open(report, "w") as fh:
    json.dump({"maxrss_kib": usage.ru_maxrss, "code": os.waitstatus_to_exitcode(status), "wall_s": wall}, fh)
"""
"""Starts the measured command from a small process. Linux carries the high-water RSS of the process
that forks (or vforks) into the child's ru_maxrss across exec, so a child started straight from
a benchmark (which has loaded a model and built long answers) would report the benchmark's peak,
not its own."""


@dataclass(frozen=True)
class ChildRun:
    wall_s: float
    peak_kib: int
    code: int
    stdout: str
    stderr: str
    rss_samples: tuple[tuple[float, int], ...] = ()
    """(seconds since start, KiB) every `sample_s`, when asked for."""


def run_child(cmd: list[str], sample_s: float | None = None) -> ChildRun:
    """Run `cmd` as a fresh process: wall time, its own peak RSS (wait4), output, optionally RSS over time."""
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        report = Path(tmp) / "usage.json"
        pid_file = report.with_name(report.name + ".pid")

        def child_pid() -> int | None:
            text = pid_file.read_text().strip() if pid_file.is_file() else ""
            return int(text) if text.isdigit() else None

        sampler = RssSampler(sample_s, child_pid, keep=True) if sample_s else None
        started = time.perf_counter()
        if sampler:
            sampler.start()
        proc = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(report), *cmd], stdout=out, stderr=err, cwd=ROOT)
        proc.wait()
        wall = time.perf_counter() - started
        if sampler:
            sampler.stop()
        usage = json.loads(report.read_text()) if report.is_file() else {"maxrss_kib": 0, "code": proc.returncode}
        out.seek(0)
        err.seek(0)
        return ChildRun(usage.get("wall_s", wall), int(usage["maxrss_kib"]), int(usage["code"]) or proc.returncode,
                        out.read().decode(), err.read().decode(), tuple(sampler.samples) if sampler else ())


# ---------------------------------------------------------------- long answers
def long_answer(seconds: float, voice: str = "en-us", rate_wpm: int = 160, seed: int = 0,
                noise_snr_db: float | None = 30.0, tail_s: float = 0.6, lead_in_s: float = 0.8) -> SyntheticAnswer:
    """About `seconds` of one candidate telling stories: whole sentences, fillers, pauses, noise.

    Stories are taken in turn from bench/corpus.py starting at `seed`, so different seeds give
    different words; the answer stops at the first sentence that reaches the length.
    """
    from bench.corpus import SCRIPTS, parse_script
    from voice_coach.testing.synth import build_answer

    items: list = []
    k = seed
    estimate = 0.0
    while estimate < seconds * 1.4 + 20:
        script = SCRIPTS[k % len(SCRIPTS)]
        items += parse_script(script.text) + [STORY_GAP_S]
        estimate += len(script.text.split()) / rate_wpm * 60 + STORY_GAP_S + 3
        k += 1
    kw = {"voice": voice, "rate_wpm": rate_wpm, "lead_in_s": lead_in_s, "noise_snr_db": noise_snr_db, "seed": seed}
    full = build_answer(items, tail_s=tail_s, **kw)
    sounding = [p for p in full.pieces if p.sounding]
    enough = next((i for i, p in enumerate(sounding) if p.end >= seconds - tail_s), len(sounding) - 1)
    keep, seen = len(items), -1
    for i, item in enumerate(items):
        if not isinstance(item, (int, float)):
            seen += 1
            if seen == enough:
                keep = i + 1
                break
    return build_answer(items[:keep], tail_s=tail_s, **kw)


def cached_wav(name: str, make: Callable[[], SyntheticAnswer]) -> tuple[Path, dict]:
    """`make()` -> SyntheticAnswer, written once to bench/out/<name>.wav with a small truth file."""
    from voice_coach.testing.synth import write_wav

    wav = OUT / f"{name}.wav"
    meta = OUT / f"{name}.json"
    if wav.is_file() and meta.is_file():
        return wav, json.loads(meta.read_text())
    wav.parent.mkdir(parents=True, exist_ok=True)
    answer = make()
    truth = {"duration_s": answer.duration_s, "words": answer.words_without_fillers,
             "fillers": len(answer.fillers), "pauses_1s": len(answer.pauses(1.0)), "info": dict(answer.info)}
    write_wav(wav, answer)
    meta.write_text(json.dumps(truth))
    return wav, truth
