"""Nothing leaves the machine and nothing is written outside the data folder, dependencies included.

Checked from outside the process: a child runs the real analysis under a temporary HOME and TMPDIR;
strace (where installed) records every connect/sendto, and the file system shows what was written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from voice_coach.testing.synth import build_answer, write_wav

ROOT = Path(__file__).resolve().parents[1]


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "VOICE_COACH"))}
    home, scratch = tmp / "home", tmp / "tmp"
    home.mkdir()
    scratch.mkdir()
    env.update(HOME=str(home), TMPDIR=str(scratch), VOICE_COACH_HOME=str(home / "vc"), ORT_DISABLE_TELEMETRY="0")
    return env


def _stray_files(tmp: Path) -> list[str]:
    home = tmp / "home"
    out = [str(p.relative_to(home)) for p in home.rglob("*") if p.is_file() and not p.is_relative_to(home / "vc")]
    out += [str(p.relative_to(tmp)) for p in (tmp / "tmp").rglob("*") if p.is_file()]
    return sorted(out)


def test_loading_the_vad_writes_no_telemetry_files(tmp_path):
    """onnxruntime writes its device id and event queue at import; voice_coach switches that off first."""
    code = ("import voice_coach.engines.silero_vad as v, onnxruntime, numpy as np\n"
            "vad = v.StreamingVad() if hasattr(v, 'StreamingVad') else None\n"
            "from faster_whisper.vad import get_vad_model\n"
            "m = get_vad_model()\n"
            "print(onnxruntime.__version__)")
    run = subprocess.run([sys.executable, "-c", code], env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert _stray_files(tmp_path) == []


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed (apt-get install strace)")
def test_analyze_of_several_files_makes_no_network_call_and_writes_nothing_outside(tmp_path):
    """onnxruntime's uploader first tries DNS about 10 s after import, so the run must last longer than that."""
    clip = build_answer(["I answered the call,", 0.6, "and I fixed the billing error the same day."], seed=1)
    files = []
    for i in range(4):
        path = tmp_path / f"a{i}.wav"
        write_wav(path, clip)
        files.append(str(path))
    trace = tmp_path / "trace"
    code = ("import sys, time; from voice_coach.cli import main; rc = main(sys.argv[1:]); time.sleep(14); sys.exit(rc)")
    run = subprocess.run(["strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(trace),
                          sys.executable, "-c", code, "analyze", *files, "--json"],
                         env=_env(tmp_path), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert len(run.stdout.splitlines()) == 4
    calls = trace.read_text().splitlines()
    network = [c for c in calls if "AF_INET" in c or "htons(53)" in c]
    assert network == [], network[:5]
    assert _stray_files(tmp_path) == []
