"""Where each answer's audio comes from: the microphone, recorded files (`practice --answers DIR`,
every file checked before the first question), or the rest of a recording already started."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import numpy as np

from voice_coach.core.errors import AudioInputError, VoiceCoachError
from voice_coach.core.interfaces import AudioSource
from voice_coach.core.timed import SAMPLE_RATE


AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".m4a", ".ogg", ".opus", ".aac", ".webm")
_FOLLOWUP_STEM = re.compile(r"[-_. ]?follow[-_ ]?up$", re.IGNORECASE)


class AnswerInputs(Protocol):
    """Gives a fresh AudioSource each time the interviewer listens, or None when there is nothing to hear."""

    description: str

    def open(self, question_id: str, purpose: str) -> AudioSource | None:
        """`purpose` says why the interviewer listens: "answer", "reply" (to the repeat offer),
        "repeat" (the answer after the question was repeated) or "followup" (to a STAR probe)."""


class MicrophoneInputs:
    """The live microphone: a new input stream for each answer, opened after the interviewer stops
    talking, so the interviewer's voice from the speakers is never recorded."""

    def __init__(self, device: int | str | None = None, block_s: float = 0.1) -> None:
        from voice_coach.audio.microphone import SounddeviceMicrophone

        probe = SounddeviceMicrophone(device, block_s=block_s)  # resolves the device now: no mic, one line, before any question
        self.device = probe.device
        self.block_s = block_s
        self.description = f"microphone {self.device.name!r}"

    def open(self, question_id: str, purpose: str) -> AudioSource:
        from voice_coach.audio.microphone import SounddeviceMicrophone

        return SounddeviceMicrophone(self.device.index, block_s=self.block_s)


class _Continue:
    """The rest of an already started recording (after the repeat offer), as an AudioSource."""

    def __init__(self, blocks: Iterator[np.ndarray]) -> None:
        self._blocks = blocks
        self._closed = False

    def start(self) -> None:
        """Already started: the recording it continues is open."""

    def blocks(self) -> Iterator[np.ndarray]:
        for block in self._blocks:
            if self._closed:
                return
            yield block
            if self._closed:
                return

    def close(self) -> None:
        self._closed = True


def _file_order(path: Path) -> tuple:
    """Natural order (2 before 10), and each follow-up file right after the answer it belongs to."""
    base = _FOLLOWUP_STEM.sub("", path.stem)
    natural = tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower()) for part in re.split(r"(\d+)", base) if part)
    return natural, bool(_FOLLOWUP_STEM.search(path.stem)), path.name


class FileInputs:
    """`--answers DIR`: one recorded answer per question, files taken in sorted order.

    A file whose name ends in "followup" (e.g. `02-followup.wav`) answers the follow-up probe of the
    file before it, and is skipped if no follow-up is asked. After a repeat offer the same file
    continues; a try again ("retry") takes the next file. Every file is checked up front, down to
    decoding its first block, so a bad one (a text file named 02.wav, a FIFO, a truncated file)
    stops the session before its first question, in one line naming the file.
    """

    def __init__(self, folder: Path | str, realtime: bool = True, block_s: float = 0.1) -> None:
        from voice_coach.audio.file_source import FileSource

        folder = Path(folder).expanduser()
        if not folder.is_dir():
            raise VoiceCoachError(f"--answers {folder}: not a folder of recorded answers")
        named = [p for p in folder.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES]
        for path in named:
            kind = self._not_a_file(path)
            if kind:
                raise AudioInputError(f"--answers {folder}: {path.name} is {kind}, not an audio file")
        files = sorted(named, key=_file_order)
        self.answers: list[Path] = []
        self.followups: dict[int, Path] = {}
        for path in files:
            if _FOLLOWUP_STEM.search(path.stem) and self.answers:
                self.followups[len(self.answers) - 1] = path
            else:
                self.answers.append(path)
        if not self.answers:
            raise VoiceCoachError(f"--answers {folder}: no audio files ({', '.join(AUDIO_SUFFIXES)}) in it")
        for path in files:
            FileSource(path)  # the cheap checks: missing, empty, a truncated WAV header
            self._check_decodes(path)
        self.realtime, self.block_s = realtime, block_s
        self.description = f"recorded answers in {folder}"
        self._index = -1
        self._current: Iterator[np.ndarray] | None = None

    @staticmethod
    def _not_a_file(path: Path) -> str | None:
        """What a path is when it is not a regular file (after symbolic links): "a folder", "a FIFO", ..."""
        import stat

        try:
            mode = path.stat().st_mode
        except OSError:
            return None  # a dangling link: FileSource says "no such file"
        if stat.S_ISREG(mode):
            return None
        if stat.S_ISDIR(mode):
            return "a folder"
        if stat.S_ISFIFO(mode):
            return "a FIFO (named pipe)"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            return "a device"
        if stat.S_ISSOCK(mode):
            return "a socket"
        return "not a regular file"

    @staticmethod
    def _check_decodes(path: Path) -> None:
        """Decode the file's first block: a file that is not audio at all fails here, not mid-session."""
        from voice_coach.audio.decode import iter_blocks

        blocks = iter_blocks(path, block_samples=SAMPLE_RATE // 10)
        try:
            next(blocks)
        except StopIteration:
            raise AudioInputError(f"{path}: the file holds no audio samples") from None
        finally:
            blocks.close()

    def open(self, question_id: str, purpose: str) -> AudioSource | None:
        from voice_coach.audio.file_source import FileSource

        if purpose in ("reply", "repeat"):
            return _Continue(self._current) if self._current is not None else None
        if purpose == "followup":
            path = self.followups.get(self._index)
        else:
            self._index += 1
            path = self.answers[self._index] if self._index < len(self.answers) else None
        if path is None:
            return None
        self._current = FileSource(path, realtime=self.realtime, block_s=self.block_s).blocks()
        return _Continue(self._current)
