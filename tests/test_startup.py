"""`voice-coach --help` and every command's --help stay light: no numpy, no model libraries at start-up."""

from __future__ import annotations

import subprocess
import sys

from voice_coach.cli import COMMAND_MODULES

HEAVY = ("numpy", "faster_whisper", "onnxruntime", "ctranslate2", "sounddevice", "pyttsx3", "av")


def test_help_imports_no_heavy_library() -> None:
    code = ("import sys, contextlib, io\n"
            "from voice_coach.cli import build_parser\n"
            "build_parser()\n"
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"--help imports {out}"
    assert len(COMMAND_MODULES) >= 10
