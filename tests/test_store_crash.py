"""The store under abuse: kill -9 of a real writer at random moments, a really full disk, a really read-only disk.

The disk tests mount a small tmpfs in a private mount namespace (`unshare -m`); they are skipped
where that is not allowed (non-root CI without user namespaces).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from voice_coach.store import Store
from voice_coach.store.paths import DB_NAME

REPO = Path(__file__).resolve().parents[1]

WRITER = r"""
import random, sys
from pathlib import Path
import numpy as np
from voice_coach.store import Store
from voice_coach.testing.synthetic_store import synthetic_analysis

home, seed = Path(sys.argv[1]), int(sys.argv[2])
rng = random.Random(seed)
store = Store.open(home)
sid = store.start_session(bank="crash", model="m", settings={"seed": seed})
print("session", sid, flush=True)
n = 0
while True:
    frames = 8000 + 800 * (n % 7)
    audio = np.random.default_rng(seed * 1000 + n).uniform(-0.5, 0.5, frames).astype(np.float32)
    q = {"id": f"q{n}", "category": "behavioral", "kind": "behavioral", "text": f"question {n}", "star": True}
    n = store.save_answer(sid, question=q, audio=audio, sample_rate=16000,
                          analysis=synthetic_analysis(rng, words=60 + n % 40), feedback=f"feedback {n}")
    print("saved", sid, n, frames, flush=True)
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _reader(proc: subprocess.Popen, lines: list[str]) -> None:
    for line in proc.stdout:  # type: ignore[union-attr]
        if line.endswith("\n"):  # a line the kill cut short was never fully reported
            lines.append(line.strip())


@pytest.mark.slow
def test_kill_9_at_random_moments_keeps_every_finished_answer(tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    home = tmp_path / "home"
    rng = random.Random(20261123)
    reported: dict[str, tuple[int, dict[int, int]]] = {}
    for run in range(6):
        proc = subprocess.Popen([sys.executable, str(script), str(home), str(run)], stdout=subprocess.PIPE,
                                text=True, env=_env())  # fmt: skip
        lines: list[str] = []
        reader = threading.Thread(target=_reader, args=(proc, lines), daemon=True)
        reader.start()
        deadline = time.monotonic() + 30
        while not any(l.startswith("saved") for l in lines) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.6))  # land anywhere: audio write, fsync, transaction, commit
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        reader.join(5)
        assert proc.returncode == -signal.SIGKILL
        sid = next(l.split()[1] for l in lines if l.startswith("session"))
        saved = [l.split() for l in lines if l.startswith("saved")]
        reported[sid] = (int(saved[-1][2]) if saved else 0, {int(s[2]): int(s[3]) for s in saved})

        conn = sqlite3.connect(home / DB_NAME)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()

    with Store.open(home, readonly=True) as store:
        for sid, (last, frames) in reported.items():
            numbers = [r.number for r in store.answers(sid)]
            assert numbers == list(range(1, len(numbers) + 1))
            # every answer reported as saved is there; at most one more was committed before its print
            assert last <= len(numbers) <= last + 1, (sid, last, numbers)
            for rec in store.answers(sid):
                samples, _ = store.read_audio(rec)  # audio was durable before its row
                if rec.number in frames:
                    assert len(samples) == frames[rec.number]
                assert rec.feedback == f"feedback {rec.number - 1}"
    assert sum(last for last, _ in reported.values()) >= 6  # the runs did write


def _unshare_ok() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs tmpfs /mnt"], capture_output=True, check=False)
    return probe.returncode == 0


needs_mount = pytest.mark.skipif(sys.platform != "linux" or not _unshare_ok(), reason="needs unshare -m and mount")

FULL_DISK = r"""
import json, random, sys
from pathlib import Path
import numpy as np
from voice_coach.store import Store, StoreError
from voice_coach.testing.synthetic_store import synthetic_analysis

home = Path(sys.argv[1])
store = Store.open(home)
sid = store.start_session(bank=None, model="m", settings={})
saved, error = [], None
for n in range(400):
    audio = np.random.default_rng(n).uniform(-0.5, 0.5, 16000).astype(np.float32)  # noise: FLAC cannot shrink it
    try:
        saved.append(store.save_answer(sid, question={"id": n, "text": "q"}, audio=audio, sample_rate=16000,
                                       analysis=synthetic_analysis(random.Random(n)), feedback=""))
    except StoreError as exc:
        error = str(exc)
        break
store.close()
store = Store.open(home, readonly=True)
check = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
rows = [r.number for r in store.answers(sid)]
playable = sum(1 for r in store.answers(sid) if len(store.read_audio(r)[0]) == 16000)
leftovers = sorted(p.name for p in (home / "audio" / sid).iterdir() if p.name not in {f"{k:03d}.flac" for k in rows})
print(json.dumps({"saved": saved, "error": error, "check": check, "rows": rows, "playable": playable,
                  "leftovers": leftovers}))
"""


def _in_tmpfs(tmp_path: Path, size: str, command: str) -> subprocess.CompletedProcess:
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    shell = f"mount -t tmpfs -o size={size} tmpfs {mnt} && {command}"
    return subprocess.run(["unshare", "-m", "sh", "-c", shell], capture_output=True, text=True, env=_env(), timeout=120, check=False)


@needs_mount
def test_full_disk_gives_one_line_and_keeps_the_store_whole(tmp_path):
    script = tmp_path / "full.py"
    script.write_text(FULL_DISK)
    out = _in_tmpfs(tmp_path, "600k", f"{sys.executable} {script} {tmp_path / 'mnt' / 'home'}")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["error"] and "disk is full" in result["error"] and "\n" not in result["error"]
    assert result["check"] == "ok"
    assert 3 <= len(result["saved"]) < 400
    assert result["rows"] == result["saved"] and result["playable"] == len(result["saved"])
    assert result["leftovers"] == []  # the failed answer's audio was removed, no .tmp left


@needs_mount
def test_read_only_disk_reads_but_refuses_writes_in_one_line(tmp_path):
    mnt = tmp_path / "mnt"
    py = sys.executable
    seed = (f"{py} -c \"import random, numpy as np; from pathlib import Path; from voice_coach.store import Store; "
            f"from voice_coach.testing.synthetic_store import synthetic_analysis as a; s = Store.open(Path('{mnt}/h')); "
            f"i = s.start_session(bank=None, model='m', settings={{}}); "
            f"s.save_answer(i, question={{'text': 'q'}}, audio=np.zeros(800, np.float32), sample_rate=16000, "
            f"analysis=a(random.Random(1)), feedback=''); s.close()\"")  # fmt: skip
    cli = f"{py} -m voice_coach"
    cmd = (f"{seed} && mount -o remount,ro {mnt} && "
           f"{cli} history --home {mnt}/h --json > {tmp_path}/history.json; echo history=$? && "
           f"{cli} forget --all --yes --home {mnt}/h 2> {tmp_path}/forget.err; echo forget=$?")  # fmt: skip
    out = _in_tmpfs(tmp_path, "4m", cmd)
    assert "history=0" in out.stdout and "forget=2" in out.stdout, out.stdout + out.stderr
    rows = json.loads((tmp_path / "history.json").read_text())
    assert len(rows) == 1 and rows[0]["questions"] == 1
    err = (tmp_path / "forget.err").read_text().strip().splitlines()
    assert len(err) == 1 and "read-only" in err[0], err
