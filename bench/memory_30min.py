"""Peak memory of `voice-coach analyze --json` on a 30-minute recording (target <= 400 MB resident).

The recording is many synthesized answers (different stories, voices and rates) joined by 2-4 s
silences, cached as bench/out/memory/recording_30min.wav with its truth. The analysis runs as a
fresh process, as a user would run it; its RSS is sampled from /proc every 0.25 s and its peak
taken from os.wait4. The output is checked against the truth: duration, words, pauses.

  .venv/bin/python -m bench.memory_30min              # the CLI in a fresh process
  .venv/bin/python -m bench.memory_30min --profile    # in-process: RSS against audio position,
                                                      # and the largest Python allocations (tracemalloc)
  .venv/bin/python -m bench.memory_30min --session    # a whole practice session with it as the answer
  options: --minutes 30  --model base
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import threading
import time
from pathlib import Path

from bench.common import CLI, OUT, ROOT, RssSampler, long_answer, machine_line, rss_kib, run_child
from bench.corpus import RATES, VOICES
from voice_coach.core.timed import SAMPLE_RATE

TARGET_MB = 400


def build_recording(minutes: float) -> tuple[Path, dict]:
    """Answers of 60-150 s joined by 2-4 s of silence until `minutes` are filled; cached with its truth."""
    wav = OUT / "memory" / f"recording_{minutes:g}min.wav"
    meta = wav.with_suffix(".json")
    if wav.is_file() and meta.is_file():
        return wav, json.loads(meta.read_text())
    import numpy as np
    import soundfile as sf

    from voice_coach.core.timed import SAMPLE_RATE

    wav.parent.mkdir(parents=True, exist_ok=True)
    total_s = minutes * 60
    cursor, words, sounding, i = 0.0, 0, [], 0
    with sf.SoundFile(str(wav), "w", SAMPLE_RATE, 1, subtype="PCM_16") as out:
        while cursor < total_s - 20:
            length = min(60 + (i * 37) % 90, total_s - cursor - 3)
            answer = long_answer(length, voice=VOICES[i % len(VOICES)], rate_wpm=RATES[i % len(RATES)], seed=7 * i)
            gap = np.zeros(int((2 + (i % 3)) * SAMPLE_RATE), np.float32)
            out.write(np.clip(answer.samples, -1.0, 32767 / 32768))
            sounding += [(cursor + p.start, cursor + p.end) for p in answer.sounding]
            words += answer.words_without_fillers
            cursor += answer.duration_s
            out.write(gap)
            cursor += len(gap) / SAMPLE_RATE
            i += 1
    pauses = sum(1 for a, b in itertools.pairwise(sounding) if b[0] - a[1] >= 1.0)
    truth = {"duration_s": cursor, "words": words, "pauses_1s": pauses, "answers": i}
    meta.write_text(json.dumps(truth))
    return wav, truth


def sanity(data: dict, truth: dict) -> list[str]:
    """Each figure against the truth, with a tolerance; a line per figure."""
    checks = [
        ("duration s", data["duration_s"], truth["duration_s"], 0.01),
        ("words (pace word count)", data["pace"]["word_count"], truth["words"], 0.10),
        ("pauses >= 1 s", len(data["pauses"]["items"]), truth["pauses_1s"], 0.15),
    ]
    lines = []
    for name, got, want, tol in checks:
        ok = abs(got - want) <= tol * max(want, 1)
        lines.append(f"| {name} | {got:g} | {want:g} | within {tol:.0%} | {'ok' if ok else 'OFF'} |")
    return lines


def profile(wav: Path, model: str | None) -> None:
    """In-process: RSS at each tenth of the audio, then where the final analysis's peak comes from.

    tracemalloc sees numpy and Python allocations, not CTranslate2's or onnxruntime's, so it is
    switched on only for finish() (the whole-answer analysis), and a snapshot is kept each time the
    traced total reaches a new high.
    """
    import tracemalloc

    from voice_coach.live.replay import load_transcriber, probe_duration
    from voice_coach.audio.decode import iter_blocks
    from voice_coach.live.analyzer import FILE_STRETCH_S, LiveAnalyzer

    print(f"RSS after imports: {rss_kib() / 1024:.0f} MB")
    transcriber = load_transcriber(model)
    print(f"RSS after model load: {rss_kib() / 1024:.0f} MB")
    total = probe_duration(wav) or 1.0
    live = LiveAnalyzer(transcriber, background=False, model_name=transcriber.name, stretch_s=FILE_STRETCH_S)
    print("| audio done s | RSS MB | recording int16 MB |\n|---|---|---|")
    mark = total / 10
    for block in iter_blocks(wav):
        live.insert(block)
        if live.recording.length / SAMPLE_RATE >= mark:
            print(f"| {mark:.0f} | {rss_kib() / 1024:.0f} | {live.recording.length * 2 / 2**20:.0f} |", flush=True)
            mark += total / 10
    tracemalloc.start(6)
    best: list = [0, None]
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.05):
            current, _ = tracemalloc.get_traced_memory()
            if current > best[0] * 1.05:
                best[:] = [current, tracemalloc.take_snapshot()]

    watcher = threading.Thread(target=watch, daemon=True)
    with RssSampler(0.05) as rss:
        watcher.start()
        started = time.perf_counter()
        before = rss_kib()
        result = live.finish(source=str(wav))
        done.set()
        watcher.join()
    _, peak_traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\nfinish(): {time.perf_counter() - started:.0f} s; RSS before {before / 1024:.0f} MB, peak seen "
          f"{rss.peak_kib / 1024:.0f} MB, after {rss_kib() / 1024:.0f} MB; Python-traced peak {peak_traced / 2**20:.0f} MB; "
          f"{len(result.words)} words")
    if best[1] is not None:
        print(f"largest Python allocations near the traced peak ({best[0] / 2**20:.0f} MB), by call chain:")
        for stat in best[1].statistics("traceback")[:6]:
            chain = " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in reversed(stat.traceback))
            print(f"  {stat.size / 2**20:7.1f} MB  {chain}")


# The CLI with recorded answers fed as fast as they are read (practice replays --answers at speaking
# pace; 30 minutes of it would be 30 minutes of waiting): the bench's own entry, not a product option.
NOT_REALTIME = [sys.executable, "-c", "import sys; import voice_coach.live.inputs as i; "
                "i.FileInputs.__init__.__defaults__ = (False, *i.FileInputs.__init__.__defaults__[1:]); "
                "from voice_coach.cli import main; sys.exit(main(sys.argv[1:]))"]


def session(wav: Path, truth: dict, model: str | None) -> int:
    """A whole practice session (model load, greeting, the answer streamed through the live path with its
    worker, feedback, saving to the store, summary) whose one answer is the recording, in a fresh process."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        answers = Path(tmp) / "answers"
        answers.mkdir()
        (answers / "01.wav").symlink_to(wav.resolve())
        cmd = NOT_REALTIME + ["practice", "--answers", str(answers), "--quiet", "--count", "1",
                     "--max-answer", str(truth["duration_s"] + 60), "--home", str(Path(tmp) / "home")]
        cmd += ["--model", model] if model else []
        run = run_child(cmd, sample_s=0.25)
        if run.code != 0:
            print(f"practice failed ({run.code}): {(run.stdout + run.stderr).strip()[-800:]}")
            return 1
        from voice_coach.store import Store

        with Store.open(Path(tmp) / "home", readonly=True) as store:
            sid = store.sessions()[0].id
            data = store.answers(sid)[0].analysis.to_dict()
    peak = run.peak_kib / 1024
    print("\n| figure | value |\n|---|---|")
    print(f"| peak RSS of the whole session (wait4) | {peak:.0f} MB (target <= {TARGET_MB} MB: "
          f"{'met' if peak <= TARGET_MB else 'MISSED'}) |")
    print(f"| wall time | {run.wall_s:.0f} s |")
    print(f"| load average after | {os.getloadavg()[0]:.2f} |")
    step = max(1, len(run.rss_samples) // 10)
    print("\nRSS over time (s:MB): " + ", ".join(f"{t:.0f}s:{kib / 1024:.0f}" for t, kib in run.rss_samples[::step]))
    print("\n| output check (the saved answer) | got | truth | tolerance | |\n|---|---|---|---|---|")
    for line in sanity(data, truth):
        print(line)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--model", default=None)
    ap.add_argument("--profile", action="store_true", help="in-process RSS against audio position, and tracemalloc")
    ap.add_argument("--session", action="store_true",
                    help="a whole `voice-coach practice` session with the recording as its one answer, instead of analyze")
    args = ap.parse_args(argv)
    print(machine_line())
    wav, truth = build_recording(args.minutes)
    print(f"recording: {wav.relative_to(ROOT)}, {truth['duration_s'] / 60:.1f} min, {truth['answers']} answers, "
          f"{truth['words']} words, {truth['pauses_1s']} pauses >= 1 s; model {args.model or 'tiny.en (embedded)'}")
    if args.profile:
        profile(wav, args.model)
        return 0
    if args.session:
        return session(wav, truth, args.model)
    cmd = CLI + ["analyze", "--json"] + (["--model", args.model] if args.model else []) + [str(wav)]
    run = run_child(cmd, sample_s=0.25)
    wall, peak, samples = run.wall_s, run.peak_kib, run.rss_samples
    if run.code != 0:
        print(f"analyze failed ({run.code}): {run.stderr.strip()[-500:]}")
        return 1
    data = json.loads(run.stdout.splitlines()[-1])
    print("\n| figure | value |\n|---|---|")
    print(f"| peak RSS (wait4) | {peak / 1024:.0f} MB (target <= {TARGET_MB} MB: "
          f"{'met' if peak / 1024 <= TARGET_MB else 'MISSED'}) |")
    print(f"| wall time | {wall:.0f} s (RTF {wall / truth['duration_s']:.3f}) |")
    print(f"| load average after | {os.getloadavg()[0]:.2f} |")
    step = max(1, len(samples) // 10)
    timeline = ", ".join(f"{t:.0f}s:{kib / 1024:.0f}" for t, kib in samples[::step])
    print(f"\nRSS over time (s:MB): {timeline}")
    print("\n| output check | got | truth | tolerance | |\n|---|---|---|---|---|")
    for line in sanity(data, truth):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
