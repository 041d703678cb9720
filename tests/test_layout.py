"""The package layout keeps test-only code out of the product: nothing but `voice-coach demo` imports voice_coach.testing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_IMPORT_ALL = """
import importlib, json, pathlib, sys
root = pathlib.Path("voice_coach")
skip = ("voice_coach.testing", "voice_coach.commands.demo", "voice_coach.__main__")
names = []
for path in sorted(root.rglob("*.py")):  # from the files: pkgutil.walk_packages would import every package itself
    name = ".".join(path.with_suffix("").parts).removesuffix(".__init__")
    if not any(name == s or name.startswith(s + ".") for s in skip):
        names.append(name)
for name in names:
    importlib.import_module(name)
print(json.dumps({"imported": names, "testing": sorted(m for m in sys.modules if m.startswith("voice_coach.testing"))}))
"""


def test_no_product_module_imports_the_testing_package():
    proc = subprocess.run([sys.executable, "-c", _IMPORT_ALL], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert {"voice_coach.cli", "voice_coach.audio.speaker", "voice_coach.engines.tts",
            "voice_coach.interview.session", "voice_coach.live.capture"} <= set(result["imported"])
    assert result["testing"] == []
