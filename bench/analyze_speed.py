"""How fast `voice-coach analyze` is for 30, 60 and 120 s answers, run the way a user runs it.

Each answer is a synthesized, realistic one (several STAR stories from bench/corpus.py, one voice,
natural gaps, fillers, explicit pauses, pink noise at 30 dB) cached in bench/out/speed/. Every run
is a fresh `voice-coach analyze --json FILE` process, so wall time includes start-up, imports and
the model load, as a user would wait for them. Peak RSS is the child's own (os.wait4).

  .venv/bin/python -m bench.analyze_speed                 # tiny.en (embedded), 3 runs per length
  .venv/bin/python -m bench.analyze_speed --model base --runs 1
  options: --lengths 30,60,120  --help-runs 5  --load-runs 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

from bench.common import CLI, cached_wav, load_now, long_answer, machine_line, run_child


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
