"""`voice-coach forget`: delete sessions with their audio, for good."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    from voice_coach.store.cli_support import add_home_argument

    p = subparsers.add_parser(
        "forget",
        help="delete saved sessions and their recordings",
        description="Delete sessions and their audio for good. SESSION is an id from `voice-coach history`, "
        "the start of one, or 'last'. --all deletes everything and asks first unless --yes.",
    )
    p.add_argument("sessions", nargs="*", metavar="SESSION")
    add_home_argument(p)
    p.add_argument("--all", action="store_true", help="delete every saved session")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=run)


def _megabytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def _confirm(question: str) -> bool:
    from voice_coach.store import StoreError

    if not sys.stdin or not sys.stdin.isatty():
        raise StoreError("forget --all deletes everything; pass --yes to confirm (there is no terminal to ask)")
    try:
        reply = input(question)
    except EOFError:
        return False
    return reply.strip().lower() in ("y", "yes")


def run(args: argparse.Namespace) -> int:
    from voice_coach.store import Store, StoreError
    from voice_coach.store.paths import DB_NAME, resolve_home
    from voice_coach.store.upkeep import audio_bytes, delete_all, delete_sessions

    if args.all == bool(args.sessions):
        raise StoreError("name the sessions to forget, or pass --all (not both)")
    home = resolve_home(args.home)
    if not (home / DB_NAME).exists():
        if args.all:
            print(f"Nothing to forget: there is no store in {home}.")
            return 0
        raise StoreError(f"no session {args.sessions[0]!r}: there is no store in {home}")
    with Store.open(args.home) as store:
        if args.all:
            sessions, answers = store.totals()
            size = audio_bytes(store)
            if sessions == 0 and size == 0:
                print("Nothing to forget: the store is empty.")
                return 0
            question = f"Delete all {sessions} sessions ({answers} answers, {_megabytes(size)} of audio) for good? [y/N] "
            if not args.yes and not _confirm(question):
                print("Nothing deleted.")
                return 1
            sessions, answers = delete_all(store)
            print(f"Forgot {sessions} sessions and {answers} answers with their audio.")
            return 0
        ids = [store.resolve_session(ref) for ref in args.sessions]  # every name checked before anything goes
        answers = delete_sessions(store, ids)
        print(f"Forgot {len(set(ids))} session{'s' if len(set(ids)) != 1 else ''} ({', '.join(dict.fromkeys(ids))}): "
              f"{answers} answers with their audio.")  # fmt: skip
    return 0
