"""The interviewer's voice as samples: text to (float32 mono samples, rate) with pyttsx3, espeak-ng as a fallback.

pyttsx3's own `say()` plays through an external `aplay`, reports no failure and can return before
the sound; so speech is only synthesized here, to a WAV in a private temporary folder, and played
by audio/playback.py like every other sound. One pyttsx3 engine (libespeak-ng loaded in-process)
serves the whole process, behind a lock.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from voice_coach.core.errors import DeviceError, VoiceCoachError
from voice_coach.engines.espeak import EspeakError, espeak_wav

_ENGINE_LOCK = threading.Lock()
_ENGINE: dict[str, Any] = {}
SYNTH_TIMEOUT_S = 20.0


def synthesize(text: str, voice: str | None = None, rate_wpm: int = 170) -> tuple[np.ndarray, int]:
    """Speech for `text` as (float32 mono samples, sample rate): pyttsx3 first, then the espeak-ng CLI."""
    text = " ".join(str(text).split())
    if not text:
        return np.zeros(0, dtype=np.float32), 22050
    audio = _synthesize_pyttsx3(text, voice, rate_wpm)
    if isinstance(audio, str):
        fallback = _synthesize_espeak(text, voice, rate_wpm)
        if isinstance(fallback, str):
            raise DeviceError(f"cannot synthesize speech (pyttsx3: {audio}; espeak-ng: {fallback}); "
                              "install espeak-ng, or use --no-speech")
        audio = fallback
    return audio


def _synthesize_espeak(text: str, voice: str | None, rate_wpm: int) -> tuple[np.ndarray, int] | str:
    """The espeak-ng command's rendering, or the reason there is none (for the message)."""
    try:
        samples, rate = espeak_wav(text, voice, rate_wpm, timeout_s=SYNTH_TIMEOUT_S)
    except EspeakError as exc:
        return str(exc)
    return (samples, rate) if len(samples) else "espeak-ng gave no audio"


def _read_wav(path: Path) -> tuple[np.ndarray, int]:
    import soundfile

    data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    return np.ascontiguousarray(data.mean(axis=1, dtype=np.float32)), int(rate)


def _engine() -> tuple[Any, threading.Event, list[BaseException]]:
    """One pyttsx3 engine per process, with its finished/error events connected once."""
    if "engine" not in _ENGINE:
        import pyttsx3

        engine = pyttsx3.init()
        done = threading.Event()
        errors: list[BaseException] = []
        engine.connect("finished-utterance", lambda name=None, completed=True: done.set())
        engine.connect("error", lambda name=None, exception=None: errors.append(exception or RuntimeError("error")))
        driver_module = sys.modules.get("pyttsx3.drivers.espeak")
        if driver_module is not None:
            driver_module.print = lambda *args, **kwargs: None  # it announces "Audio saved to ..." on stdout
        _ENGINE.update(engine=engine, done=done, errors=errors)
    return _ENGINE["engine"], _ENGINE["done"], _ENGINE["errors"]


def _synthesize_pyttsx3(text: str, voice: str | None, rate_wpm: int) -> tuple[np.ndarray, int] | str:
    """pyttsx3's rendering of `text` (through a WAV in a private folder), or the reason there is none."""
    with tempfile.TemporaryDirectory(prefix="voice-coach-tts-") as folder:
        path = Path(folder) / "utterance.wav"
        reason = _save_pyttsx3(text, voice, rate_wpm, path)
        return reason if reason is not None else _read_wav(path)


def _save_pyttsx3(text: str, voice: str | None, rate_wpm: int, path: Path) -> str | None:
    """Write `text` to `path`; None on success, else the reason (for the fallback and the message)."""
    with _ENGINE_LOCK:
        try:
            engine, done, errors = _engine()
            if voice:
                engine.setProperty("voice", voice)
                _espeak_settle()  # libespeak-ng loads a voice asynchronously and resets the rate when it does
            engine.setProperty("rate", int(rate_wpm))
            _espeak_settle()
            done.clear()
            errors.clear()
            engine.save_to_file(text, str(path))
            engine.runAndWait()  # may return before the file exists: wait for the event or the file below
        except Exception as exc:  # noqa: BLE001 - ImportError, driver RuntimeError, no libespeak-ng: fall back
            return f"{type(exc).__name__}: {exc}"
        deadline = time.monotonic() + SYNTH_TIMEOUT_S
        while time.monotonic() < deadline:
            if errors:
                return str(errors[0])
            if done.wait(0.02) and _wav_complete(path):
                return None
            if _wav_complete(path) and _stable(path):
                return None
        return "no audio file after 20 s"


def _espeak_settle() -> None:
    """Wait until libespeak-ng has applied queued settings (only for pyttsx3's espeak driver)."""
    binding = sys.modules.get("pyttsx3.drivers._espeak")
    if binding is not None and hasattr(binding, "Synchronize"):
        binding.Synchronize()


def _wav_complete(path: Path) -> bool:
    """The file exists and its data size agrees with its header (the writer has finished)."""
    try:
        import soundfile

        info = soundfile.info(str(path))
        return info.frames > 0
    except Exception:  # noqa: BLE001 - missing, half-written or not a WAV yet
        return False


def _stable(path: Path) -> bool:
    size = path.stat().st_size
    time.sleep(0.05)
    return path.exists() and path.stat().st_size == size


def resolve_voice(voice: str | None) -> str | None:
    """A voice id pyttsx3 knows ("gmw/en-us"), from an id, its last part ("en-us") or a name.

    pyttsx3 silently ignores an unknown voice, so a typo would go unnoticed without this check.
    """
    if not voice:
        return None
    try:
        with _ENGINE_LOCK:
            engine, _, _ = _engine()
            voices = list(engine.getProperty("voices"))
    except Exception:  # noqa: BLE001 - no pyttsx3 engine
        return voice  # no pyttsx3: leave the check to espeak-ng
    wanted = voice.strip().lower()
    for match in (lambda v: v.id.lower() == wanted,
                  lambda v: v.id.lower().rsplit("/", 1)[-1] == wanted,
                  lambda v: str(v.name).lower() == wanted):
        for v in voices:
            if match(v):
                return str(v.id)
    examples = ", ".join(str(v.id) for v in voices if "en" in str(v.id).rsplit("/", 1)[-1][:2])[:80]
    raise VoiceCoachError(f"unknown voice {voice!r}; try one of: {examples or 'see espeak-ng --voices'}")
