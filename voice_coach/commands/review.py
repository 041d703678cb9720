"""`voice-coach review SESSION`: what was said and how, answer by answer; replay or export it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

SUFFIX_FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json",
                  ".srt": "srt", ".vtt": "vtt"}  # fmt: skip


def register(subparsers: argparse._SubParsersAction) -> None:
    from voice_coach.store.cli_support import add_home_argument

    p = subparsers.add_parser(
        "review",
        help="show a saved session: transcript, fillers, pauses, STAR, metrics, feedback",
        description="Show a saved session answer by answer. SESSION is an id from `voice-coach history`, "
        "the start of one, or 'last'.",
    )
    p.add_argument("session", metavar="SESSION")
    add_home_argument(p)
    p.add_argument("--answer", type=int, metavar="N", help="only answer N (1 is the first)")
    p.add_argument("--play", action="store_true", help="play the recorded audio (all answers, or answer N)")
    p.add_argument("--format", choices=("md", "html", "json", "srt", "vtt"),
                   help="write the review in this format (html: one page with every answer's recording; "
                        "srt/vtt: subtitles, one file per answer unless --answer N)")  # fmt: skip
    p.add_argument("--out", type=Path, metavar="FILE",
                   help="write to FILE (format from its suffix unless --format); srt/vtt of every answer: "
                        "FILE-1.srt, FILE-2.srt, ... or, if FILE is a folder, SESSION-answer-N.srt in it")  # fmt: skip
    p.set_defaults(func=run)


def _format(args: argparse.Namespace) -> str | None:
    from voice_coach.store import StoreError

    if args.format or args.out is None:
        return args.format
    fmt = SUFFIX_FORMATS.get(args.out.suffix.lower())
    if fmt is None:
        raise StoreError(f"cannot tell the format from {args.out.name}; pass --format md|html|json|srt|vtt")
    return fmt


PLAY_HINT = "run `voice-coach devices` to see the outputs this machine has"


def play(samples: np.ndarray, rate: int, on_start: Callable[[], None] | None = None) -> None:
    """Play through the default output, as the interviewer's voice is played (audio/playback.py).

    DeviceError (one line) when there is none; `on_start` runs once the output has opened.
    """
    from voice_coach.audio.playback import play_samples
    from voice_coach.core.errors import DeviceError

    try:
        play_samples(samples, rate, on_start=on_start, hint=PLAY_HINT)
    except DeviceError as exc:
        raise DeviceError(f"cannot play audio: {exc}") from None


def run(args: argparse.Namespace) -> int:
    from functools import partial

    from rich.console import Console
    from rich.text import Text

    from voice_coach.store import Store
    from voice_coach.store.cli_support import write_private
    from voice_coach.views.review_export import SUBTITLE_FORMATS, render_format
    from voice_coach.views.review_files import recordings, write_subtitle_files
    from voice_coach.views.review_view import render_review

    fmt = _format(args)
    with Store.open(args.home, readonly=True) as store:
        session_id = store.resolve_session(args.session)
        summary = store.summary(session_id)
        answers = store.answers(session_id, args.answer)
        console = Console()
        if fmt is None:
            console.print(render_review(summary, answers))
        elif fmt in SUBTITLE_FORMATS and args.answer is None:
            write_subtitle_files(console, fmt, session_id, answers, args.out)
        else:
            text = render_format(fmt, summary, answers, recordings(answers) if fmt == "html" else None)
            if args.out is None:
                sys.stdout.write(text)
            else:
                write_private(args.out, text)
                console.print(f"Wrote {args.out} ({fmt})", highlight=False)
        if args.play:
            for answer in answers:  # one at a time: a long answer's samples are large
                samples, rate = store.read_audio(answer)
                note = Text(f"Playing answer {answer.number} ({len(samples) / rate:.1f} s)...")
                play(samples, rate, on_start=partial(console.print, note))
    return 0
