"""Finding audio devices, and judging a microphone's level (for `voice-coach mic-check`).

sounddevice is imported lazily, inside functions: PortAudio lists the devices when the module is
first imported, and PULSE_SERVER must be set before that. Every PortAudio failure here becomes a
DeviceError whose single line says what to do next.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import ModuleType

import numpy as np

from voice_coach.core.errors import DeviceError

INPUT_HINT = "run `voice-coach devices` to list devices, choose one with --input-device, or practise with recorded answers: --answers DIR"
OUTPUT_HINT = "run `voice-coach devices` to list devices, choose one with --output-device, or use --no-speech to read the questions on screen"


@dataclass(frozen=True)
class DeviceInfo:
    """One PortAudio device as the user sees it in `voice-coach devices`."""

    index: int
    name: str
    hostapi: str
    input_channels: int
    output_channels: int
    default_samplerate: float
    default_input: bool = False
    default_output: bool = False


def sounddevice() -> ModuleType:
    """Import sounddevice, turning a missing PortAudio library into one line."""
    try:
        import sounddevice as sd
    except OSError as exc:  # "PortAudio library not found"
        raise DeviceError(f"cannot use audio devices: {exc} (install the libportaudio2 package)") from None
    return sd


def rescan() -> None:
    """Re-list devices (after a sound server restarted or PULSE_SERVER changed); closes open streams."""
    sd = sounddevice()
    sd._terminate()
    sd._initialize()


def default_indices() -> tuple[int, int]:
    """PortAudio's default (input, output) device indices; -1 where there is none."""
    sd = sounddevice()
    pair = sd.default.device
    try:
        inp, out = pair[0], pair[1]
    except (TypeError, IndexError):
        inp = out = pair
    return _index_of(inp, "input"), _index_of(out, "output")


def _index_of(value: object, kind: str) -> int:
    if value is None:
        return -1
    if isinstance(value, int):
        return value
    try:  # sd.default.device may hold a name
        return int(sounddevice().query_devices(value, kind=kind)["index"])
    except Exception:  # noqa: BLE001 - a stale default name simply means no default
        return -1


def list_devices() -> list[DeviceInfo]:
    """Every device PortAudio can see, with default markers; [] when there is none."""
    sd = sounddevice()
    try:
        raw = list(sd.query_devices())
        hostapis = [api["name"] for api in sd.query_hostapis()]
    except sd.PortAudioError as exc:
        raise DeviceError(f"cannot list audio devices ({exc}); is a sound server running?") from None
    default_in, default_out = default_indices()
    return [
        DeviceInfo(
            index=int(d["index"]), name=str(d["name"]),
            hostapi=hostapis[d["hostapi"]] if 0 <= d["hostapi"] < len(hostapis) else "?",
            input_channels=int(d["max_input_channels"]), output_channels=int(d["max_output_channels"]),
            default_samplerate=float(d["default_samplerate"]),
            default_input=int(d["index"]) == default_in, default_output=int(d["index"]) == default_out,
        )
        for d in raw
    ]


def parse_device(value: int | str | None) -> int | str | None:
    """A device as typed on the command line: "3" is index 3, anything else a name (substring)."""
    if value is None or isinstance(value, int):
        return value
    text = str(value).strip()
    if text == "":
        return None
    return int(text) if text.isdigit() else text


def resolve_device(device: int | str | None, kind: str, hint: str | None = None) -> DeviceInfo:
    """The device to open for `kind` ("input" or "output"), or a DeviceError saying why there is none.

    `hint` ends the message (what to do next); by default the practice options for `kind`.
    """
    if kind not in ("input", "output"):
        raise ValueError(kind)
    device = parse_device(device)
    hint = hint or (INPUT_HINT if kind == "input" else OUTPUT_HINT)
    noun = "microphone (audio input device)" if kind == "input" else "audio output device"
    devices = list_devices()
    if isinstance(device, int):
        match = [d for d in devices if d.index == device]
        if not match:
            raise DeviceError(f"there is no audio device number {device}; {hint}")
        if _channels(match[0], kind) == 0:
            raise DeviceError(f"device {device} ({match[0].name}) has no {kind} channels; {hint}")
        return match[0]
    usable = [d for d in devices if _channels(d, kind) > 0]
    if not usable:
        raise DeviceError(f"no {noun} found on this machine; {hint}")
    if device is None:
        chosen = [d for d in usable if (d.default_input if kind == "input" else d.default_output)]
        if not chosen:
            raise DeviceError(f"no default {noun} is set; {hint}")
        return chosen[0]
    exact = [d for d in usable if d.name.lower() == device.lower()]
    partial = [d for d in usable if device.lower() in d.name.lower()]
    found = exact or partial
    if not found:
        raise DeviceError(f"no {kind} device matches {device!r}; {hint}")
    if len(found) > 1 and not exact:
        names = ", ".join(f"{d.index} {d.name}" for d in found[:5])
        raise DeviceError(f"{device!r} matches several {kind} devices ({names}); give the number instead")
    return found[0]


def _channels(device: DeviceInfo, kind: str) -> int:
    return device.input_channels if kind == "input" else device.output_channels


# --- judging a microphone's level --------------------------------------------------------------

SILENT_PEAK_DBFS = -50.0
"""Below this peak the input carries no usable sound: muted, wrong device, or unplugged."""
CLIP_LEVEL = 0.99
"""A sample at or beyond this magnitude counts as full scale."""
CLIP_FRACTION = 0.001
"""More than 0.1 % of samples at full scale is clipping a listener hears as distortion."""
FLOOR_DBFS = -120.0


def dbfs(value: float) -> float:
    """Level relative to full scale (1.0 = 0 dBFS), floored at -120 so silence stays a number."""
    return FLOOR_DBFS if value <= 10 ** (FLOOR_DBFS / 20) else max(FLOOR_DBFS, 20.0 * math.log10(value))


class LevelMeter:
    """Running peak, RMS and clipped-sample count over the blocks pushed so far."""

    def __init__(self) -> None:
        self.samples = 0
        self.peak = 0.0
        self.clipped = 0
        self._sum_squares = 0.0
        self.last_block_dbfs = FLOOR_DBFS

    def push(self, block: np.ndarray) -> None:
        x = np.asarray(block, dtype=np.float32).reshape(-1)
        if len(x) == 0:
            return
        magnitude = np.abs(x)
        block_peak = float(magnitude.max())
        self.peak = max(self.peak, block_peak)
        self.clipped += int(np.count_nonzero(magnitude >= CLIP_LEVEL))
        self._sum_squares += float(np.dot(x.astype(np.float64), x.astype(np.float64)))
        self.samples += len(x)
        self.last_block_dbfs = dbfs(float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))))

    @property
    def rms(self) -> float:
        return math.sqrt(self._sum_squares / self.samples) if self.samples else 0.0

    @property
    def clipped_fraction(self) -> float:
        return self.clipped / self.samples if self.samples else 0.0

    def verdict(self) -> MicVerdict:
        return judge_levels(self.peak, self.rms, self.clipped_fraction, self.samples)


@dataclass(frozen=True)
class MicVerdict:
    """The outcome of a mic check: `status` is "ok", "silent" or "clipping"; `message` is one line."""

    status: str
    peak_dbfs: float
    rms_dbfs: float
    clipped_fraction: float
    message: str

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def judge_levels(peak: float, rms: float, clipped_fraction: float, samples: int) -> MicVerdict:
    """Clipping first (it ruins the transcript), then silence, else OK with the level."""
    peak_db, rms_db = dbfs(peak), dbfs(rms)
    if samples == 0:
        return MicVerdict("silent", peak_db, rms_db, 0.0,
                          "no audio arrived from the microphone: check it is connected and not muted")
    if clipped_fraction > CLIP_FRACTION:
        return MicVerdict("clipping", peak_db, rms_db, clipped_fraction,
                          f"the input is clipping: {clipped_fraction:.1%} of samples hit full scale; "
                          "turn the input gain down or move a little further from the microphone")
    if peak_db < SILENT_PEAK_DBFS:
        level = "no signal at all" if peak_db <= FLOOR_DBFS else f"peak {peak_db:.0f} dBFS"
        return MicVerdict("silent", peak_db, rms_db, clipped_fraction,
                          f"the input is silent ({level}): check the microphone is not muted "
                          "and is the device selected (`voice-coach devices`, --input-device)")
    quiet = "; a little quiet, speak closer to the microphone" if peak_db < -30.0 else ""
    return MicVerdict("ok", peak_db, rms_db, clipped_fraction,
                      f"input OK: peak {peak_db:.1f} dBFS, average {rms_db:.1f} dBFS{quiet}")
