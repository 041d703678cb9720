"""`voice-coach import FILE...`: analyse recordings made elsewhere (a phone's voice memo) into the store as one session."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any


def register(subparsers: argparse._SubParsersAction) -> None:
    from voice_coach.store.cli_support import add_home_argument

    p = subparsers.add_parser(
        "import",
        help="analyse recordings made elsewhere and save them as a session",
        description="Analyse each FILE (any audio format) and save it, with its audio, as one session you can "
        "review and track. A file that cannot be read is skipped with a message; the others are kept.",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    add_home_argument(p)
    p.add_argument("--category", metavar="NAME", help="question category to file these answers under")
    p.add_argument("--no-star", action="store_true", help="these answers are not STAR stories (leave them out of STAR averages)")
    p.add_argument("--model", metavar="PATH", help="Whisper model directory (default: the bundled tiny.en)")
    p.set_defaults(func=run)


def brief_feedback(analysis: AnswerAnalysis) -> str:
    """A short written summary stored as the answer's feedback (imports get no spoken feedback)."""
    if analysis.no_speech:
        return "No speech was heard in this recording."
    from voice_coach.views.targets import FILLERS, pace_target

    pace = pace_target(analysis.pace.band)
    wpm, fillers, dead = analysis.pace.wpm, analysis.fillers, len(analysis.pauses.dead_air)
    parts = [f"Pace {wpm:.0f} wpm, {pace.side(wpm)} the {pace.band_text()} band",
             f"{fillers.count} fillers ({fillers.per_minute:.1f} a minute, aim for {FILLERS.band_text()})",
             f"{dead} dead-air pause{'s' if dead != 1 else ''}",
             f"STAR {analysis.star.complete * 100:.0f}% complete"]
    return "; ".join(parts) + "."


def run(args: argparse.Namespace) -> int:
    from voice_coach.live import replay as analyze
    from voice_coach.core.errors import VoiceCoachError
    from voice_coach.core.settings import AnalysisSettings
    from voice_coach.store import Store
    from voice_coach.core.timed import SAMPLE_RATE

    settings = AnalysisSettings(expect_star=not args.no_star)
    failed: list[str] = []
    saved = 0
    with Store.open(args.home) as store:
        session_id: str | None = None
        transcriber = analyze.load_transcriber(args.model)  # once for all files; ModelError stops here
        try:
            for i, path in enumerate(args.files, 1):
                print(f"[{i}/{len(args.files)}] analysing {path.name} ...", file=sys.stderr, flush=True)
                try:
                    result = analyze.analyze_file(path, settings, model=args.model, transcriber=transcriber)
                except VoiceCoachError as exc:
                    print(f"voice-coach: skipped {path}: {exc}", file=sys.stderr)
                    failed.append(str(path))
                    continue
                if result.samples is None:
                    raise VoiceCoachError(f"the analysis of {path} kept no audio to save")
                if session_id is None:
                    session_id = store.start_session(
                        kind="import", bank=None, model=str(result.model or args.model or ""), settings=asdict(settings)
                    )
                question = {"id": "import", "text": path.name, "category": args.category, "kind": "import",
                            "star": settings.expect_star, "source": str(path.resolve())}  # fmt: skip
                feedback = brief_feedback(result)
                number = store.save_answer(
                    session_id, question=question, audio=result.samples, sample_rate=SAMPLE_RATE,
                    analysis=result, feedback=feedback,
                )  # fmt: skip
                saved += 1
                print(f"  answer {number}: {path.name}: {feedback}")
        finally:
            if session_id is not None:
                store.finish_session(session_id, complete=not failed)
    if session_id is not None:
        print(f"Saved {saved} answer{'s' if saved != 1 else ''} as session {session_id}; "
              f"see it with `voice-coach review {session_id}`.")  # fmt: skip
    if failed:
        print(f"voice-coach: {len(failed)} of {len(args.files)} files could not be imported", file=sys.stderr)
        return 2
    return 0
