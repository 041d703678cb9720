"""`voice-coach practice`: a mock phone screen, spoken aloud, with feedback after every answer."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voice_coach.core.words import plural

if TYPE_CHECKING:
    from voice_coach.interview.bank import QuestionBank
    from voice_coach.interview.settings import InterviewSettings
    from voice_coach.live.capture import CaptureSettings


def register(sub: argparse._SubParsersAction) -> None:
    from voice_coach.commands.analyze import add_analysis_options, add_model_options
    from voice_coach.store.cli_support import add_home_argument

    p = sub.add_parser(
        "practice",
        help="a mock phone interview: spoken questions, live analysis, spoken feedback",
        description="The interviewer greets you, asks questions aloud and listens to your answers through "
        "the microphone while showing your pace, fillers and silences live. After each answer you hear a "
        "short piece of feedback and see the full report; every answer is saved as soon as it is analysed.",
    )
    add_question_options(p)
    add_voice_options(p)
    p.add_argument("--input-device", metavar="DEVICE",
                   help="microphone number or part of its name (see `voice-coach devices`; default: the system default)")
    p.add_argument("--answers", type=Path, metavar="DIR",
                   help="use recorded answer files from DIR instead of the microphone: one per question, in sorted "
                   "order; a file named like 02-followup.wav answers the follow-up of the file before it")
    p.add_argument("--retry", action="store_true",
                   help="after each question's feedback, ask whether to try it again (without it: type r then Enter "
                   "during the answer or the feedback); the new try's feedback says what changed")
    add_capture_options(p)
    add_home_argument(p)
    add_model_options(p)
    add_analysis_options(p)
    p.set_defaults(func=run)


def add_question_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--bank", type=Path, metavar="PATH", help="your own question bank (TOML; default: the customer-service bank)")
    p.add_argument("--category", action="append", metavar="C",
                   help="draw questions only from this category (repeatable; `voice-coach questions` lists them)")
    p.add_argument("--question", action="append", metavar="ID", help="ask exactly this question (repeatable, in order)")
    p.add_argument("--count", type=int, default=5, metavar="N", help="how many questions (default 5)")
    p.add_argument("--seed", type=int, metavar="N", help="repeat the same question choice as an earlier run with this seed")


def add_voice_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--voice", metavar="V", help="the interviewer's voice, e.g. en-us or gmw/en-gb-x-rp (espeak-ng voices)")
    p.add_argument("--rate", type=int, default=170, metavar="WPM", help="the interviewer's speaking rate (default 170)")
    p.add_argument("--phone-line", action="store_true", help="make the interviewer sound like a phone call (300-3400 Hz, 8 kHz)")
    p.add_argument("--output-device", metavar="DEVICE", help="speaker number or part of its name (default: the system default)")
    p.add_argument("--quiet", "--no-speech", dest="quiet", action="store_true",
                   help="print the interviewer's lines instead of speaking them")


def add_capture_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--end-silence", type=float, default=6.0, metavar="S",
                   help="silence after you have spoken that ends the answer (default 6 s; Enter ends it at once)")
    p.add_argument("--max-answer", type=float, default=180.0, metavar="S", help="longest answer (default 180 s)")
    p.add_argument("--no-answer", type=float, default=8.0, metavar="S",
                   help="silence after the question before the interviewer offers to repeat it (default 8 s)")


def capture_settings(args: argparse.Namespace) -> CaptureSettings:
    from voice_coach.live.capture import CaptureSettings
    from voice_coach.core.errors import VoiceCoachError

    settings = CaptureSettings(end_silence_s=args.end_silence, max_answer_s=args.max_answer, no_answer_s=args.no_answer)
    settings.check()
    if settings.end_silence_s <= args.dead_air:
        raise VoiceCoachError(f"--end-silence ({settings.end_silence_s:g} s) must be longer than --dead-air "
                              f"({args.dead_air:g} s), or no answer could contain dead air")
    return settings


def make_speaker(args: argparse.Namespace, console: Any = None) -> Any:
    """The interviewer's voice; with --quiet its lines are printed on `console`, wrapped at words."""
    from voice_coach.audio.speaker import Pyttsx3Speaker

    if args.quiet:
        return printed_speaker(console)
    if not 60 <= args.rate <= 400:
        from voice_coach.core.errors import VoiceCoachError

        raise VoiceCoachError(f"--rate must be between 60 and 400 words a minute, not {args.rate}")
    return Pyttsx3Speaker(args.voice, args.rate, args.output_device, args.phone_line)


def printed_speaker(console: Any = None) -> Any:
    from rich.console import Console

    from voice_coach.interview.voice import PrintedSpeaker

    return PrintedSpeaker(console or Console(highlight=False))


def session_settings(args: argparse.Namespace, analysis: Any, capture: Any, source: str) -> dict:
    """What the store keeps about how the session was run."""
    return {
        "pace_band_wpm": list(analysis.pace_band_wpm), "pause_min_s": analysis.pause_min_s,
        "dead_air_s": analysis.dead_air_s, "length_band_s": list(analysis.length_band_s), "expect_star": True,
        "end_silence_s": capture.end_silence_s, "max_answer_s": capture.max_answer_s, "no_answer_s": capture.no_answer_s,
        "voice": getattr(args, "voice", None), "rate_wpm": getattr(args, "rate", None),
        "phone_line": bool(getattr(args, "phone_line", False)), "spoken": not getattr(args, "quiet", False),
        "source": source,
    }


def interview_settings(args: argparse.Namespace, bank: QuestionBank, capture: CaptureSettings, source: str, *,
                       kind: str, echo: bool, seed: int | None, retry: bool = False) -> InterviewSettings:
    """The InterviewSettings of a `practice` or `demo` run: its analysis options and targets, the bank's
    role and path, and what the store keeps about the session. `source` describes where answers come from."""
    from voice_coach.commands.analyze import settings_from, targets_from
    from voice_coach.interview.settings import InterviewSettings

    analysis = settings_from(args)
    return InterviewSettings(
        analysis=analysis, targets=targets_from(args), capture=capture, kind=kind,
        bank_label=bank_label(bank), role=bank.role, terms=tuple(bank.terms),
        session_settings=session_settings(args, analysis, capture, source), echo=echo, seed=seed, retry=retry,
    )


def bank_label(bank: QuestionBank) -> str:
    """What the store and review name the bank by: the built-in one by its name, not by where pip put it."""
    from voice_coach.interview.bank_loader import DEFAULT_BANK_PATH

    if bank.path is None or Path(bank.path).resolve() == DEFAULT_BANK_PATH.resolve():
        return f"built-in ({DEFAULT_BANK_PATH.name})"
    return str(bank.path)


def run(args: argparse.Namespace) -> int:
    return run_stoppable(_run, args)


def run_stoppable(body: Callable[[argparse.Namespace, Any], int], args: argparse.Namespace) -> int:
    """`body(args, stop)` with Ctrl-C, SIGTERM and SIGHUP as one stop request (practice and demo).

    The request holds from the first line on: a signal that arrives while the files are checked or
    the model loads stops the session before its first question, cleanly. Once stopped, the process
    ends: later signals are ignored to the exit, so a second Ctrl-C cannot turn 130 into a kill.
    """
    from voice_coach.live.stop import StopRequest, ignore_stop_signals_to_exit

    with StopRequest() as stop:
        code = body(args, stop)
    if stop.event.is_set():
        ignore_stop_signals_to_exit()
    return code


def _run(args: argparse.Namespace, stop: Any) -> int:
    from rich.console import Console

    from voice_coach.live.replay import load_transcriber
    from voice_coach.live.inputs import FileInputs, MicrophoneInputs
    from voice_coach.interview.bank_loader import load_bank
    from voice_coach.interview.keys import stdin_keys
    from voice_coach.interview.session import Interview, ModelLoader
    from voice_coach.store import Store

    console = Console(highlight=False)
    bank = load_bank(args.bank)  # cheap checks first: a typo fails before any device or model is touched
    questions = bank.select(count=args.count, categories=args.category, ids=args.question, seed=args.seed)
    capture = capture_settings(args)
    inputs = FileInputs(args.answers) if args.answers else MicrophoneInputs(args.input_device)
    settings = interview_settings(args, bank, capture, inputs.description, kind="practice", echo=not args.quiet,
                                  seed=args.seed, retry=args.retry)
    speaker = make_speaker(args, console)
    loader = ModelLoader(lambda: load_transcriber(args.model, args.device, args.compute_type))
    store = Store.open(args.home)
    console.print(f"[dim]{plural(len(questions), 'question')} from {bank.title}; answers from the {inputs.description}; "
                  f"saving to {store.home}. Ctrl-C stops the session and keeps what you said.[/]")
    outcome = None
    try:
        interview = Interview(questions, inputs, speaker, loader, console=console, settings=settings, store=store,
                              enter=stdin_keys(prompts=args.retry), stop=stop)
        outcome = interview.run()
    finally:
        saved = getattr(locals().get("interview"), "saved", 0)
        session_id = getattr(locals().get("interview"), "session_id", None)
        if saved and session_id and outcome is None:  # a device error is on its way up: say what was kept first
            console.print(f"Saved as session {session_id} in {store.home}; replay it with "
                          f"`voice-coach review {session_id}`.")
        store.close()
    print_outcome(console, outcome, store.home, stop)
    return stop.exit_code if stop.event.is_set() else 0


def print_outcome(console: Any, outcome: Any, home: Any, stop: Any) -> None:
    """One line on how the session ended: where it was saved, or that it was stopped and what was kept."""
    from voice_coach.interview.session import StopReason

    sid = outcome.session_id if outcome.saved else None
    review = f"replay it with `voice-coach review {sid}`."
    if outcome.stopped is StopReason.INTERRUPTED:
        how = f"Session stopped ({stop.described})"
        if sid:
            console.print(f"[yellow]{how}: {plural(outcome.saved, 'answer')} saved as session {sid} in {home}, "
                          f"marked incomplete; {review}[/]")
        else:
            console.print(f"[yellow]{how} before any answer was recorded; nothing was saved.[/]")
    elif sid:
        console.print(f"Saved as session {sid} in {home}; {review}")
