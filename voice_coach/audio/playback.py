"""The one playback path: mono samples to an output device through a sounddevice OutputStream.

Used by the interviewer's voice (audio/speaker.py), the demo's simulated candidate and
`review --play`. It blocks until the last sample has been played, raises DeviceError when there
is no output or it goes away, and can be cut off from another thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from voice_coach.audio.devices import OUTPUT_HINT, DeviceInfo, resolve_device, sounddevice
from voice_coach.audio.resample import resample
from voice_coach.core.errors import DeviceError

OUTPUT_LATENCY_S = 0.25
"""Output buffer size: roomy, so a busy machine does not cut gaps into the interviewer's voice."""
WRITE_CHUNK_S = 0.05


def play_samples(samples: np.ndarray, sample_rate: int, device: DeviceInfo | int | str | None = None,
                 stop: threading.Event | None = None, on_start: Callable[[], None] | None = None,
                 hint: str = OUTPUT_HINT) -> int:
    """Play mono samples on an output device at its own rate; return once the last sample has played.

    Blocking writes in 50 ms chunks: the copying into the device buffer happens in PortAudio's C
    code without Python's lock, so other Python threads (transcription, the live view) cannot
    starve it, and between chunks Ctrl-C (or `stop` being set) still gets through, cutting the sound
    off. `on_start` runs once the stream has opened; `hint` ends every DeviceError message (what the
    user can do next). Returns how many chunks found the device buffer run dry (0 when playback was clean).
    """
    info = device if isinstance(device, DeviceInfo) else resolve_device(device, "output", hint)
    data = np.asarray(samples, dtype=np.float32).reshape(-1)
    if len(data) == 0:
        return 0
    sd = sounddevice()
    rate = int(info.default_samplerate) or int(sample_rate)
    channels = _output_channels(sd, info, rate, hint)
    data = np.clip(resample(data, sample_rate, rate), -1.0, 1.0)
    frames = np.ascontiguousarray(np.repeat(data[:, None], channels, axis=1))
    chunk = max(1, int(WRITE_CHUNK_S * rate))
    underflows = 0
    try:
        stream = sd.OutputStream(device=info.index, samplerate=rate, channels=channels, dtype="float32",
                                 latency=OUTPUT_LATENCY_S)
    except (sd.PortAudioError, ValueError) as exc:
        raise DeviceError(f"the speaker {info.name!r} could not be opened ({_short(exc)}); {hint}") from None
    lost = DeviceError(f"the speaker {info.name!r} stopped playing (unplugged, or the sound server stopped); {hint}")
    try:
        stream.start()
        if on_start is not None:
            on_start()
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


def _output_channels(sd: Any, info: DeviceInfo, rate: int, hint: str) -> int:
    for channels in sorted({1, min(2, info.output_channels)}):
        try:
            sd.check_output_settings(device=info.index, samplerate=rate, channels=channels, dtype="float32")
            return channels
        except (sd.PortAudioError, ValueError):
            continue
    raise DeviceError(f"the speaker {info.name!r} does not accept float32 audio at {rate} Hz; {hint}")


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
