"""scripts/setup.sh says what a person needs (a line per step, one line that it worked and what to run next),
and the package metadata builds without setuptools' licence warnings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def test_licence_is_an_spdx_string_and_the_build_backend_takes_it():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert meta["project"]["license"] == "MIT"  # not the deprecated { text = "MIT" } table
    (req,) = [r for r in meta["build-system"]["requires"] if r.startswith("setuptools")]
    assert req.replace(" ", "") == "setuptools>=77"  # the first setuptools that reads an SPDX licence string


NOISY_PIP = """#!/bin/sh
# stands in for .venv/bin/python: as chatty as pip with setuptools' warnings
for i in $(seq 1 40); do echo "  BuildBackendWarning: line $i" >&2; done
echo "Successfully installed voice-coach"
case "$*" in *"-e .[test]"*) exit ${FAIL_INSTALL:-0};; esac
exit 0
"""


@pytest.fixture
def checkout(tmp_path) -> Path:
    """The script in a folder whose .venv already exists with a stand-in python, and dpkg saying all is installed."""
    root = tmp_path / "repo"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "setup.sh", root / "scripts" / "setup.sh")
    bin_dir = root / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, text in (("python", NOISY_PIP), ("voice-coach", "#!/bin/sh\nexit 0\n")):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    (stubs / "dpkg").write_text("#!/bin/sh\nexit 0\n")
    (stubs / "dpkg").chmod(0o755)
    return root


def run_setup(root: Path, **env: str) -> subprocess.CompletedProcess[str]:
    path = f"{root.parent / 'stubs'}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(["bash", str(root / "scripts" / "setup.sh")], capture_output=True, text=True,
                          env={**os.environ, "PATH": path, **env}, timeout=60, check=False)  # fmt: skip


def test_setup_prints_progress_and_the_next_step_only(checkout):
    proc = run_setup(checkout)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines == [
        "setup: installing voice_coach and its Python packages into .venv (a few minutes the first time)",
        "setup: ready. Next: .venv/bin/voice-coach demo (a whole mock interview), or .venv/bin/voice-coach --help",
    ]
    assert proc.stderr == ""
    log = (checkout / ".venv" / "setup.log").read_text()
    assert log.count("BuildBackendWarning") == 80  # both pip runs, kept for whoever needs them


def test_setup_shows_the_log_when_a_step_fails(checkout):
    proc = run_setup(checkout, FAIL_INSTALL="1")
    assert proc.returncode == 1
    assert "setup: ready" not in proc.stdout
    err = proc.stderr.splitlines()
    assert err[0] == "setup: pip install failed; the last lines of .venv/setup.log:"
    assert "Successfully installed voice-coach" in proc.stderr and len(err) <= 26
