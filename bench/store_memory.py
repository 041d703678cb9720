"""Peak memory and wall time of saving one answer's audio (`write_answer_audio`), 1 to 30 minutes.

A 30-minute answer is 28.8 M samples at 16 kHz: 58 MB as int16, 115 MB as float32. Saving it
should cost a bounded amount on top of the array the caller already holds, not several copies of
it, because it happens at the end of a long answer in a process that already holds the model.

Every case runs in a fresh child process (`--child`), so one case's heap cannot serve the next:
the child synthesizes the audio (seeded noise plus a tone, built second by second so that no large
temporaries stay in the heap), saves a 1 s answer once to load libsndfile, then measures the
increase of its resident set over the level just before the call, two ways:

- a thread that reads VmRSS from /proc/self/status every 10 ms (what the brief asks; can miss a
  peak that lasts less than 10 ms);
- VmHWM, the kernel's own high-water mark, reset just before the call by writing 5 to
  /proc/self/clear_refs (exact; "-" where the kernel does not allow the reset).

Wall time includes the fsyncs, so it depends on the disk. The FLAC files go to a temporary folder
under --dir (default: the system's temporary folder; put it on a real disk, not tmpfs, whose pages
are memory too but are not counted in RSS).

    .venv/bin/python -m bench.store_memory                              # the working tree's code
    .venv/bin/python -m bench.store_memory --impl /tmp/old_audio_files.py  # another audio_files.py
    options: --minutes 1,5,30  --dtypes int16,float32  --dir DIR
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from bench.common import ROOT, RssSampler, machine_line, proc_status_kib

SAMPLE_RATE = 16000
SAMPLE_EVERY_S = 0.010
MB = 1024 * 1024


# ---------------------------------------------------------------- the child: one case


def reset_high_water_mark() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False where that is not allowed."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:
        return False


def synthetic_audio(seconds: float, dtype: str, seed: int = 1):
    """`seconds` of a 220 Hz tone plus seeded noise (FLAC cannot shrink noise much), as int16 or float32.

    Built one second at a time into the final array so that the child's heap holds no large
    freed temporaries that the code under test could reuse without growing the RSS.
    """
    import numpy as np

    frames = int(seconds * SAMPLE_RATE)
    out = np.empty(frames, dtype=dtype)
    rng = np.random.default_rng(seed)
    for start in range(0, frames, SAMPLE_RATE):
        t = np.arange(start, min(start + SAMPLE_RATE, frames)) / SAMPLE_RATE
        block = 0.3 * np.sin(2 * np.pi * 220.0 * t) + rng.normal(0.0, 0.05, t.shape[0])
        out[start : start + t.shape[0]] = np.rint(block * 32767) if dtype == "int16" else block
    return out


def load_impl(path: str | None) -> ModuleType:
    """The module holding `write_answer_audio`: the package's, or another copy of audio_files.py."""
    if not path:
        import voice_coach.store.audio_files as module

        return module
    spec = importlib.util.spec_from_file_location("audio_files_under_test", path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def measure(write: Callable, folder: Path, audio) -> dict:
    """Run `write` once on `audio`: RSS increase (sampled and high-water), wall time, file size."""
    gc.collect()
    base_kib = proc_status_kib("VmRSS")
    hwm_ok = reset_high_water_mark()
    sampler = RssSampler(SAMPLE_EVERY_S)
    sampler.start()
    started = time.perf_counter()
    written = write(folder, "001.flac", audio, SAMPLE_RATE)
    wall_s = time.perf_counter() - started
    sampled_kib = sampler.stop()
    hwm_kib = proc_status_kib("VmHWM") if hwm_ok else 0
    return {"base_kib": base_kib, "sampled_kib": sampled_kib - base_kib,
            "hwm_kib": hwm_kib - base_kib if hwm_ok else None, "wall_s": wall_s,
            "flac_bytes": written.path.stat().st_size, "frames": written.frames}  # fmt: skip


def child(minutes: float, dtype: str, folder: Path, impl: str | None) -> None:
    """One case in this fresh process; prints one JSON line."""
    import soundfile  # noqa: F401  (loaded before the baseline, as in a running session)

    module = load_impl(impl)
    module.write_answer_audio(folder / "warmup", "001.flac", synthetic_audio(1.0, dtype, seed=2), SAMPLE_RATE)
    audio = synthetic_audio(minutes * 60, dtype)
    result = measure(module.write_answer_audio, folder / "case", audio)
    result.update(minutes=minutes, dtype=dtype, input_bytes=int(audio.nbytes))
    print(json.dumps(result), flush=True)


# ---------------------------------------------------------------- the parent: cases and table


def run_case(minutes: float, dtype: str, base_dir: str | None, impl: str | None) -> dict:
    """One case in a fresh child process, writing into its own temporary folder."""
    with tempfile.TemporaryDirectory(dir=base_dir, prefix="store-memory-") as tmp:
        cmd = [sys.executable, "-m", "bench.store_memory", "--child", f"{minutes:g}", dtype, tmp]
        if impl:
            cmd += ["--impl", impl]
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    if out.returncode != 0:
        raise SystemExit(f"case {minutes:g} min {dtype} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(rows: list[dict]) -> list[str]:
    """The markdown table of the cases."""
    lines = ["| answer | dtype | input MB | FLAC MB | peak RSS increase, 10 ms sampling (MB) "
             "| peak RSS increase, VmHWM (MB) | wall s |", "|---|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for r in rows:
        hwm = "-" if r["hwm_kib"] is None else f"{r['hwm_kib'] / 1024:.1f}"
        lines.append(f"| {r['minutes']:g} min | {r['dtype']} | {r['input_bytes'] / MB:.1f} | {r['flac_bytes'] / MB:.1f} "
                     f"| {r['sampled_kib'] / 1024:.1f} | {hwm} | {r['wall_s']:.2f} |")  # fmt: skip
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", default="1,5,30", help="answer lengths in minutes, comma-separated")
    parser.add_argument("--dtypes", default="int16,float32", help="int16 and/or float32")
    parser.add_argument("--impl", help="an audio_files.py to measure instead of the package's")
    parser.add_argument("--dir", help="where the temporary FLAC files go (a real disk)")
    parser.add_argument("--child", nargs=3, metavar=("MINUTES", "DTYPE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(float(args.child[0]), args.child[1], Path(args.child[2]), args.impl)
        return

    impl = args.impl or "voice_coach/store/audio_files.py (working tree)"
    print(machine_line())
    print(f"code: {impl}; {SAMPLE_RATE} Hz mono, a fresh process per case\n")
    rows = [run_case(float(m), d, args.dir, args.impl) for m in args.minutes.split(",") for d in args.dtypes.split(",")]
    print("\n".join(table(rows)))


if __name__ == "__main__":
    main()
