"""Argument helpers the store commands share: --home, dates for --since/--until, private atomic output files."""

from __future__ import annotations

import argparse
import os
import re
import time
from pathlib import Path

from voice_coach.store.audio_files import write_private_file
from voice_coach.store.errors import StoreError, describe_os_error
from voice_coach.store.paths import ENV_HOME


def add_home_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--home",
        type=Path,
        metavar="DIR",
        help=f"data directory holding the saved sessions (default: ${ENV_HOME}, else your user data directory)",
    )


def _midnight(ts: float) -> float:
    t = time.localtime(ts)
    return time.mktime((t.tm_year, t.tm_mon, t.tm_mday, 0, 0, 0, 0, 0, -1))


def parse_when(text: str, *, end: bool = False, now: float | None = None) -> float:
    """A local date or time as a Unix time.

    Accepts YYYY-MM-DD, "YYYY-MM-DD HH:MM", today, yesterday, Nd and Nw (N days/weeks ago).
    With `end`, a bare date means the end of that day, so --until 2026-11-23 includes the 23rd.
    """
    now = time.time() if now is None else now
    raw = text.strip().lower()
    day = 86400.0
    if raw in ("today", "yesterday"):
        start = _midnight(now) - (day if raw == "yesterday" else 0.0)
        return _midnight(start + day * 1.5) if end else start
    m = re.fullmatch(r"(\d+)\s*([dw])", raw)
    if m:
        return now - int(m.group(1)) * (7 if m.group(2) == "w" else 1) * day
    for fmt, is_date in (("%Y-%m-%d", True), ("%Y-%m-%d %H:%M", False), ("%Y-%m-%dT%H:%M", False)):
        try:
            parsed = time.mktime(time.strptime(raw.upper() if "t" in raw else raw, fmt))
        except ValueError:
            continue
        return _midnight(parsed + day * 1.5) if (end and is_date) else parsed
    raise argparse.ArgumentTypeError(
        f"cannot read {text!r} as a date: use YYYY-MM-DD, 'YYYY-MM-DD HH:MM', today, yesterday, 7d or 2w"
    )


def since_arg(text: str) -> float:
    return parse_when(text)


def until_arg(text: str) -> float:
    return parse_when(text, end=True)


def add_date_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=since_arg, metavar="DATE", help="only sessions started on or after DATE")
    parser.add_argument("--until", type=until_arg, metavar="DATE", help="only sessions started on or before DATE")
    parser.add_argument("--category", metavar="NAME", help="only answers to questions of this category")


def write_private(path: Path, data: str | bytes) -> None:
    """Write a file the user asked for, all or nothing, readable by its owner only (it holds their words)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path = path.expanduser()
    if path.is_dir():
        raise StoreError(f"{path} is a folder; give a file name")
    try:
        write_private_file(path, payload)
    except OSError as exc:
        raise StoreError(f"cannot write {path}: {describe_os_error(exc)}") from exc
