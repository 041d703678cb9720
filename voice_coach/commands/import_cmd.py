"""`voice-coach import FILE...`: analyse recordings made elsewhere (a phone's voice memo) into the store as one session."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from voice_coach.analysis.answer import AnswerAnalysis


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
    p.add_argument("--question", metavar="ID", help="the bank question every FILE answers (default: a file named "
                   "after a question id, such as hardest-customer.m4a, answers that question)")
    p.add_argument("--bank", type=Path, metavar="PATH", help="the question bank for --question and file names "
                   "(default: the customer-service bank)")
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
             f"{dead} dead-air pause{'s' if dead != 1 else ''}"]
    if analysis.question is None or analysis.question.star_expected:
        parts.append(f"STAR {analysis.star.complete * 100:.0f}% complete")
    content = analysis.content
    if content is not None and content.talking_points:
        covered = sum(p.covered for p in content.talking_points)
        parts.append(f"{covered} of {len(content.talking_points)} talking points covered")
        if content.missed is not None:
            from voice_coach.analysis.feedback import missed_point_text

            parts.append(missed_point_text(content.missed.point))
    if content is not None and content.hedges:
        parts.append(f"{len(content.hedges)} hedge{'s' if len(content.hedges) != 1 else ''}")
    return "; ".join(parts) + "."


def question_for(path: Path, bank: Any, question: Any) -> Any:
    """The question a file answers: --question, else the bank question named like the file, else None."""
    if question is not None or bank is None:
        return question
    stem = Path(path.name).stem.lower()
    return next((q for q in bank.questions if q.id == stem), None)


def shown(path: Path) -> str:
    """The path as text that can be printed and stored: bytes that are not UTF-8 written as \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def name_problem(path: Path) -> str | None:
    """Why this path cannot be imported as it is named, or None."""
    try:
        str(path.absolute()).encode("utf-8")
    except UnicodeEncodeError:
        where = "name" if shown(Path(path.name)) != path.name else "folder's name"
        return f"the file's {where} is not valid UTF-8 (rename it and import it again)"
    return None


def reason_of(exc: BaseException, path: Path) -> str:
    """The error's words without the path in front (the line already names the file)."""
    text = str(exc)
    for prefix in (str(path), shown(path)):
        if text.startswith(prefix) and text[len(prefix):len(prefix) + 1] in (":", " "):
            return text[len(prefix):].lstrip(": ").strip() or text
    return text


def stops_the_import(exc: BaseException) -> bool:
    """A failure every later file would meet too (a full or read-only disk): stop instead of analysing them."""
    text = str(exc)
    return "the disk is full" in text or "read-only" in text or "too large for this disk" in text


@contextmanager
def _ctrl_c_waits() -> Iterator[None]:
    """Let the last database writes finish: a Ctrl-C meanwhile is taken once they are done."""
    pending: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: pending.append(signum))
    except ValueError:  # not the main thread: nothing to hold
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pending:
        raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    from voice_coach.core.errors import VoiceCoachError
    from voice_coach.core.settings import AnalysisSettings
    from voice_coach.core.timed import SAMPLE_RATE
    from voice_coach.live import replay as analyze
    from voice_coach.store import Store, StoreError
    from voice_coach.store.upkeep import plural

    from dataclasses import replace as _replace

    from voice_coach.analysis.answer import with_content
    from voice_coach.interview.bank_loader import load_bank

    bank = load_bank(getattr(args, "bank", None))  # a broken bank or an unknown id stops before any file
    fixed_question = bank.get(args.question) if getattr(args, "question", None) else None
    settings = AnalysisSettings(expect_star=not args.no_star)
    files: list[dict[str, Any]] = []
    """What happened to each FILE, in order; saved with the session (settings["import"])."""
    total = len(args.files)
    saved = 0
    stopped: str | None = None
    stop_at = ""
    session_id: str | None = None
    late_error: StoreError | None = None

    def skip(path: Path, reason: str) -> None:
        print(f"voice-coach: skipped {shown(path)}: {reason}", file=sys.stderr)
        files.append({"file": shown(path), "status": "failed", "reason": reason})

    def record(store: Store) -> None:
        store.update_session_settings(session_id, {"import": {"files": files, "stopped": stopped}})

    with Store.open(args.home) as store:
        transcriber = analyze.load_transcriber(args.model)  # once for all files; ModelError stops here
        try:
            for i, path in enumerate(args.files, 1):
                print(f"[{i}/{total}] analysing {shown(Path(path.name))} ...", file=sys.stderr, flush=True)
                problem = name_problem(path)
                if problem:
                    skip(path, problem)
                    continue
                q = question_for(path, bank, fixed_question)
                star = (q.star if q is not None else True) and not args.no_star
                file_settings = _replace(settings, expect_star=star,
                                         **({"length_band_s": q.target_s} if q is not None else {}))
                try:
                    result = analyze.analyze_file(path, file_settings, model=args.model, transcriber=transcriber)
                except VoiceCoachError as exc:
                    skip(path, reason_of(exc, path))
                    continue
                result = with_content(result, q, bank.terms, star_expected=star)
                if result.samples is None:
                    skip(path, "the analysis kept no audio to save")
                    continue
                if session_id is None:
                    session_id = store.start_session(
                        kind="import", bank=None, model=str(result.model or args.model or ""), settings=asdict(settings)
                    )
                    for line in store.notices:
                        print(f"voice-coach: {line}", file=sys.stderr)
                question = {"id": "import", "text": path.name, "category": args.category, "kind": "import",
                            "star": star, "source": str(path.resolve())}  # fmt: skip
                if q is not None:
                    question.update(id=q.id, text=q.text, category=args.category or q.category, kind=q.kind,
                                    target_s=list(q.target_s))
                feedback = brief_feedback(result)
                try:
                    number = store.save_answer(
                        session_id, question=question, audio=result.samples, sample_rate=SAMPLE_RATE,
                        analysis=result, feedback=feedback,
                    )  # fmt: skip
                except StoreError as exc:
                    if not stops_the_import(exc):
                        skip(path, str(exc))
                        continue
                    files.append({"file": shown(path), "status": "failed", "reason": str(exc)})
                    stopped, stop_at = str(exc), shown(path)
                    break
                files.append({"file": shown(path), "status": "imported", "answer": number})
                saved += 1
                print(f"  answer {number}: {path.name}: {feedback}")
                try:
                    record(store)
                except StoreError as exc:  # the answer is saved; the next write may get through
                    late_error = exc
        except KeyboardInterrupt:
            stopped = "interrupted (Ctrl-C)"
            stop_at = shown(args.files[len(files)]) if len(files) < total else shown(args.files[-1])
        finally:
            for path in args.files[len(files):]:
                files.append({"file": shown(path), "status": "not imported",
                              "reason": "the import stopped before it: " + (stopped or "an error")})  # fmt: skip
            if session_id is not None:
                complete = stopped is None and all(f["status"] == "imported" for f in files)
                with _ctrl_c_waits():
                    try:
                        record(store)
                        late_error = None
                    except StoreError as exc:
                        late_error = exc  # the answers are saved; only the list of files is not
                    try:
                        store.finish_session(session_id, complete=complete)
                    except StoreError as exc:
                        late_error = late_error or exc  # saved answers stay; the session reads as never finished
    if session_id is not None:
        print(f"Saved {plural(saved, 'answer')} as session {session_id}; "
              f"see it with `voice-coach review {session_id}`.")  # fmt: skip
    failed = [f for f in files if f["status"] != "imported"]
    kept = f"saved {saved} of {plural(total, 'file')} as session {session_id} (marked stopped)" if session_id else "nothing was saved"
    if stopped is not None:
        print(f"voice-coach: the import stopped at {stop_at}: {stopped}; {kept}", file=sys.stderr)
        return 130 if stopped.startswith("interrupted") else 2
    if late_error is not None:
        print(f"voice-coach: the answers are saved, but not the session's record of them: {late_error}", file=sys.stderr)
        return 2
    if failed:
        print(f"voice-coach: {len(failed)} of {plural(total, 'file')} could not be imported", file=sys.stderr)
        return 2
    return 0
