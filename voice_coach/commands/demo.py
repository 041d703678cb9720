"""`voice-coach demo`: a whole mock interview with a simulated candidate, for a machine with no microphone.

The candidate's answers are synthesized with espeak-ng and fed block by block through the same
path as a microphone, at speaking pace (or at once with --fast). The scripts show each part of the
product: fillers and a long pause, a story without its result (so the follow-up probe is asked), a
silence that makes the interviewer offer to repeat the question, and a short closing answer.
With a speaker, each simulated answer is also played aloud on a "demo-candidate" thread
(live/background.py) while it is analysed.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DEMO_VOICE = "en-us"
DEMO_RATE_WPM = {"shouting-caller": 150}
"""espeak-ng speaks faster than its nominal rate; 125 comes out at about 145 measured words a minute.
The situational answer is a little quicker, so the feedback has a pace remark to make."""


def _scripts() -> dict[tuple[str, str], list[Any]]:
    """(question id, purpose) -> the simulated candidate's script (str = speech, float = silence)."""
    from voice_coach.testing.synth import Filler

    return {
        ("why-customer-service", "answer"): [
            "I like the moment when a worried caller relaxes because the problem is finally sorted.",
            Filler("um"),
            "In my last job at a phone shop I took about forty calls a day,", 2.0,
            "and I learned that a calm voice and a clear next step take away most of the stress.",
            Filler("uh"),
            "I also enjoy that no two days are the same.",
        ],
        ("hardest-customer", "answer"): [
            "Last winter I worked on the support line of an internet provider.",
            "A bakery owner called because his connection had been down for two days, and he was furious.",
            "My job was to calm him down and get him back online before his shop opened again.",
            "First I let him explain everything without interrupting him.",
            Filler("um"),
            ("Then I ran a line test while he was still on the phone, found a fault at the exchange, "
             "and booked an engineer for the next morning."),
            "I also gave him my direct number so he would not have to start again with someone new.",
        ],
        ("hardest-customer", "followup"): [
            "The engineer fixed the line by nine the next morning.",
            "The owner phoned back to thank me, and he renewed his contract a month later.",
        ],
        ("shouting-caller", "answer"): [9.0],
        ("shouting-caller", "reply"): ["Sorry, could you repeat the question, please?"],
        ("shouting-caller", "repeat"): [
            "I would let the caller finish first, because interrupting an angry person only makes it worse.",
            "Then I would say that a week is a long time to wait, and that I am going to find out what happened.", 1.5,
            ("I would check the tracking while they are on the line, tell them exactly what I see, "
             "and agree on the next step and a time when I will call them back."),
        ],
        ("questions-for-us", "answer"): [
            "Yes, thank you. What do the first few weeks of training look like, and how does the team measure a good call?",
        ],
    }


DEMO_QUESTIONS = ("why-customer-service", "hardest-customer", "shouting-caller", "questions-for-us")


def register(sub: argparse._SubParsersAction) -> None:
    from voice_coach.commands.analyze import add_analysis_options, add_model_options
    from voice_coach.commands.practice import add_voice_options

    p = sub.add_parser(
        "demo",
        help="watch (and hear) a whole mock interview with a simulated candidate; no microphone needed",
        description="A complete practice session in which a synthesized candidate answers four questions: "
        "you see the live view, the feedback, a follow-up probe, the repeat offer and the summary. "
        "Runs without a microphone; without a speaker the interviewer's lines are printed.",
    )
    p.add_argument("--fast", action="store_true", help="feed the answers as fast as they can be analysed instead of at speaking pace")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--home", metavar="DIR", help="save the demo session in this data directory (default: a temporary one, removed afterwards)")
    where.add_argument("--save", action="store_true", help="save the demo session in your own store, next to your practice sessions")
    add_voice_options(p)
    add_model_options(p)
    add_analysis_options(p)
    p.set_defaults(func=run)


class _HeardSource:
    """A simulated answer: fed to the analyzer block by block and, when there is a speaker, played aloud."""

    def __init__(self, samples: Any, realtime: bool, speaker: Any) -> None:
        from voice_coach.audio.file_source import ArraySource

        self._source = ArraySource(samples, realtime=realtime)
        self._samples = samples
        self._speaker = speaker if realtime else None
        self._playing: Any = None

    def start(self) -> None:
        self._source.start()

    def blocks(self) -> Iterator[Any]:
        play = getattr(self._speaker, "play", None)
        if callable(play) and len(self._samples):
            from voice_coach.core.timed import SAMPLE_RATE
            from voice_coach.live.background import BackgroundCall

            # Its result is never asked for, so a failure is dropped: hearing the candidate is a bonus,
            # the analysis does not depend on it.
            self._playing = BackgroundCall("demo-candidate", play, self._samples, SAMPLE_RATE)
        return self._source.blocks()

    def close(self) -> None:
        """The answer is over (or the demo stopped): the candidate's voice stops too, and its thread is
        given a moment to leave the audio library before the process may exit."""
        self._source.close()
        playing, self._playing = self._playing, None
        if playing is not None and not playing.wait(0):
            cut = getattr(self._speaker, "stop", None)
            if callable(cut):
                cut()
            playing.wait(2.0)


def build_inputs(realtime: bool, speaker: Any = None) -> Any:
    """The simulated candidate as AnswerInputs (synthesized now, about a second of work)."""
    import numpy as np

    from voice_coach.testing.fakes import ClipInputs
    from voice_coach.testing.synth import build_answer
    from voice_coach.core.timed import SAMPLE_RATE

    clips = {}
    for i, (key, script) in enumerate(_scripts().items()):
        if all(isinstance(item, float) for item in script):
            samples = np.zeros(int(sum(script) * SAMPLE_RATE), dtype=np.float32)
        else:
            rate = DEMO_RATE_WPM.get(key[0], 125)
            samples = build_answer(script, voice=DEMO_VOICE, rate_wpm=rate, lead_in_s=0.6, tail_s=0.4, seed=i).samples
        clips[key] = (lambda s=samples: _HeardSource(s, realtime, speaker))
    return ClipInputs(clips, realtime=realtime, description="simulated candidate (espeak-ng)")


def run(args: argparse.Namespace) -> int:
    from voice_coach.commands.practice import run_stoppable

    return run_stoppable(_run, args)  # Ctrl-C, SIGTERM, SIGHUP: as in practice


def _run(args: argparse.Namespace, stop: Any) -> int:
    import tempfile

    from rich.console import Console

    from voice_coach.live.replay import load_transcriber
    from voice_coach.live.capture import CaptureSettings
    from voice_coach.interview.bank_loader import load_bank
    from voice_coach.commands.practice import interview_settings, make_speaker, print_outcome, printed_speaker
    from voice_coach.core.errors import DeviceError
    from voice_coach.interview.session import Interview, ModelLoader
    from voice_coach.interview.voice import PrintedSpeaker
    from voice_coach.store import Store

    console = Console(highlight=False)
    bank = load_bank()
    questions = [bank.get(qid) for qid in DEMO_QUESTIONS]
    spoken = not args.quiet
    try:
        speaker = make_speaker(args, console)
    except DeviceError as exc:
        console.print(f"[yellow]No sound output ({str(exc).split(';')[0]}): the interviewer's lines are printed instead.[/]")
        speaker, spoken = printed_speaker(console), False
    if not spoken and not isinstance(speaker, PrintedSpeaker):
        speaker = printed_speaker(console)
    loader = ModelLoader(lambda: load_transcriber(args.model, args.device, args.compute_type))
    inputs = build_inputs(realtime=not args.fast, speaker=speaker if spoken else None)
    settings = interview_settings(args, bank, CaptureSettings(), inputs.description, kind="demo", echo=spoken, seed=7)
    temporary = None if (args.home or args.save) else tempfile.TemporaryDirectory(prefix="voice-coach-demo-")
    home = Path(args.home) if args.home else Path(temporary.name) if temporary else None
    console.print("[bold]Demo:[/] a simulated candidate answers four questions. "
                  + ("Nothing is waited for (--fast)." if args.fast else "It runs at speaking pace, about three minutes."))
    try:
        with Store.open(home) as store:
            interview = Interview(questions, inputs, speaker, loader, console=console, settings=settings, store=store,
                                  stop=stop)
            outcome = interview.run()
            if temporary is None:
                print_outcome(console, outcome, store.home, stop)
            elif outcome.stopped is not None:
                console.print(f"[yellow]Demo stopped ({stop.described}).[/]")
    finally:
        if temporary is not None:
            temporary.cleanup()
            console.print("[dim]The demo session was kept in a temporary folder, now removed "
                          "(--save keeps it in your store, --home DIR elsewhere).[/]")
    return stop.exit_code if stop.event.is_set() else 0
