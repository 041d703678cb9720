"""The microphone edge: a sounddevice InputStream delivering 16 kHz float32 blocks.

The audio callback only copies each block into a queue and notes status flags; it never blocks.
Everything else (resampling when the device cannot run at 16 kHz, noticing a device that went
away) happens on the consumer's side in `blocks()`. A vanished device ends the iterator with a
DeviceError only after every block captured before it has been yielded, so nothing is lost.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from voice_coach.audio.devices import (
    INPUT_HINT,
    DeviceInfo,
    resolve_device,
    sounddevice,
)
from voice_coach.audio.resample import StreamResampler
from voice_coach.core.errors import DeviceError
from voice_coach.core.timed import SAMPLE_RATE

LOST_MESSAGE = (
    "the microphone stopped sending audio (unplugged, or the sound server stopped); the answer so far was kept. "
    "Reconnect it and check with `voice-coach mic-check`, or continue with recorded answers: --answers DIR"
)


class SounddeviceMicrophone:
    """An AudioSource reading a PortAudio input device.

    The device is resolved at construction (so a missing microphone is reported before the first
    question); the stream opens on `start()` or the first `blocks()`. `stall_s` is how long the
    callbacks may pause before the device counts as gone (the first callback gets `first_block_s`).
    Keep `latency="low"`: with PortAudio's "high" input latency on Pulse, playing the interviewer's
    voice from this process while the stream is open comes out as underruns.
    """

    def __init__(self, device: int | str | None = None, block_s: float = 0.1, stall_s: float = 1.0,
                 first_block_s: float = 3.0, latency: float | str = "low") -> None:
        self.device: DeviceInfo = resolve_device(device, "input")
        self.block_s = block_s
        self.latency = latency
        self.stall_s = stall_s
        self.first_block_s = max(first_block_s, stall_s)
        self.samplerate, self.channels = self._choose_format()
        self.overflows = 0
        """Input overflows PortAudio reported: audio the machine was too busy to collect."""
        self.captured_samples = 0
        """16 kHz samples yielded so far."""
        self._queue: queue.Queue[np.ndarray] = queue.Queue()
        self._stream: Any = None
        self._closed = threading.Event()
        self._last_callback = 0.0
        self._callbacks = 0
        self._resampler = StreamResampler(self.samplerate, SAMPLE_RATE) if self.samplerate != SAMPLE_RATE else None

    def _choose_format(self) -> tuple[int, int]:
        """16 kHz mono if the device takes it, else its native rate (and stereo if mono is refused)."""
        sd = sounddevice()
        for rate in (SAMPLE_RATE, int(self.device.default_samplerate)):
            for channels in sorted({1, min(2, self.device.input_channels)}):
                try:
                    sd.check_input_settings(device=self.device.index, samplerate=rate, channels=channels, dtype="float32")
                    return rate, channels
                except (sd.PortAudioError, ValueError):
                    continue
        raise DeviceError(f"the microphone {self.device.name!r} accepts neither 16 kHz nor its own "
                          f"{self.device.default_samplerate:.0f} Hz as float32; {INPUT_HINT}")

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        if status.input_overflow:
            self.overflows += 1
        self._queue.put(indata.copy())
        self._last_callback = time.monotonic()
        self._callbacks += 1

    def start(self) -> None:
        """Open and start the stream now (e.g. before the question ends); idempotent."""
        if self._stream is not None or self._closed.is_set():
            return
        sd = sounddevice()
        try:
            stream = sd.InputStream(
                device=self.device.index, samplerate=self.samplerate, channels=self.channels, dtype="float32",
                latency=self.latency, blocksize=max(1, round(self.block_s * self.samplerate)), callback=self._callback,
            )
            self._last_callback = time.monotonic()
            stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            raise DeviceError(f"the microphone {self.device.name!r} could not be opened ({_short(exc)}); {INPUT_HINT}") from None
        self._stream = stream

    def blocks(self) -> Iterator[np.ndarray]:
        """Yield 16 kHz float32 blocks until `close()`; DeviceError if the device goes away."""
        self.start()
        while True:
            try:
                raw = self._queue.get(timeout=0.05)
            except queue.Empty:
                if self._closed.is_set():
                    return
                if self._lost():
                    self._shutdown()
                    raise DeviceError(LOST_MESSAGE)
                continue
            block = self._convert(raw)
            if len(block):
                self.captured_samples += len(block)
                yield block

    def _convert(self, raw: np.ndarray) -> np.ndarray:
        mono = raw[:, 0] if raw.shape[1] == 1 else raw.mean(axis=1)
        mono = np.ascontiguousarray(mono, dtype=np.float32)
        return self._resampler.process(mono) if self._resampler else mono

    def _lost(self) -> bool:
        stream = self._stream
        if stream is None:
            return False
        try:
            active = bool(stream.active)
        except Exception:  # noqa: BLE001 - a stream whose device vanished may fail even to report
            active = False
        waited = time.monotonic() - self._last_callback
        limit = self.stall_s if self._callbacks else self.first_block_s
        return not active or waited > limit

    def close(self) -> None:
        """Stop capturing; a running `blocks()` iterator yields what is queued, then ends."""
        self._closed.set()
        self._shutdown()

    def _shutdown(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            return
        try:
            stream.stop()
        except Exception:  # noqa: BLE001, S110 - a vanished device fails to stop; closing still releases it
            pass
        try:
            stream.close()
        except Exception:  # noqa: BLE001, S110 - nothing more to release for a device that is gone
            pass

    def __enter__(self) -> SounddeviceMicrophone:  # noqa: PYI034
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
