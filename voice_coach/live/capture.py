"""Listening to one answer: blocks from an AudioSource go into a LiveAnalyzer until the answer is over.

An answer is over when the candidate presses Enter, after `turn_silence_s` of silence once the
words so far read as a finished answer (analysis/turn_end.py: the last sentence closed and, for a
story question, a result told), after `end_silence_s` of silence following speech otherwise, at `max_answer_s`, when nobody has spoken `no_answer_s` after the question, when the source
runs out (a recorded answer), on Ctrl-C, or when the microphone goes away. Every rule is judged on
the audio's own clock (samples / 16 kHz), so a recording replayed fast ends where a live one would.
Whatever was captured stays in the LiveAnalyzer, whatever the reason.

The capture loop runs on the caller's thread. EnterKey starts one "enter-key" thread (a blocking
read of the terminal cannot share the loop's thread) the first time it is armed; it lives until the
command ends. Ctrl-C, SIGTERM and SIGHUP arrive as signals on the main thread (StopRequest), not on a
thread of its own.
"""

from __future__ import annotations

import contextlib
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from voice_coach.core.errors import AudioInputError, DeviceError, VoiceCoachError
from voice_coach.core.interfaces import AudioSource
from voice_coach.core.timed import SAMPLE_RATE

if TYPE_CHECKING:
    from voice_coach.live.analyzer import LiveAnalyzer


class EndReason(str, Enum):
    """Why an answer ended. The value is what the store and the JSON keep (`capture.end_reason`)."""

    ENTER = "enter"
    SILENCE = "silence"
    MAX_LENGTH = "max_length"
    NO_ANSWER = "no_answer"
    SOURCE_ENDED = "source_ended"
    INTERRUPTED = "interrupted"
    DEVICE_LOST = "device_lost"
    REPEAT_REQUEST = "repeat_request"

    def __str__(self) -> str:
        return self.value

    @property
    def described(self) -> str:
        """The reason in words, as the session prints it ("silence after speech")."""
        return _DESCRIBED[self]


_DESCRIBED = {
    EndReason.ENTER: "you pressed Enter", EndReason.SILENCE: "silence after speech",
    EndReason.MAX_LENGTH: "maximum length reached", EndReason.NO_ANSWER: "no answer heard",
    EndReason.SOURCE_ENDED: "end of the recording", EndReason.INTERRUPTED: "Ctrl-C",
    EndReason.DEVICE_LOST: "the microphone went away", EndReason.REPEAT_REQUEST: "a request to repeat",
}

AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".m4a", ".ogg", ".opus", ".aac", ".webm")
_FOLLOWUP_STEM = re.compile(r"[-_. ]?follow[-_ ]?up$", re.IGNORECASE)
_REPEAT_WORDS = {"repeat", "again", "pardon", "sorry", "yes", "yeah", "yep", "please", "sure", "ok", "okay", "what",
                 "come", "say", "that", "could", "can", "you", "would", "the", "question", "one", "more", "time", "mind",
                 "i", "didn't", "catch", "hear", "it", "hello", "hi", "go", "ahead", "excuse", "me", "uh", "um"}
_REPEAT_CUES = {"repeat", "again", "pardon", "yes", "yeah", "yep", "please", "catch", "hear", "sure", "okay", "ok"}


@dataclass(frozen=True)
class CaptureSettings:
    """When an answer counts as over."""

    end_silence_s: float = 6.0
    """Silence after speech that ends the answer; keep it well above the dead-air threshold."""
    max_answer_s: float = 180.0
    """The answer is cut here, whatever is happening."""
    no_answer_s: float = 8.0
    """Nobody has spoken this long after the question: the interviewer offers to repeat it."""
    reply_silence_s: float = 1.5
    """After the repeat offer, a short "yes, please" ends this soon (a person would not wait 6 s)."""
    turn_silence_s: float = 1.0
    """Silence that ends an answer whose words read as finished (analysis/turn_end.py); the
    transcript must reach the last speech heard, so a late transcription waits longer, never less."""
    detect_turn: bool = True
    """False: only `end_silence_s` ends the answer (the old fixed rule)."""

    def check(self) -> None:
        for name in ("end_silence_s", "max_answer_s", "no_answer_s", "reply_silence_s", "turn_silence_s"):
            if not getattr(self, name) > 0:
                raise VoiceCoachError(f"--{name[:-2].replace('_', '-')} must be more than 0 s, not {getattr(self, name)}")
        if self.end_silence_s >= self.max_answer_s:
            raise VoiceCoachError(f"--end-silence ({self.end_silence_s:g} s) must be shorter than --max-answer "
                                  f"({self.max_answer_s:g} s)")


@dataclass(frozen=True)
class Capture:
    """How one capture ended. `ended_at` is time.monotonic() when the answer was judged over."""

    reason: EndReason
    ended_at: float
    duration_s: float
    error: str | None = None


def is_repeat_request(words: Sequence[str]) -> bool:
    """True for a short reply asking to hear the question again ("sorry, could you repeat that?")."""
    bare = [re.sub(r"[^a-z']", "", w.lower()) for w in words]
    bare = [w for w in bare if w]
    if not bare or len(bare) > 10:
        return False
    return any(w in _REPEAT_CUES for w in bare) and sum(w not in _REPEAT_WORDS for w in bare) <= 1


def judge(elapsed_s: float, speech_started: bool, silence_s: float, settings: CaptureSettings,
          reply_words: Sequence[str] | None = None, finished: bool = False) -> EndReason | None:
    """The end reason the audio so far gives, or None to keep listening (pure; the loop's rule book).

    `finished`: the words so far, reaching the last speech heard, read as a finished answer
    (turn_end.answer_finished); then `turn_silence_s` of silence ends it.
    """
    from voice_coach.analysis.turn_end import silence_needed

    if elapsed_s >= settings.max_answer_s:
        return EndReason.MAX_LENGTH
    if not speech_started:
        return EndReason.NO_ANSWER if elapsed_s >= settings.no_answer_s else None
    if silence_s >= silence_needed(finished and settings.detect_turn, settings.turn_silence_s, settings.end_silence_s):
        return EndReason.SILENCE
    if reply_words is not None and silence_s >= settings.reply_silence_s and is_repeat_request(reply_words):
        return EndReason.REPEAT_REQUEST
    return None


def capture_answer(
    source: AudioSource,
    live: LiveAnalyzer,
    settings: CaptureSettings = CaptureSettings(),
    *,
    enter: threading.Event | None = None,
    stop: threading.Event | None = None,
    reply: bool = False,
) -> Capture:
    """Feed `source` into `live` (a LiveAnalyzer) until the answer is over; the source is closed afterwards.

    `enter` set ends the answer at the next block; `stop` set (Ctrl-C) ends it as interrupted.
    `reply=True` listens for a request to repeat the question.
    """
    samples = 0
    reason: EndReason | None = None
    error: str | None = None
    turn = _TurnReader(live, settings)
    try:
        for block in source.blocks():
            live.insert(block)
            samples += len(block)
            if stop is not None and stop.is_set():
                reason = EndReason.INTERRUPTED
            elif enter is not None and enter.is_set():
                reason = EndReason.ENTER
            else:
                words = [w.text for w in live.words()] if reply else None
                silence = live.silence_s
                reason = judge(samples / SAMPLE_RATE, live.speech_started, silence, settings, words,
                               finished=turn.finished(silence))
            if reason is not None:
                break
        else:
            reason = EndReason.INTERRUPTED if stop is not None and stop.is_set() else EndReason.SOURCE_ENDED
    except KeyboardInterrupt:
        reason = EndReason.INTERRUPTED
    except DeviceError as exc:
        reason, error = EndReason.DEVICE_LOST, str(exc)
    ended_at = time.monotonic()
    with contextlib.suppress(Exception):  # a vanished device may fail to close; the answer is what matters
        source.close()
    return Capture(reason or EndReason.SOURCE_ENDED, ended_at, samples / SAMPLE_RATE, error)


class _TurnReader:
    """Reads the end-of-turn rule off the analyzer's words, once a silence is long enough to matter,
    and again only when the words change."""

    def __init__(self, live: LiveAnalyzer, settings: CaptureSettings) -> None:
        self.live, self.settings = live, settings
        self.expect_star = bool(getattr(getattr(live, "settings", None), "expect_star", True))
        self._key: tuple | None = None
        self._finished = False

    def finished(self, silence_s: float) -> bool:
        if not self.settings.detect_turn or silence_s < self.settings.turn_silence_s:
            return False
        heard = getattr(self.live, "heard_words", None)
        if heard is None:
            return False
        words, covered = heard()
        if not covered or not words:
            return False
        key = (len(words), words[-1])
        if key != self._key:
            from voice_coach.analysis.turn_end import answer_finished

            self._key, self._finished = key, answer_finished(words, self.expect_star)
        return self._finished


# ---------------------------------------------------------------- keys and signals
class EnterKey:
    """Enter on the terminal ends an answer: a daemon thread reads stdin lines (only from a terminal).

    While active, typed keys are not echoed, so Enter does not scroll the live view.
    """

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stdin
        self.pressed = threading.Event()
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self._thread: threading.Thread | None = None
        self._saved: Any = None

    def arm(self) -> threading.Event:
        """Forget earlier presses and return the event the next press sets."""
        self.pressed.clear()
        if self.enabled and self._thread is None:
            self._thread = threading.Thread(target=self._read, name="enter-key", daemon=True)
            self._thread.start()
        return self.pressed

    def _read(self) -> None:
        while True:
            try:
                line = self.stream.readline()
            except (OSError, ValueError):
                return
            if not line:
                return
            self.pressed.set()

    def __enter__(self) -> EnterKey:  # noqa: PYI034 - typing.Self needs Python 3.11
        if self.enabled:
            try:
                import termios

                fd = self.stream.fileno()
                self._saved = termios.tcgetattr(fd)
                quiet = termios.tcgetattr(fd)
                quiet[3] &= ~termios.ECHO
                termios.tcsetattr(fd, termios.TCSADRAIN, quiet)
            except Exception:  # noqa: BLE001 - no termios (Windows) or not a real terminal: echo stays on
                self._saved = None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(self.stream.fileno(), termios.TCSADRAIN, self._saved)
            self._saved = None


class StopRequest:
    """Ctrl-C, SIGTERM and SIGHUP as a request to stop, never an exception.

    The first signal sets `event`, notes which it was (`signum`) and closes the source being
    captured, so the capture loop ends cleanly with what it has; the session then finishes and
    saves the answer in progress and stops. Later signals are counted and otherwise ignored: an
    exception thrown into the finishing analysis or the save would lose the answer the program
    has just promised to keep, and a process torn down while a transcriber or audio thread is in
    native code can abort or crash. SIGHUP means the terminal is gone: standard input and output
    are pointed at /dev/null when they no longer work, so the rest of the session's printing
    cannot fail. Entered more than once (a command and the interview inside it), it installs its
    handlers only at the outermost level.
    """

    SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))

    def __init__(self) -> None:
        self.event = threading.Event()
        self.source: AudioSource | None = None
        self.signum: int | None = None
        """The first stop signal received (None until then)."""
        self.count = 0
        """How many stop signals arrived."""
        self._previous: dict[int, Any] = {}
        self._depth = 0

    def _handle(self, signum: int, frame: Any) -> None:
        self.count += 1
        if signum == getattr(signal, "SIGHUP", None):
            _detach_from_lost_terminal()
        if self.event.is_set():
            return
        self.signum = signum
        self.event.set()
        source = self.source
        if source is not None:
            with contextlib.suppress(Exception):  # a vanished device may fail to close; the capture loop ends anyway
                source.close()

    @property
    def described(self) -> str:
        """The first signal in words ("Ctrl-C", "SIGTERM", "SIGHUP")."""
        return describe_stop_signal(self.signum)

    @property
    def exit_code(self) -> int:
        """128 + the signal's number, as a shell reports a process ended by it (130 for Ctrl-C)."""
        return 128 + int(self.signum or signal.SIGINT)

    def __enter__(self) -> StopRequest:  # noqa: PYI034 - typing.Self needs Python 3.11
        if self._depth == 0 and threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            for signum, previous in self._previous.items():
                signal.signal(signum, previous)
            self._previous.clear()


def describe_stop_signal(signum: int | None) -> str:
    if signum is None or signum == signal.SIGINT:
        return "Ctrl-C"
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def _detach_from_lost_terminal() -> None:
    """After a hang-up, point stdout and stderr at /dev/null if they no longer work.

    A write to a terminal that has hung up fails with EIO; a zero-byte write shows it without
    printing anything. A pipe or file (nohup, a redirect) keeps working and is left alone.
    """
    import os

    devnull: int | None = None
    try:
        for fd in (1, 2):  # standard input of a hung-up terminal reads as the end of input: no harm
            try:
                os.write(fd, b"")
            except OSError:
                if devnull is None:
                    devnull = os.open(os.devnull, os.O_RDWR)
                with contextlib.suppress(OSError):
                    os.dup2(devnull, fd)
    finally:
        if devnull is not None:
            os.close(devnull)


# ---------------------------------------------------------------- where answers come from
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
