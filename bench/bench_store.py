"""How fast `history` and `progress` answer with 10,000 stored answers (the target is under 1 s).

Fills a temporary store through the real `Store.save_answer` path (FLAC + fsync + one transaction
per answer) with synthetic answers spread over two years, then times the queries in-process and
the whole commands as a user runs them (a fresh Python process each time). Prints tables.

    .venv/bin/python -m bench.bench_store [--answers 10000] [--per-session 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console

from bench.common import ROOT, machine_line
from voice_coach.store import Store
from voice_coach.testing.synthetic_store import synthetic_analysis
from voice_coach.views.history_view import history_table
from voice_coach.views.progress_data import points
from voice_coach.views.progress_view import render_progress
from voice_coach.views.targets import all_targets

CATEGORIES = ("behavioral", "general", "situational", "teamwork")


def fill(home: Path, answers: int, per_session: int, seed: int = 1) -> float:
    """Store `answers` synthetic answers; returns seconds taken."""
    rng = random.Random(seed)
    audio = (np.random.default_rng(seed).standard_normal(4000) * 0.05).astype(np.float32)  # 0.25 s each
    sessions = answers // per_session
    start = time.perf_counter()
    t0 = time.time() - 730 * 86400
    with Store.open(home) as store:
        for k in range(sessions):
            sid = store.start_session(bank="default", model="tiny.en", settings={"dead_air_s": 3.0})
            wpm = 185 - 40 * k / sessions + rng.uniform(-8, 8)
            for q in range(per_session):
                cat = CATEGORIES[(k + q) % len(CATEGORIES)]
                a = synthetic_analysis(rng, words=rng.randint(80, 260), wpm=wpm, fillers=rng.randint(0, 8),
                                       pauses=tuple(rng.uniform(1.0, 4.5) for _ in range(rng.randint(0, 4))),
                                       star=rng.choice(("STAR", "SAR", "SA", "STA")))  # fmt: skip
                store.save_answer(sid, question={"id": f"q{q}", "category": cat, "text": f"Question {q}", "star": q > 0},
                                  audio=audio, sample_rate=16000, analysis=a, feedback="Keep going.")  # fmt: skip
            store.finish_session(sid, complete=True)
            store.conn.execute("UPDATE sessions SET started_ts = ? WHERE id = ?", (t0 + k * 730 * 86400 / sessions, sid))
    return time.perf_counter() - start


def timed(fn, repeat: int = 5) -> tuple[float, float]:
    """(median, max) wall seconds over `repeat` runs."""
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs), max(runs)


def in_process(home: Path) -> list[tuple[str, float, float]]:
    sink = Console(file=io.StringIO(), width=100, color_system=None)
    targets = all_targets()

    def query():
        with Store.open(home, readonly=True) as s:
            return s.sessions()

    def history_all():
        sink.print(history_table(query()))

    def progress():
        sink.print(render_progress(targets, points(query()), "session"))

    def progress_week():
        sink.print(render_progress(targets, points(query(), "week"), "week"))

    def category():
        with Store.open(home, readonly=True) as s:
            return s.sessions(category="behavioral")

    return [
        ("open + sessions() query", *timed(query)),
        ("open + query, --category", *timed(category)),
        ("history table, all rows rendered", *timed(history_all)),
        ("progress by session, rendered", *timed(progress)),
        ("progress by week, rendered", *timed(progress_week)),
    ]


def cli(home: Path, tmp: Path) -> list[tuple[str, float, float]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    commands = [
        ("voice-coach --help", ["--help"]),
        ("voice-coach history", ["history", "--home", str(home)]),
        ("voice-coach history --limit 20", ["history", "--home", str(home), "--limit", "20"]),
        ("voice-coach history --category behavioral", ["history", "--home", str(home), "--category", "behavioral"]),
        ("voice-coach progress", ["progress", "--home", str(home)]),
        ("voice-coach progress --by week", ["progress", "--home", str(home), "--by", "week"]),
        ("voice-coach progress --html", ["progress", "--home", str(home), "--html", str(tmp / "p.html")]),
        ("voice-coach progress --png", ["progress", "--home", str(home), "--png", str(tmp / "p.png")]),
        ("voice-coach review last", ["review", "last", "--home", str(home)]),
    ]
    rows = []
    for name, argv in commands:
        def once(argv=argv):
            subprocess.run([sys.executable, "-m", "voice_coach", *argv], stdout=subprocess.DEVNULL, check=True, env=env)
        rows.append((name, *timed(once)))
    return rows


def table(title: str, rows: list[tuple[str, float, float]]) -> None:
    print(f"\n{title}")
    print(f"| {'what':<44} | median ms | max ms |")
    print(f"| {'-' * 44} | --------: | -----: |")
    for name, med, worst in rows:
        print(f"| {name:<44} | {med * 1000:9.0f} | {worst * 1000:6.0f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--answers", type=int, default=10_000)
    ap.add_argument("--per-session", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="build the store here and keep it (reused if it exists)")
    args = ap.parse_args()
    print(machine_line())
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp_name:
        tmp = Path(tmp_name)
        home = args.keep or tmp / "home"
        if not (home / "voice-coach.sqlite3").exists():
            took = fill(home, args.answers, args.per_session)
            print(f"filled {args.answers} answers in {args.answers // args.per_session} sessions: {took:.1f} s "
                  f"({args.answers / took:.0f} answers/s through save_answer, fsync on)")  # fmt: skip
        with Store.open(home, readonly=True) as s:
            sessions, answers = s.totals()
        size = sum(p.stat().st_size for p in home.iterdir() if p.is_file()) / 1e6
        print(f"store: {sessions} sessions, {answers} answers, database {size:.1f} MB")
        table("In-process (store opened each run)", in_process(home))
        table("Whole command, fresh process each run (target < 1000 ms)", cli(home, tmp))


if __name__ == "__main__":
    main()
