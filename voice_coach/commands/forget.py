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
        "the start of one, or 'last'. --all deletes everything. Asks first unless --yes.",
    )
    p.add_argument("sessions", nargs="*", metavar="SESSION")
    add_home_argument(p)
    p.add_argument("--all", action="store_true", help="delete every saved session")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=run)


def _megabytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def _confirm(question: str, what: str) -> bool:
    """Ask on the terminal; without one, refuse in one line (a script must say --yes)."""
    from voice_coach.store import StoreError

    if not sys.stdin or not sys.stdin.isatty():
        raise StoreError(f"{what}; pass --yes to confirm (there is no terminal to ask)")
    try:
        reply = input(question)
    except EOFError:
        return False
    return reply.strip().lower() in ("y", "yes")


def _session_bytes(store: object, session_ids: list[str]) -> int:
    from voice_coach.store.paths import audio_folder

    total = 0
    for session_id in session_ids:
        folder = audio_folder(store.home, session_id)  # type: ignore[attr-defined]
        if folder.is_dir():
            total += sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    return total


def run(args: argparse.Namespace) -> int:
    from voice_coach.store import Store, StoreError
    from voice_coach.store.paths import DB_NAME, audio_folder, resolve_home
    from voice_coach.store.upkeep import audio_bytes, count_answers, delete_all, delete_sessions, plural

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
            every = "all " if sessions != 1 else ""
            question = (f"Delete {every}{plural(sessions, 'session')} ({plural(answers, 'answer')}, "
                        f"{_megabytes(size)} of audio) for good? [y/N] ")  # fmt: skip
            if not args.yes and not _confirm(question, "forget --all deletes everything"):
                print("Nothing deleted.")
                return 1
            sessions, answers = delete_all(store)
            print(f"Forgot {plural(sessions, 'session')} and {plural(answers, 'answer')} with their audio.")
            return 0
        ids = list(dict.fromkeys(store.resolve_session(ref) for ref in args.sessions))  # all checked before anything goes
        for session_id in ids:
            audio_folder(store.home, session_id)  # a crafted id is refused before the question
        if not args.yes:
            question = (f"Delete {plural(len(ids), 'session')} ({', '.join(ids)}: "
                        f"{plural(count_answers(store, ids), 'answer')}, {_megabytes(_session_bytes(store, ids))} "
                        "of audio) for good? [y/N] ")  # fmt: skip
            if not _confirm(question, f"forget deletes {plural(len(ids), 'session')} for good"):
                print("Nothing deleted.")
                return 1
        answers = delete_sessions(store, ids)
        print(f"Forgot {plural(len(ids), 'session')} ({', '.join(ids)}): {plural(answers, 'answer')} with their audio.")
    return 0
