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


def run(args: argparse.Namespace) -> int:
    from voice_coach.store import Store, StoreError
    from voice_coach.store.archive import (
        archive_kind,
        default_export_path,
        export_archive,
    )

    out = args.out or default_export_path()
    archive_kind(out)
    if out.exists() and not args.force:
        raise StoreError(f"{out} already exists; pass --force to replace it")
    with Store.open(args.home, readonly=True) as store:
        result = export_archive(store, out)
    print(f"Wrote {result.path}: {result.sessions} sessions, {result.answers} answers, {result.audio_files} recordings.")
    if result.missing:
        shown = ", ".join(result.missing[:3]) + (", ..." if len(result.missing) > 3 else "")
        print(f"voice-coach: {len(result.missing)} recordings were missing or damaged and are not in the archive: {shown}",
              file=sys.stderr)  # fmt: skip
        return 1
    return 0
