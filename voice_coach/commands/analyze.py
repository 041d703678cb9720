"""`voice-coach analyze FILE...`: transcribe recorded answers locally and measure their delivery."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "analyze",
        help="analyse recorded answers (WAV, FLAC, MP3, M4A, OGG)",
        description="Transcribe each recording on this machine and report pace, fillers, pauses, "
        "answer length and STAR structure. Nothing leaves the machine.",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="audio files, any rate and channel count")
    p.add_argument("--json", action="store_true", help="print one JSON object per file, one per line")
    p.add_argument("--question", metavar="ID", help="the bank question the recordings answer (see `voice-coach "
                   "questions`): judges its talking points, and STAR only where a story is expected. "
                   "Without it, STAR is judged as for a behavioral answer")
    p.add_argument("--bank", type=Path, metavar="PATH", help="the question bank of --question (default: the customer-service bank)")
    add_model_options(p)
    add_analysis_options(p)
    p.set_defaults(func=run)


def add_model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default=None, help="CTranslate2 Whisper model folder, 'base', or a size name "
                   "(default: the embedded tiny.en; a size name may download where the machine allows)")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"], help="where Whisper runs (default cpu)")
    p.add_argument("--compute-type", default="int8", help="CTranslate2 compute type (default int8)")


def add_analysis_options(p: argparse.ArgumentParser) -> None:
    from voice_coach.core import targets as T

    lo, hi = T.PACE_WPM
    p.add_argument("--pace", type=parse_band, default=T.PACE_WPM, metavar="LO-HI", help=f"target pace in wpm (default {lo:g}-{hi:g})")
    kinds = ", ".join(f"{k} {a:g}-{b:g}" for k, (a, b) in T.LENGTH_BY_KIND_S.items())
    p.add_argument("--length", type=parse_band, default=None, metavar="LO-HI",
                   help=f"target answer length in s for every question (default: the question's own; {kinds})")
    p.add_argument("--pause", type=float, default=T.PAUSE_MIN_S, metavar="S",
                   help=f"shortest silence reported as a pause (default {T.PAUSE_MIN_S:g} s)")
    p.add_argument("--dead-air", type=float, default=T.DEAD_AIR_S, metavar="S",
                   help=f"pause counted as dead air (default {T.DEAD_AIR_S:g} s)")


def parse_band(text: str) -> tuple[float, float]:
    """LO-HI (or LO,HI, or with an en dash) as a band of two positive numbers."""
    try:
        lo, hi = (float(v) for v in text.replace(",", "-").replace("–", "-").split("-", 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LO-HI such as 120-150, got {text!r}") from None
    if not 0 < lo <= hi:
        raise argparse.ArgumentTypeError(f"expected 0 < LO <= HI, got {text!r}")
    return lo, hi


def targets_from(args: argparse.Namespace):
    """core.targets with this run's --pace, --length, --pause and --dead-air applied."""
    from voice_coach.core.targets import DEFAULT_TARGETS

    return DEFAULT_TARGETS.with_overrides(pace_wpm=args.pace, length_s=args.length, pause_min_s=args.pause,
                                          dead_air_s=args.dead_air)


def settings_from(args: argparse.Namespace, expect_star: bool = True, question=None):
    """The analysis settings of this run; with a question, its STAR expectation and its own length band."""
    from voice_coach.core.settings import AnalysisSettings

    targets = targets_from(args)
    if question is not None:
        expect_star = question.star
    band = targets.length_for(question.kind, question.target_s) if question is not None else targets.length_for(None)
    return AnalysisSettings(
        pace_band_wpm=targets.pace_wpm, pause_min_s=targets.pause_min_s, dead_air_s=targets.dead_air_s,
        length_band_s=band, expect_star=expect_star,
    )


def question_from(args: argparse.Namespace):
    """(bank, question) from --bank and --question; the bank is None when neither is given. BankError names near ids."""
    if not getattr(args, "question", None) and not getattr(args, "bank", None):
        return None, None
    from voice_coach.interview.bank_loader import load_bank

    bank = load_bank(args.bank)
    return bank, (bank.get(args.question) if args.question else None)


NO_QUESTION_NOTE = ("no --question given: STAR is judged as for a behavioral answer and no talking points are "
                    "checked (give --question ID, see `voice-coach questions`)")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from voice_coach.live.replay import analyze_file, load_transcriber, probe_duration
    from voice_coach.audio.decode import check_readable
    from voice_coach.core.errors import VoiceCoachError
    from voice_coach.views.answer_report import render_report

    from voice_coach.analysis.answer import with_content

    err = Console(stderr=True)
    out = Console()
    bank, question = question_from(args)  # a bad bank or id fails before anything loads
    settings = settings_from(args, question=question)
    terms = bank.terms if bank is not None else _default_terms()
    noted = question is not None  # the note on STAR comes with the first result, not before an error
    failures = 0
    readable = []
    for path in args.files:  # cheap checks first, so a typo fails before the model loads
        try:
            check_readable(path)
            readable.append(path)
        except VoiceCoachError as exc:
            print(f"voice-coach: {exc}", file=sys.stderr)
            failures += 1
    if not readable:
        return 2
    transcriber = load_transcriber(args.model, args.device, args.compute_type)
    show_progress = err.is_terminal and not args.json
    for path in readable:
        notices: list[str] = []
        try:
            if show_progress:
                total = probe_duration(path)
                with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[done]}"),
                              TimeElapsedColumn(), console=err, transient=True) as bar:
                    task = bar.add_task(f"analysing {path.name}", total=total or None, done="")
                    result = analyze_file(path, settings, transcriber=transcriber, notices=notices,
                                          progress=lambda s: bar.update(task, completed=s, done=f"{s:.0f} s of audio"))
            else:
                result = analyze_file(path, settings, transcriber=transcriber, notices=notices)
        except VoiceCoachError as exc:
            print(f"voice-coach: {exc}", file=sys.stderr)
            failures += 1
            continue
        for notice in notices:
            print(f"voice-coach: {path}: {notice}", file=sys.stderr)
        result = with_content(result, question, terms)
        if not noted:
            print(f"voice-coach: {NO_QUESTION_NOTE}", file=sys.stderr)
            noted = True
        if result.content is not None and result.content.note:
            print(f"voice-coach: {result.content.note}", file=sys.stderr)
        if args.json:
            sys.stdout.write(json.dumps(result.to_dict()) + "\n")
            sys.stdout.flush()
        else:
            out.print(render_report(result, title=str(path)))
    return 2 if failures else 0


def _default_terms() -> tuple[str, ...]:
    """The shipped bank's job terms (counted even when no question is given)."""
    from voice_coach.interview.bank import BankError
    from voice_coach.interview.bank_loader import load_bank

    try:
        return load_bank().terms
    except BankError:
        return ()
