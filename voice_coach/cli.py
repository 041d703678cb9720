"""Command line entry point: builds the parser from small command modules and turns errors into one line.

Command modules import heavy libraries (numpy, faster-whisper, sounddevice) only inside their
`run` functions, so `voice-coach --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from voice_coach import __version__
from voice_coach.core.errors import VoiceCoachError

# Each module in voice_coach/commands/ has `register(subparsers)`, which adds its parser and sets `func`.
COMMAND_MODULES = [
    "analyze",
    "devices", "mic_check",
    "practice", "demo",
    "questions",
    "history", "review", "progress", "forget", "export", "import_cmd",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voice-coach",
        description="Practise phone-screen interviews aloud. Everything runs and stays on this machine.",
    )
    parser.add_argument("--version", action="version", version=f"voice-coach {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"voice_coach.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    from voice_coach.core.heap import map_large_blocks

    map_large_blocks()
    try:
        return int(args.func(args) or 0)
    except VoiceCoachError as exc:
        print(f"voice-coach: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("voice-coach: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
