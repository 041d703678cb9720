"""`voice-coach history`: one line per saved session, newest first."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    from voice_coach.store.cli_support import add_date_filters, add_home_argument

    p = subparsers.add_parser(
        "history",
        help="list saved sessions, newest first",
        description="One line per saved session: date, questions, mean pace, fillers per minute, dead-air events "
        "and STAR completeness. Figures inside their target band are green.",
    )
    add_home_argument(p)
    add_date_filters(p)
    p.add_argument("--limit", type=int, metavar="N", help="show only the N newest sessions")
    p.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from voice_coach.store import Store
    from voice_coach.views.history_view import (
        history_footer,
        history_json,
        history_table,
    )

    from voice_coach.store.upkeep import plural, recordings_on_disk

    with Store.open(args.home, readonly=True) as store:
        sessions = store.sessions(since=args.since, until=args.until, category=args.category)
        total = len(sessions)
        if args.limit is not None:
            sessions = sessions[: max(0, args.limit)]
        home = store.home
        unknown = recordings_on_disk(store) if total == 0 else 0
    if args.json:
        sys.stdout.write(history_json(sessions))
        return 0
    console = Console()
    if not sessions:
        filtered = any(x is not None for x in (args.since, args.until, args.category))
        if unknown and not filtered:  # an emptied database: the recordings are not lost
            console.print(f"No saved sessions in the database in {home}, but {plural(unknown, 'recording')} "
                          f"{'is' if unknown == 1 else 'are'} in {home / 'audio'}.", highlight=False)  # fmt: skip
            return 0
        console.print("No saved sessions match." if filtered else f"No saved sessions yet in {home}.")
        return 0
    console.print(history_table(sessions, width=console.width), no_wrap=True, overflow="ignore", crop=False)
    footer = history_footer(sessions, home=home, width=console.width)
    if total > len(sessions):
        footer = f"Showing {len(sessions)} of {plural(total, 'session')}. " + footer
    console.print(footer, style="dim", highlight=False)
    return 0
