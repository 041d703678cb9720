"""How fast `voice-coach analyze` is for 30, 60 and 120 s answers, run the way a user runs it.

Each answer is a synthesized, realistic one (several STAR stories from bench/corpus.py, one voice,
natural gaps, fillers, explicit pauses, pink noise at 30 dB) cached in bench/out/speed/. Every run
is a fresh `voice-coach analyze --json FILE` process, so wall time includes start-up, imports and
the model load, as a user would wait for them. Peak RSS is the child's own (os.wait4).

  .venv/bin/python bench/analyze_speed.py                 # tiny.en (embedded), 3 runs per length
  .venv/bin/python bench/analyze_speed.py --model base --runs 1
  options: --lengths 30,60,120  --help-runs 5  --load-runs 3

The other benchmarks import `long_answer` and `machine_line` from here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from corpus import SCRIPTS, parse_script

from voice_coach.testing.synth import SyntheticAnswer, build_answer, write_wav

OUT = ROOT / "bench" / "out"
CLI = [str(ROOT / ".venv" / "bin" / "voice-coach")]
STORY_GAP_S = 1.4
"""Silence between two stories told in one answer (a breath before "another time...")."""


# ---------------------------------------------------------------- machine and answers
def machine_line() -> str:
    """`nproc`, CPU model, RAM and the 1-minute load average, for the header of every table."""
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
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return (f"machine: nproc={os.cpu_count()}, CPU {model}, RAM {mem_kb / 1024 / 1024:.1f} GiB, "
            f"Python {platform.python_version()}; load average (1/5/15 min) {load}")


def load_now() -> float:
    return os.getloadavg()[0]


def long_answer(seconds: float, voice: str = "en-us", rate_wpm: int = 160, seed: int = 0,
                noise_snr_db: float | None = 30.0, tail_s: float = 0.6, lead_in_s: float = 0.8) -> SyntheticAnswer:
    """About `seconds` of one candidate telling stories: whole sentences, fillers, pauses, noise.

    Stories are taken in turn from bench/corpus.py starting at `seed`, so different seeds give
    different words; the answer stops at the first sentence that reaches the length.
    """
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


def cached_wav(name: str, make) -> tuple[Path, dict]:
    """`make()` -> SyntheticAnswer, written once to bench/out/<name>.wav with a small truth file."""
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


# ---------------------------------------------------------------- running the CLI
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
this benchmark (which has loaded a model and built long answers) would report our peak, not its own."""


def rss_kib(pid: int | str = "self") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


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
    """Run `cmd` as a fresh process: wall time, its own peak RSS, output, optionally RSS over time."""
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        report = Path(tmp) / "usage.json"
        samples: list[tuple[float, int]] = []
        done = threading.Event()
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _LAUNCHER, str(report), *cmd], stdout=out, stderr=err, cwd=ROOT)

        def sample() -> None:
            pid_file = report.with_name(report.name + ".pid")
            while not done.wait(sample_s):
                text = pid_file.read_text().strip() if pid_file.is_file() else ""
                if text.isdigit():
                    kib = rss_kib(int(text))
                    if kib:
                        samples.append((time.perf_counter() - started, kib))

        sampler = threading.Thread(target=sample, daemon=True) if sample_s else None
        if sampler:
            sampler.start()
        proc.wait()
        wall = time.perf_counter() - started
        done.set()
        if sampler:
            sampler.join()
        usage = json.loads(report.read_text()) if report.is_file() else {"maxrss_kib": 0, "code": proc.returncode}
        out.seek(0)
        err.seek(0)
        return ChildRun(usage.get("wall_s", wall), int(usage["maxrss_kib"]), int(usage["code"]) or proc.returncode,
                        out.read().decode(), err.read().decode(), tuple(samples))


def model_load_s(model: str | None, runs: int) -> float:
    """Median in-process time of `load_transcriber()` (the first run also warms the page cache)."""
    from voice_coach.live.replay import load_transcriber

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        transcriber = load_transcriber(model)
        times.append(time.perf_counter() - started)
        del transcriber
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lengths", default="30,60,120", help="answer lengths in s (default 30,60,120)")
    ap.add_argument("--runs", type=int, default=3, help="fresh processes per length (median wall, max RSS)")
    ap.add_argument("--model", default=None, help="passed to --model (default: embedded tiny.en)")
    ap.add_argument("--help-runs", type=int, default=5)
    ap.add_argument("--load-runs", type=int, default=3)
    args = ap.parse_args(argv)
    lengths = [float(v) for v in args.lengths.split(",")]
    model_args = ["--model", args.model] if args.model else []
    print(machine_line())
    print(f"model: {args.model or 'tiny.en (embedded)'}; {args.runs} fresh process(es) per length")

    helps = []
    for _ in range(args.help_runs):
        started = time.perf_counter()
        subprocess.run(CLI + ["--help"], stdout=subprocess.DEVNULL, check=True)
        helps.append(time.perf_counter() - started)
    print(f"\n`voice-coach --help`: median {statistics.median(helps):.3f} s of {len(helps)} "
          f"(min {min(helps):.3f}, max {max(helps):.3f}; target <= 0.3 s)")
    load = model_load_s(args.model, args.load_runs)
    print(f"model load in-process (load_transcriber), median of {args.load_runs}: {load:.2f} s\n")

    print("| answer | audio s | words | wall s (median) | RTF wall/audio | RTF without load | peak RSS MB | load avg | output |")
    print("|---|---|---|---|---|---|---|---|---|")
    failed = 0
    for seconds in lengths:
        wav, truth = cached_wav(f"speed/answer_{seconds:g}s",
                                lambda s=seconds: long_answer(s, voice="en-us", rate_wpm=160, seed=int(s)))
        walls, peaks, check = [], [], ""
        for _ in range(args.runs):
            run = run_child(CLI + ["analyze", "--json", *model_args, str(wav)])
            if run.code != 0:
                print(f"analyze failed ({run.code}): {run.stderr.strip()[-300:]}", file=sys.stderr)
                failed += 1
                continue
            walls.append(run.wall_s)
            peaks.append(run.peak_kib)
            data = json.loads(run.stdout.splitlines()[-1])
            check = (f"{data['pace']['word_count']} words heard of {truth['words']}, "
                     f"{len(data['pauses']['items'])} pauses of {truth['pauses_1s']}")
        if not walls:
            continue
        wall = statistics.median(walls)
        dur = truth["duration_s"]
        print(f"| {seconds:g} s | {dur:.1f} | {truth['words']} | {wall:.2f} | {wall / dur:.3f} | "
              f"{max(wall - load, 0.0) / dur:.3f} | {max(peaks) / 1024:.0f} | {load_now():.2f} | {check} |")
    print("\nRTF without load = (wall - in-process model load) / audio; it still includes imports and decoding.")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
