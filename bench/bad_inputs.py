"""Awkward and broken inputs for `analyze`: each must give a clean result or one clean error line.

Pass rules (TARGETS.md, "bad inputs"):
  error      non-zero exit, exactly one non-empty line on stderr, no traceback
  no_speech  exit 0 and a result whose transcript is empty or whose no_speech is true
  ok         exit 0 and a result with a non-empty transcript and the right duration (valid audio in an odd format)
  ok_or_error  either of `ok` / `error` (a truncated file may be read up to where it stops)
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voice_coach.audio.resample import resample
from voice_coach.testing.synth import speak


@dataclass(frozen=True)
class BadCase:
    name: str
    path: Path
    expect: str  # "error" | "no_speech" | "ok" | "ok_or_error"
    duration_s: float | None = None


@dataclass(frozen=True)
class BadOutcome:
    case: BadCase
    passed: bool
    detail: str


def make_bad_inputs(folder: Path) -> list[BadCase]:
    """Write the awkward inputs into `folder` (remade each run: cheap)."""
    import soundfile as sf

    folder.mkdir(parents=True, exist_ok=True)
    voice = np.concatenate([np.zeros(8000, np.float32), speak("Thank you for calling, how can I help you today?"), np.zeros(8000, np.float32)])
    dur = len(voice) / 16000
    cases: list[BadCase] = []

    def add(name: str, expect: str, duration: float | None = None) -> Path:
        path = folder / name
        cases.append(BadCase(name, path, expect, duration))
        return path

    add("empty.wav", "error").write_bytes(b"")
    sf.write(add("silence.wav", "no_speech"), np.zeros(5 * 16000, np.float32), 16000, subtype="PCM_16")
    mono8k = resample(voice, 16000, 8000)
    sf.write(add("stereo_8k.wav", "ok", dur), np.stack([mono8k, mono8k * 0.8], axis=1), 8000, subtype="PCM_16")
    sf.write(add("float_48k.wav", "ok", dur), resample(voice, 16000, 48000), 48000, subtype="FLOAT")
    whole = folder / "_whole.wav"
    sf.write(whole, voice, 16000, subtype="PCM_16")
    data = whole.read_bytes()
    add("truncated.wav", "ok_or_error").write_bytes(data[: len(data) // 2 + 1])
    add("corrupt_header.wav", "error").write_bytes(b"RIFX\x00\x00\x00\x00WAVEjunk" + bytes(range(256)) * 4 + data[44:2000])
    add("not_audio.wav", "error").write_text("This is a text file that only pretends to be a WAV.\n" * 20)
    sub = add("a_folder.wav", "error")
    sub.mkdir(exist_ok=True)
    cases.append(BadCase("missing.wav", folder / "does_not_exist.wav", "error"))
    if shutil.which("ffmpeg"):
        for ext in ("mp3", "ogg"):
            out = folder / f"speech.{ext}"
            proc = subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-i", str(whole), str(out)], capture_output=True)
            if proc.returncode == 0:
                cases.append(BadCase(out.name, out, "ok_or_error", dur))
    return cases


def check_case(case: BadCase, cmd: list[str], timeout_s: float = 300) -> BadOutcome:
    """Run the analyzer on one case and judge it by the rules above."""
    try:
        proc = subprocess.run(cmd + [str(case.path)], capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return BadOutcome(case, False, f"timed out after {timeout_s:.0f} s")
    err_lines = [line for line in proc.stderr.splitlines() if line.strip()]
    if "Traceback" in proc.stderr:
        return BadOutcome(case, False, f"traceback (exit {proc.returncode}): {err_lines[-1] if err_lines else ''}")
    clean_error = proc.returncode != 0 and len(err_lines) == 1
    result = None
    if proc.returncode == 0:
        lines = [line for line in proc.stdout.splitlines() if line.strip()]
        try:
            result = json.loads(lines[-1]) if lines else None
        except json.JSONDecodeError:
            result = None
    if case.expect == "error" or (case.expect == "ok_or_error" and proc.returncode != 0):
        if clean_error:
            return BadOutcome(case, True, f"exit {proc.returncode}: {err_lines[0][:90]}")
        what = f"{len(err_lines)} stderr lines" if proc.returncode != 0 else "exit 0 on a bad file"
        return BadOutcome(case, False, f"{what}; exit {proc.returncode}; {err_lines[:2]}")
    if result is None:
        return BadOutcome(case, False, f"exit {proc.returncode} without a JSON result; stderr {err_lines[:2]}")
    transcript = (result.get("transcript") or "").strip()
    if case.expect == "no_speech":
        ok = not transcript or bool(result.get("no_speech"))
        return BadOutcome(case, ok, f"transcript {transcript[:40]!r}, no_speech={result.get('no_speech')}")
    dur = result.get("duration_s")
    dur_ok = case.duration_s is None or (dur is not None and abs(float(dur) - case.duration_s) < 0.2)
    ok = bool(transcript) and dur_ok
    return BadOutcome(case, ok, f"transcript {transcript[:40]!r}, duration_s={dur}")
