"""The interviewer's voice: text to samples (pyttsx3, espeak-ng as a fallback), samples to a device.

pyttsx3's own `say()` plays through an external `aplay`, reports no failure and can return before
the sound; so speech is synthesized to a WAV in a private temporary folder instead and played
through a sounddevice OutputStream, the same output path as everything else. That path blocks
until the last sample has been played, raises DeviceError when there is no speaker or it goes
away, and lets the phone-line filter apply.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from voice_coach.audio.devices import (
    OUTPUT_HINT,
    DeviceInfo,
    resolve_device,
    sounddevice,
)
from voice_coach.audio.phone_line import phone_line as render_phone_line
from voice_coach.audio.resample import resample
from voice_coach.core.errors import DeviceError, VoiceCoachError

_ENGINE_LOCK = threading.Lock()
_ENGINE: dict[str, Any] = {}
SYNTH_TIMEOUT_S = 20.0


def synthesize(text: str, voice: str | None = None, rate_wpm: int = 170) -> tuple[np.ndarray, int]:
    """Speech for `text` as (float32 mono samples, sample rate): pyttsx3 first, then the espeak-ng CLI."""
    text = " ".join(str(text).split())
    if not text:
        return np.zeros(0, dtype=np.float32), 22050
    with tempfile.TemporaryDirectory(prefix="voice-coach-tts-") as folder:
        path = Path(folder) / "utterance.wav"
        reason = _synthesize_pyttsx3(text, voice, rate_wpm, path)
        if reason is not None:
            path.unlink(missing_ok=True)
            reason2 = _synthesize_espeak(text, voice, rate_wpm, path)
            if reason2 is not None:
                raise DeviceError(f"cannot synthesize speech (pyttsx3: {reason}; espeak-ng: {reason2}); "
                                  "install espeak-ng, or use --no-speech")
        return _read_wav(path)


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


def _synthesize_pyttsx3(text: str, voice: str | None, rate_wpm: int, path: Path) -> str | None:
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


def _synthesize_espeak(text: str, voice: str | None, rate_wpm: int, path: Path) -> str | None:
    command = ["espeak-ng", "-s", str(int(rate_wpm)), "-w", str(path), "--stdin"]
    if voice:
        command[1:1] = ["-v", voice]
    try:
        result = subprocess.run(command, input=text, text=True, capture_output=True, timeout=SYNTH_TIMEOUT_S, check=False)
    except FileNotFoundError:
        return "espeak-ng is not installed"
    except subprocess.TimeoutExpired:
        return "espeak-ng took too long"
    if result.returncode != 0 or not _wav_complete(path):
        return (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[0]
    return None


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


OUTPUT_LATENCY_S = 0.25
"""Output buffer size: roomy, so a busy machine does not cut gaps into the interviewer's voice."""
WRITE_CHUNK_S = 0.05


def play_samples(samples: np.ndarray, sample_rate: int, device: DeviceInfo | int | str | None = None,
                 stop: threading.Event | None = None) -> int:
    """Play mono samples on an output device at its own rate; return once the last sample has played.

    Blocking writes in 50 ms chunks: the copying into the device buffer happens in PortAudio's C
    code without Python's lock, so other Python threads (transcription, the live view) cannot
    starve it, and between chunks Ctrl-C (or `stop` being set) still gets through, cutting the sound
    off. Returns how many chunks found the device buffer run dry (0 when playback was clean).
    """
    info = device if isinstance(device, DeviceInfo) else resolve_device(device, "output")
    data = np.asarray(samples, dtype=np.float32).reshape(-1)
    if len(data) == 0:
        return 0
    sd = sounddevice()
    rate = int(info.default_samplerate) or int(sample_rate)
    channels = _output_channels(sd, info, rate)
    data = np.clip(resample(data, sample_rate, rate), -1.0, 1.0)
    frames = np.ascontiguousarray(np.repeat(data[:, None], channels, axis=1))
    chunk = max(1, int(WRITE_CHUNK_S * rate))
    underflows = 0
    try:
        stream = sd.OutputStream(device=info.index, samplerate=rate, channels=channels, dtype="float32",
                                 latency=OUTPUT_LATENCY_S)
    except (sd.PortAudioError, ValueError) as exc:
        raise DeviceError(f"the speaker {info.name!r} could not be opened ({_short(exc)}); {OUTPUT_HINT}") from None
    lost = DeviceError(f"the speaker {info.name!r} stopped playing (unplugged, or the sound server stopped); {OUTPUT_HINT}")
    try:
        stream.start()
        deadline = time.monotonic() + len(data) / rate + OUTPUT_LATENCY_S + 3.0
        for start in range(0, len(frames), chunk):
            if stop is not None and stop.is_set():
                stream.abort()
                return underflows
            if not stream.active or time.monotonic() > deadline:
                raise lost
            underflows += bool(stream.write(frames[start:start + chunk]))
        # Stopping through ALSA's pulse plugin drops what is still buffered instead of draining it, so
        # push a buffer's worth of silence behind the voice: returning then means the voice has played.
        tail = np.zeros((int((stream.latency + 0.03) * rate), channels), dtype=np.float32)
        for start in range(0, len(tail), chunk):
            stream.write(tail[start:start + chunk])
        stream.stop()
    except sd.PortAudioError:
        raise lost from None
    finally:
        try:
            if stream.active:
                stream.abort()
            stream.close()
        except Exception:  # noqa: BLE001, S110 - a vanished device fails to close; the error that matters was raised
            pass
    return underflows


def _output_channels(sd: Any, info: DeviceInfo, rate: int) -> int:
    for channels in sorted({1, min(2, info.output_channels)}):
        try:
            sd.check_output_settings(device=info.index, samplerate=rate, channels=channels, dtype="float32")
            return channels
        except (sd.PortAudioError, ValueError):
            continue
    raise DeviceError(f"the speaker {info.name!r} does not accept float32 audio at {rate} Hz; {OUTPUT_HINT}")


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


class Pyttsx3Speaker:
    """The interviewer's voice on a real output device (a Speaker).

    The device and voice are checked at construction, so a missing speaker is reported before the
    session starts; `phone_line=True` renders the voice as a narrowband call.
    """

    def __init__(self, voice: str | None = None, rate_wpm: int = 170, output_device: int | str | None = None,
                 phone_line: bool = False) -> None:
        self.device = resolve_device(output_device, "output")
        self.voice = resolve_voice(voice)
        self.rate_wpm = int(rate_wpm)
        self.phone_line = phone_line
        self._stop = threading.Event()
        self.last_audio: tuple[np.ndarray, int] | None = None
        """The samples and rate of the last utterance played (libespeak-ng varies slightly between calls)."""

    def render(self, text: str) -> tuple[np.ndarray, int]:
        """What `say` would play, as (samples, rate), without playing it."""
        samples, rate = synthesize(text, self.voice, self.rate_wpm)
        if self.phone_line and len(samples):
            samples, rate = render_phone_line(samples, rate)
        return samples, rate

    def play(self, samples: np.ndarray, sample_rate: int) -> None:
        """Play ready-made audio on this speaker's device (blocking; `stop()` from another thread cuts it off)."""
        self.last_audio = (samples, sample_rate)
        self._stop.clear()
        play_samples(samples, sample_rate, self.device, stop=self._stop)

    def stop(self) -> None:
        """Cut off the utterance playing now (the candidate pressed Enter or Ctrl-C)."""
        self._stop.set()

    def say(self, text: str) -> None:
        self.play(*self.render(text))

    @property
    def last_duration_s(self) -> float:
        return len(self.last_audio[0]) / self.last_audio[1] if self.last_audio else 0.0


class SilentSpeaker:
    """Prints what the interviewer would say (for --no-speech and machines without a speaker)."""

    def __init__(self, prefix: str = "", stream: TextIO | None = None) -> None:
        self.prefix = prefix
        self.stream = stream

    def say(self, text: str) -> None:
        print(f"{self.prefix}{text}", file=self.stream or sys.stdout, flush=True)


class RecordingSpeaker:
    """A fake for tests: keeps every line said; `delay_s` stands in for the time speaking takes."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.said: list[str] = []
        self.delay_s = delay_s

    def say(self, text: str) -> None:
        self.said.append(text)
        if self.delay_s:
            time.sleep(self.delay_s)
