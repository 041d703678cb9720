"""The files `review` writes besides one page: the recordings the html page embeds, and subtitles for every answer."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from voice_coach.store.cli_support import write_private
from voice_coach.store.errors import StoreError
from voice_coach.store.records import AnswerRecord
from voice_coach.views.review_export import Recording, subtitle_cues, to_subtitles
from voice_coach.views.transcript import answer_tokens

AUDIO_MIME = {".flac": "audio/flac", ".wav": "audio/wav", ".ogg": "audio/ogg", ".opus": "audio/ogg"}


def recordings(answers: Sequence[AnswerRecord]) -> dict[int, Recording]:
    """Each answer's stored audio file as it is (FLAC, which browsers play), checked against its sha256.

    A missing or changed file does not stop the page: that answer gets a note instead of a player,
    and one line on stderr says so.
    """
    out: dict[int, Recording] = {}
    for a in answers:
        mime = AUDIO_MIME.get(a.audio_path.suffix.lower(), "audio/flac")
        try:
            data = a.audio_path.read_bytes()
        except OSError as exc:
            problem = "the recording is missing" if isinstance(exc, FileNotFoundError) else f"cannot read the recording ({exc.strerror})"
            out[a.number] = Recording(None, mime, problem)
        else:
            ok = hashlib.sha256(data).hexdigest() == a.audio_sha256
            out[a.number] = Recording(data, mime) if ok else Recording(None, mime, "the recording changed since it was saved (damaged)")
        if out[a.number].data is None:
            print(f"voice-coach: answer {a.number}: {out[a.number].problem} ({a.audio_path}); the page shows its "
                  "transcript without audio", file=sys.stderr)  # fmt: skip
    return out


def subtitle_paths(fmt: str, session_id: str, numbers: Sequence[int], out: Path | None) -> list[Path]:
    """Where the subtitles of each answer go: FOLDER/SESSION-answer-N.fmt, or STEM-N.suffix beside --out."""
    if out is None or out.expanduser().is_dir() or str(out).endswith(("/", "\\")):
        folder = Path(".") if out is None else out.expanduser()
        return [folder / f"{session_id}-answer-{n}.{fmt}" for n in numbers]
    out = out.expanduser()
    suffix = out.suffix or f".{fmt}"
    return [out.with_name(f"{out.stem}-{n}{suffix}") for n in numbers]


def write_subtitle_files(console: Console, fmt: str, session_id: str, answers: Sequence[AnswerRecord],
                         out: Path | None) -> None:  # fmt: skip
    """Subtitles of every answer, one file each (each follows its own recording's timeline); says what it wrote."""
    paths = subtitle_paths(fmt, session_id, [a.number for a in answers], out)
    folder = paths[0].parent if paths else Path(".")
    if not folder.is_dir():
        raise StoreError(f"cannot write the subtitles into {folder}: no such folder")
    console.print(f"{fmt} subtitles, one file per answer of session {session_id}:",
                  highlight=False)  # fmt: skip
    for a, path in zip(answers, paths):
        write_private(path, to_subtitles(a, fmt))
        cues = len(subtitle_cues(answer_tokens(a.analysis)))
        what = f"{cues} cue{'s' if cues != 1 else ''}" if cues else "no speech, no cues"
        console.print(f"  Wrote {path} (answer {a.number}, {what})", highlight=False, soft_wrap=True)
