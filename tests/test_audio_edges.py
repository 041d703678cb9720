"""The audio edges without a sound server: file/array sources, resampling, the phone line, speech
synthesis, level judging, and the microphone and speaker logic over a fake PortAudio."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest
import soundfile as sf

from voice_coach.audio import devices as devices_mod
from voice_coach.audio import microphone as microphone_mod
from voice_coach.audio.devices import DeviceInfo, LevelMeter, judge_levels, parse_device
from voice_coach.audio.file_source import ArraySource, FileSource
from voice_coach.audio.phone_line import PHONE_RATE, phone_line
from voice_coach.audio.resample import StreamResampler, resample
from voice_coach.audio.speaker import Pyttsx3Speaker, SilentSpeaker
from voice_coach.engines.tts import resolve_voice, synthesize
from voice_coach.testing.fakes import RecordingSpeaker
from voice_coach.core.errors import AudioInputError, DeviceError, VoiceCoachError
from voice_coach.core.timed import SAMPLE_RATE


def band_db(samples: np.ndarray, rate: int, low: float, high: float, ref_low: float = 300, ref_high: float = 3400) -> float:
    """Mean power per Hz in [low, high) relative to the mean power per Hz in the reference band, in dB."""
    spectrum = np.abs(np.fft.rfft(samples)) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    band = spectrum[(freqs >= low) & (freqs < high)].mean()
    ref = spectrum[(freqs >= ref_low) & (freqs < ref_high)].mean()
    return float(10 * np.log10(band / ref))


def tone(freq: float, seconds: float, rate: int, amplitude: float = 0.5) -> np.ndarray:
    return (amplitude * np.sin(2 * np.pi * freq * np.arange(int(seconds * rate)) / rate)).astype(np.float32)


# --- sources ------------------------------------------------------------------------------------

@pytest.fixture()
def noise_wav(tmp_path):
    samples = (np.random.default_rng(7).standard_normal(int(1.05 * SAMPLE_RATE)) * 0.1).astype(np.float32)
    path = tmp_path / "answer.wav"
    sf.write(path, samples, SAMPLE_RATE, subtype="FLOAT")
    return path, samples


def test_file_source_fast_yields_the_exact_samples_in_100ms_blocks(noise_wav):
    path, samples = noise_wav
    blocks = list(FileSource(path, realtime=False).blocks())
    assert [len(b) for b in blocks] == [1600] * 10 + [800]
    assert all(b.dtype == np.float32 for b in blocks)
    np.testing.assert_array_equal(np.concatenate(blocks), samples)


def test_file_source_realtime_hands_out_each_block_when_it_would_have_been_captured(noise_wav):
    path, samples = noise_wav
    source = FileSource(path, realtime=True)
    start = time.monotonic()
    arrivals, received = [], 0
    for block in source.blocks():
        received += len(block)
        arrivals.append((time.monotonic() - start, received / SAMPLE_RATE))
    lateness = [arrived - due for arrived, due in arrivals]
    assert min(lateness) >= -0.002, lateness  # never before its last sample was "spoken"
    assert max(lateness) < 0.05, lateness
    assert arrivals[-1][0] == pytest.approx(len(samples) / SAMPLE_RATE, abs=0.05)


def test_file_source_close_ends_a_realtime_iterator_promptly(noise_wav):
    source = FileSource(noise_wav[0], realtime=True)
    threading.Timer(0.25, source.close).start()
    start = time.monotonic()
    got = sum(len(b) for b in source.blocks())
    assert time.monotonic() - start < 0.4
    assert 1600 <= got <= 4800


def test_file_source_reports_a_missing_file_at_construction(tmp_path):
    with pytest.raises(AudioInputError, match="no such file"):
        FileSource(tmp_path / "missing.wav")


def test_array_source_converts_rate_once_and_keeps_content():
    source = ArraySource(tone(440, 1.0, 22050), realtime=False, sample_rate=22050)
    out = np.concatenate(list(source.blocks()))
    assert len(out) == SAMPLE_RATE
    expected = tone(440, 1.0, SAMPLE_RATE)
    assert np.max(np.abs(out - expected)[100:-100]) < 1e-3
    exact = np.arange(3200, dtype=np.float32) / 3200
    np.testing.assert_array_equal(np.concatenate(list(ArraySource(exact, realtime=False).blocks())), exact)


# --- resampling and the phone line --------------------------------------------------------------

@pytest.mark.parametrize("from_rate,to_rate", [(22050, 16000), (16000, 48000), (44100, 8000), (8000, 44100)])
def test_resample_keeps_a_tone_and_the_duration(from_rate, to_rate):
    out = resample(tone(1000, 2.0, from_rate), from_rate, to_rate)
    assert len(out) == 2 * to_rate
    err = np.abs(out - tone(1000, 2.0, to_rate))[to_rate // 20:-to_rate // 20]
    assert err.max() < 2e-3


def test_resample_is_local_so_trimmed_ends_stay_put():
    """An output sample depends only on the input within the kernel (about 2 ms), not on the whole signal."""
    x = tone(440, 1.0, 22050)
    y = x.copy()
    y[-2205:] = 0.0  # change only the last 0.1 s
    a, b = resample(x, 22050, 16000), resample(y, 22050, 16000)
    assert len(a) == len(b) == 16000
    np.testing.assert_array_equal(a[:16000 - 1600 - 64], b[:16000 - 1600 - 64])
    assert resample(x, 22050, 22050) is not x and resample(np.zeros(0), 8000, 16000).dtype == np.float32
    with pytest.raises(ValueError):
        resample(x, 0, 16000)


@pytest.mark.parametrize("from_rate", [44100, 48000, 22050])
def test_stream_resampler_is_block_size_independent_and_accurate(from_rate):
    signal = tone(440, 2.0, from_rate).astype(np.float64)
    whole = StreamResampler(from_rate, SAMPLE_RATE).process(signal)
    step = from_rate // 10 + 7
    pieces = StreamResampler(from_rate, SAMPLE_RATE)
    parts = np.concatenate([pieces.process(signal[i:i + step]) for i in range(0, len(signal), step)])
    np.testing.assert_allclose(parts, whole, atol=1e-6)
    assert abs(len(whole) - 2 * SAMPLE_RATE) <= 1
    delay_s = 31 / from_rate  # (taps - 1) / 2 input samples
    expected = 0.5 * np.sin(2 * np.pi * 440 * (np.arange(len(whole)) / SAMPLE_RATE - delay_s))
    assert np.abs(whole - expected)[200:-200].max() < 2e-3


def test_phone_line_is_narrowband_at_8khz_on_noise():
    noise = (np.random.default_rng(3).standard_normal(3 * 22050) * 0.1).astype(np.float32)
    narrow, rate = phone_line(noise, 22050)
    assert rate == PHONE_RATE == 8000
    assert len(narrow) == 3 * 8000
    assert band_db(narrow, rate, 3400, 4000) <= -30
    assert band_db(narrow, rate, 20, 200) <= -30


def band_power(samples: np.ndarray, rate: int, low: float, high: float) -> float:
    spectrum = np.abs(np.fft.rfft(samples)) ** 2 / len(samples)
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    return float(spectrum[(freqs >= low) & (freqs < high)].sum())


def test_phone_line_on_speech_keeps_the_voice_band_and_drops_the_rest():
    speech, rate = synthesize("Thanks for calling. Tell me about the last time you calmed an upset customer.", None, 170)
    narrow, out_rate = phone_line(speech, rate)
    assert out_rate == 8000 and len(narrow) == round(len(speech) * 8000 / rate)
    assert band_db(narrow, out_rate, 3400, 4000) <= -30
    assert band_db(narrow, out_rate, 20, 200) <= -30
    wide = resample(speech, rate, 8000)
    kept = band_power(narrow, 8000, 500, 3000) / band_power(wide, 8000, 500, 3000)
    assert 10 * np.log10(kept) == pytest.approx(0.0, abs=0.5)  # the voice band passes at full level
    assert band_power(narrow, 8000, 3400, 4000) < 0.01 * band_power(wide, 8000, 3400, 4000)


def test_phone_line_passes_1khz_and_removes_150hz():
    mid, _ = phone_line(tone(1000, 1.0, 16000), 16000, companding=False)
    low, _ = phone_line(tone(150, 1.0, 16000), 16000, companding=False)
    assert np.sqrt(np.mean(mid[800:-800] ** 2)) == pytest.approx(0.5 / np.sqrt(2), rel=0.02)
    assert np.sqrt(np.mean(low[800:-800] ** 2)) < 0.005


# --- speech synthesis and speakers --------------------------------------------------------------

def test_synthesize_gives_speech_whose_length_follows_the_rate():
    text = "Walk me through how you handle a customer who keeps interrupting you."
    fast, rate = synthesize(text, "en-us", 220)
    slow, rate2 = synthesize(text, "en-us", 110)
    assert rate == rate2 == 22050 and fast.dtype == np.float32
    assert 1.3 < (len(slow) / len(fast)) < 2.2  # pauses do not stretch with the rate
    assert np.sqrt(np.mean(fast ** 2)) > 0.02


def test_synthesize_falls_back_to_the_espeak_cli(monkeypatch):
    from voice_coach.engines import tts

    monkeypatch.setattr(tts, "_synthesize_pyttsx3", lambda *a: "pyttsx3 broken")
    samples, rate = synthesize("Hello there", None, 170)
    assert rate == 22050 and len(samples) > 0.3 * rate
    monkeypatch.setattr(tts, "_synthesize_espeak", lambda *a: "espeak-ng is not installed")
    with pytest.raises(DeviceError, match="espeak-ng is not installed"):
        synthesize("Hello there", None, 170)


def test_voice_names_are_checked_because_pyttsx3_ignores_unknown_ones():
    assert resolve_voice("en-us") == "gmw/en-us"
    assert resolve_voice("gmw/en-GB-x-rp") == "gmw/en-gb-x-rp"
    assert resolve_voice(None) is None
    with pytest.raises(VoiceCoachError, match="unknown voice 'klingon-9'"):
        resolve_voice("klingon-9")


def test_speaker_without_output_device_raises_one_actionable_line(monkeypatch):
    monkeypatch.setattr(devices_mod, "list_devices", list)
    with pytest.raises(DeviceError) as info:
        Pyttsx3Speaker()
    message = str(info.value)
    assert "\n" not in message and "no audio output device" in message
    assert "--output-device" in message and "--no-speech" in message


def test_speaker_rejects_an_input_only_device(monkeypatch):
    mic_only = DeviceInfo(0, "USB mic", "ALSA", 1, 0, 48000.0, default_input=True)
    monkeypatch.setattr(devices_mod, "list_devices", lambda: [mic_only])
    with pytest.raises(DeviceError, match="no audio output device"):
        Pyttsx3Speaker()
    with pytest.raises(DeviceError, match="has no output channels"):
        Pyttsx3Speaker(output_device="0")


def test_recording_and_silent_speakers(capsys):
    fake = RecordingSpeaker()
    fake.say("Hello")
    fake.say("Next question")
    assert fake.said == ["Hello", "Next question"]
    SilentSpeaker(prefix="Interviewer: ").say("Why this role?")
    assert capsys.readouterr().out == "Interviewer: Why this role?\n"


# --- device choice and levels ---------------------------------------------------------------------

def test_parse_and_resolve_devices(monkeypatch):
    listed = [
        DeviceInfo(0, "HDA Intel: ALC (hw:0,0)", "ALSA", 2, 2, 48000.0),
        DeviceInfo(1, "USB Headset", "ALSA", 1, 2, 44100.0, default_input=True, default_output=True),
        DeviceInfo(2, "USB Headset monitor", "ALSA", 2, 0, 44100.0),
    ]
    monkeypatch.setattr(devices_mod, "list_devices", lambda: listed)
    assert parse_device("3") == 3 and parse_device(" usb ") == "usb" and parse_device("") is None
    assert devices_mod.resolve_device(None, "input").index == 1
    assert devices_mod.resolve_device("usb headset", "input").index == 1  # exact name wins over a longer one
    assert devices_mod.resolve_device("intel", "output").index == 0
    with pytest.raises(DeviceError, match="matches several"):
        devices_mod.resolve_device("usb", "input")
    with pytest.raises(DeviceError, match="no audio device number 9"):
        devices_mod.resolve_device(9, "input")


def test_level_verdicts_on_real_signals():
    meter = LevelMeter()
    meter.push(tone(300, 1.0, 16000, amplitude=0.1))
    verdict = meter.verdict()
    assert verdict.status == "ok" and verdict.peak_dbfs == pytest.approx(-20.0, abs=0.1)
    assert verdict.rms_dbfs == pytest.approx(-23.0, abs=0.1) and "input OK" in verdict.message

    quiet = LevelMeter()
    quiet.push(tone(300, 1.0, 16000, amplitude=0.002))  # -54 dBFS: a muted mic's hiss
    assert quiet.verdict().status == "silent" and "not muted" in quiet.verdict().message

    hot = LevelMeter()
    hot.push(np.clip(tone(300, 1.0, 16000, amplitude=1.3), -1, 1))
    assert hot.verdict().status == "clipping" and hot.verdict().clipped_fraction > 0.3

    assert judge_levels(1.0, 0.2, 10 / 16000, 16000).status == "ok"  # 0.06 % at full scale: not yet clipping
    assert judge_levels(0.0, 0.0, 0.0, 0).status == "silent"


def test_mic_check_meter_renders_level_peak_and_time_left():
    from rich.console import Console

    from voice_coach.commands.mic_check import BAR_CELLS, render_meter

    console = Console(width=100, color_system=None, record=True)
    console.print(render_meter(-30.0, -12.0, 1.5, 5.0))
    line = console.export_text().rstrip("\n")
    assert line.count("█") == BAR_CELLS // 2
    assert "-30.0 dBFS" in line and "peak -12.0" in line and "3.5 s left" in line


# --- the microphone over a fake PortAudio ---------------------------------------------------------

class FakePortAudio:
    """Just enough of sounddevice: a 44.1 kHz-only device whose callbacks come from a thread."""

    class PortAudioError(Exception):
        pass

    def __init__(self, signal: np.ndarray, rate: int, die_after_s: float | None = None) -> None:
        self.signal, self.rate, self.die_after_s = signal, rate, die_after_s

    def check_input_settings(self, device, samplerate, channels, dtype):
        if samplerate != self.rate:
            raise self.PortAudioError("Invalid sample rate")

    def InputStream(self, **kw):
        return FakeStream(self, **kw)


class FakeStream:
    def __init__(self, owner: FakePortAudio, callback, blocksize, samplerate, channels, **_):
        self.owner, self.callback, self.blocksize, self.channels = owner, callback, blocksize, channels
        self.active = False
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.active = True
        self._thread.start()

    def _run(self):
        status = SimpleNamespace(input_overflow=False)
        started = time.monotonic()
        for i in range(0, len(self.owner.signal), self.blocksize):
            if not self.active:
                return
            if self.owner.die_after_s is not None and time.monotonic() - started > self.owner.die_after_s:
                self.active = False  # the device vanished: no more callbacks, stream inactive
                return
            block = self.owner.signal[i:i + self.blocksize]
            if len(block) < self.blocksize:
                return
            self.callback(np.repeat(block[:, None], self.channels, axis=1), len(block), None, status)
            time.sleep(0.01)

    def stop(self):
        self.active = False

    def close(self):
        self.active = False


def fake_mic(monkeypatch, fake: FakePortAudio, **kw) -> microphone_mod.SounddeviceMicrophone:
    device = DeviceInfo(0, "fake 44k mic", "ALSA", 1, 0, float(fake.rate), default_input=True)
    monkeypatch.setattr(devices_mod, "list_devices", lambda: [device])
    monkeypatch.setattr(microphone_mod, "sounddevice", lambda: fake)
    return microphone_mod.SounddeviceMicrophone(**kw)


def test_microphone_resamples_a_44k_device_to_16k(monkeypatch):
    fake = FakePortAudio(tone(440, 1.0, 44100), 44100)
    mic = fake_mic(monkeypatch, fake)
    assert mic.samplerate == 44100
    got = []
    for block in mic.blocks():
        got.append(block)
        if sum(map(len, got)) >= 15000:
            mic.close()
    out = np.concatenate(got)
    assert out.dtype == np.float32 and len(out) == pytest.approx(16000, abs=400)
    expected = 0.5 * np.sin(2 * np.pi * 440 * (np.arange(len(out)) / 16000 - 31 / 44100))
    assert np.abs(out - expected)[200:].max() < 2e-3


def test_microphone_that_vanishes_yields_everything_then_raises(monkeypatch):
    fake = FakePortAudio(tone(440, 5.0, 44100), 44100, die_after_s=0.15)
    mic = fake_mic(monkeypatch, fake, stall_s=0.3)
    got: list[np.ndarray] = []
    with pytest.raises(DeviceError) as info:
        got.extend(mic.blocks())
    assert "answer so far was kept" in str(info.value) and "\n" not in str(info.value)
    assert sum(map(len, got)) > 1600  # the blocks captured before the loss all arrived


def test_microphone_without_input_device_names_the_ways_out(monkeypatch):
    monkeypatch.setattr(devices_mod, "list_devices", list)
    with pytest.raises(DeviceError) as info:
        microphone_mod.SounddeviceMicrophone()
    message = str(info.value)
    assert "no microphone" in message and "voice-coach devices" in message
    assert "--input-device" in message and "--answers DIR" in message


def test_fifos_and_devices_are_named_as_such_not_empty(tmp_path):
    import os
    from pathlib import Path

    from voice_coach.audio.decode import check_readable
    from voice_coach.core.errors import AudioInputError

    fifo = tmp_path / "answer.wav"
    os.mkfifo(fifo)
    for path, word in ((fifo, "pipe"), (Path("/dev/zero"), "device")):
        with pytest.raises(AudioInputError) as err:
            check_readable(path)
        assert word in str(err.value) and "0 bytes" not in str(err.value)
