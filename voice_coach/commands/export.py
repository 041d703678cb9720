"""`voice-coach export`: every session, its analysis and its audio in one archive you keep."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    from voice_coach.store.cli_support import add_home_argument

    p = subparsers.add_parser(
        "export",
        help="write all sessions and recordings to one archive (.zip or .tar.gz)",
        description="Write the database, every session as JSON and every recording into one archive.",
    )
    add_home_argument(p)
    p.add_argument("--out", type=Path, metavar="FILE",
                   help="archive to write, ending in .zip, .tar.gz or .tgz (default: voice-coach-export-DATE.zip here)")  # fmt: skip
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(func=run)


def _listed(items: tuple[str, ...]) -> str:
    return ", ".join(items[:3]) + (", ..." if len(items) > 3 else "")


def run(args: argparse.Namespace) -> int:
    from voice_coach.store import Store, StoreError
    from voice_coach.store.archive import (
        archive_kind,
        default_export_path,
        export_archive,
    )
    from voice_coach.store.upkeep import plural

    out = args.out or default_export_path()
    archive_kind(out)
    if args.out is not None and out.exists() and not args.force:
        raise StoreError(f"{out} already exists; pass --force to replace it")
    with Store.open(args.home, readonly=True) as store:
        # the default name is unique: a second export in the same second is written as NAME-2.zip
        result = export_archive(store, out, replace=args.force, numbered=args.out is None)
    print(f"Wrote {result.path}: {plural(result.sessions, 'session')}, {plural(result.answers, 'answer')}, "
          f"{plural(result.audio_files, 'recording')}.")  # fmt: skip
    problems = []
    if result.unreadable:
        problems.append(f"{plural(len(result.unreadable), 'part')} of the database could not be read, everything "
                        f"else is in the archive: {_listed(result.unreadable)}")  # fmt: skip
    if result.missing:
        problems.append(f"{plural(len(result.missing), 'recording')} {'was' if len(result.missing) == 1 else 'were'} "
                        f"missing or damaged and {'is' if len(result.missing) == 1 else 'are'} not in the archive: "
                        f"{_listed(result.missing)}")  # fmt: skip
    if result.unlisted_audio:
        print(f"Also in it: {plural(len(result.unlisted_audio), 'recording')} whose answer could not be read whole, "
              f"not checked against a checksum ({_listed(result.unlisted_audio)}).")  # fmt: skip
    if problems:
        print("voice-coach: " + "; ".join(problems) + " (manifest.json lists them all)", file=sys.stderr)
        return 1
    return 0
