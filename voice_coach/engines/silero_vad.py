"""Voice activity: Silero speech probabilities per 32 ms frame, pushed block by block.

Silero decides *whether* there is speech and is robust to noise; its 32 ms frames are too coarse
for pause boundaries, which `analysis.pauses` refines on the samples. The ONNX model ships inside
faster-whisper, so no torch and no download.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from voice_coach.core.timed import SAMPLE_RATE

FRAME_SAMPLES = 512  # Silero's window at 16 kHz: 32 ms
_CONTEXT_SAMPLES = 64
SPEECH_ON = 0.5
SPEECH_OFF = 0.35


class SileroVad:
    """Frame probabilities for consecutive 512-sample windows; carries the 64-sample context."""

    def __init__(self) -> None:
        from faster_whisper.vad import get_vad_model  # model loading stays at this edge

        self._session = get_vad_model().session
        self._context = np.zeros(_CONTEXT_SAMPLES, dtype=np.float32)

    def reset(self) -> None:
        self._context = np.zeros(_CONTEXT_SAMPLES, dtype=np.float32)

    def probabilities(self, frames: np.ndarray) -> np.ndarray:
        """`frames`: a multiple of 512 samples. Returns one speech probability per window."""
        windows = frames.reshape(-1, FRAME_SAMPLES)
        if not len(windows):
            return np.zeros(0, dtype=np.float32)
        contexts = np.vstack([self._context[None, :], windows[:-1, -_CONTEXT_SAMPLES:]])
        batch = np.concatenate([contexts, windows], axis=1).astype(np.float32)
        self._context = windows[-1, -_CONTEXT_SAMPLES:].copy()
        state = np.zeros((1, 1, 128), dtype=np.float32)
        out, _, _ = self._session.run(None, {"input": batch, "h": state, "c": state})
        return np.asarray(out, dtype=np.float32).reshape(-1)


@dataclass
class SpeechTracker:
    """Streaming speech/silence state over Silero frames, with hysteresis.

    Keeps every frame's probability (4 bytes per 32 ms: 450 KB for 30 minutes) so the final
    analysis sees exactly what the live view saw.
    """

    vad: SileroVad
    probs: list[float] = field(default_factory=list)
    speaking: bool = False
    first_speech_frame: int | None = None
    last_speech_frame: int | None = None
    _pending: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))

    def insert(self, block: np.ndarray) -> None:
        data = np.concatenate([self._pending, block.astype(np.float32, copy=False)])
        usable = len(data) - len(data) % FRAME_SAMPLES
        self._pending = data[usable:]
        for p in self.vad.probabilities(data[:usable]):
            self.probs.append(float(p))
            if self.speaking:
                self.speaking = p >= SPEECH_OFF
            else:
                self.speaking = p >= SPEECH_ON
            if self.speaking:
                idx = len(self.probs) - 1
                if self.first_speech_frame is None:
                    self.first_speech_frame = idx
                self.last_speech_frame = idx

    @property
    def frames_seen(self) -> int:
        return len(self.probs)

    def silence_s(self) -> float:
        """Seconds since speech last stopped (or since the start if nobody has spoken yet)."""
        if self.speaking:
            return 0.0
        last = -1 if self.last_speech_frame is None else self.last_speech_frame
        return (self.frames_seen - 1 - last) * FRAME_SAMPLES / SAMPLE_RATE


def speech_frames(probs: np.ndarray) -> np.ndarray:
    """Boolean speech mask from frame probabilities, with the same hysteresis as the tracker."""
    mask = np.zeros(len(probs), dtype=bool)
    on = False
    for i, p in enumerate(probs):
        on = p >= (SPEECH_OFF if on else SPEECH_ON)
        mask[i] = on
    return mask


def mask_to_spans(mask: np.ndarray, min_gap_frames: int = 3, min_speech_frames: int = 2) -> list[tuple[int, int]]:
    """Runs of speech frames as [start, end) frame pairs; gaps shorter than `min_gap_frames` are bridged."""
    spans: list[list[int]] = []
    idx = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    for start, end in zip(idx[::2], idx[1::2]):
        if spans and start - spans[-1][1] < min_gap_frames:
            spans[-1][1] = int(end)
        else:
            spans.append([int(start), int(end)])
    return [(s, e) for s, e in spans if e - s >= min_speech_frames]
