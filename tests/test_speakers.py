"""Every Speaker has the interface the session calls (render, play, stop, say), stop() cuts the voice off,
and the one espeak-ng launcher behind the voices.

Playback runs over a fake PortAudio output whose blocking writes take as long as the audio they
hold, so the timing of a cut is checked without a sound server (test_pulse_audio.py does it for real).
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from voice_coach.audio import devices as devices_mod
from voice_coach.audio import playback as playback_mod
from voice_coach.audio.devices import DeviceInfo
from voice_coach.audio.speaker import Pyttsx3Speaker, SilentSpeaker
from voice_coach.core.interfaces import AudioSource, Speaker
from voice_coach.core.timed import SAMPLE_RATE
from voice_coach.testing.fakes import RecordingSpeaker


def protocol_methods(protocol: type) -> set[str]:
    return {name for name, value in vars(protocol).items() if callable(value) and not name.startswith("_")}


@pytest.mark.parametrize("cls", [Pyttsx3Speaker, SilentSpeaker, RecordingSpeaker])
def test_every_speaker_has_the_whole_interface(cls):
    assert protocol_methods(Speaker) == {"render", "play", "stop", "say"}
    assert all(callable(getattr(cls, name, None)) for name in protocol_methods(Speaker))


def test_every_audio_source_can_be_started():
    from voice_coach.audio.file_source import ArraySource, FileSource
    from voice_coach.audio.microphone import SounddeviceMicrophone

    assert protocol_methods(AudioSource) == {"start", "blocks", "close"}
    for cls in (SounddeviceMicrophone, ArraySource, FileSource):
        assert all(callable(getattr(cls, name, None)) for name in protocol_methods(AudioSource))
    source = ArraySource(np.ones(1600, dtype=np.float32), realtime=False)
    source.start()
    assert sum(map(len, source.blocks())) == 1600


class FakeOutput:
    """Just enough of sounddevice for play_samples: writes block for the duration of what they write."""

    class PortAudioError(Exception):
        pass

    def __init__(self) -> None:
        self.written = 0
        self.aborted = False

    def check_output_settings(self, device, samplerate, channels, dtype):
        pass

    def OutputStream(self, samplerate, channels, latency, **_):  # noqa: N802 - sounddevice's name
        owner = self

        class Stream:
            active = False

            def __init__(self) -> None:
                self.latency = latency

            def start(self):
                self.active = True

            def write(self, frames):
                time.sleep(len(frames) / samplerate)
                owner.written += len(frames)
                return False

            def stop(self):
                self.active = False

            def abort(self):
                owner.aborted = True
                self.active = False

            def close(self):
                self.active = False

        return Stream()


@pytest.fixture()
def fake_output(monkeypatch) -> FakeOutput:
    fake = FakeOutput()
    device = DeviceInfo(0, "fake speaker", "ALSA", 0, 2, float(SAMPLE_RATE), default_output=True)
    monkeypatch.setattr(devices_mod, "list_devices", lambda: [device])
    monkeypatch.setattr(playback_mod, "sounddevice", lambda: fake)
    return fake


def test_pyttsx3_speaker_stop_cuts_playback_off(fake_output):
    speaker = Pyttsx3Speaker()
    four_s = 0.2 * np.sin(2 * np.pi * 330 * np.arange(4 * SAMPLE_RATE) / SAMPLE_RATE)
    threading.Timer(0.3, speaker.stop).start()
    started = time.monotonic()
    speaker.play(four_s, SAMPLE_RATE)
    assert 0.25 < time.monotonic() - started < 0.6
    assert fake_output.aborted and fake_output.written < SAMPLE_RATE
    speaker.stop()  # nothing playing: harmless
    fake_output.written = 0
    speaker.play(four_s[:SAMPLE_RATE // 4], SAMPLE_RATE)  # an earlier stop() does not cut the next utterance
    assert fake_output.written >= SAMPLE_RATE // 4


def test_silent_speaker_prints_on_render_and_has_nothing_to_play(capsys):
    speaker = SilentSpeaker(prefix="Interviewer: ")
    samples, rate = speaker.render("Why this role?")
    assert capsys.readouterr().out == "Interviewer: Why this role?\n"
    assert len(samples) == 0 and rate == SAMPLE_RATE
    speaker.play(samples, rate)
    speaker.stop()
    assert capsys.readouterr().out == ""


def test_recording_speaker_plays_for_the_audio_length_unless_stopped():
    fake = RecordingSpeaker(delay_s=0.2)
    samples, rate = fake.render("Hello")
    started = time.monotonic()
    fake.play(samples, rate)
    assert fake.said == ["Hello"] and 0.18 < time.monotonic() - started < 0.5
    threading.Timer(0.1, fake.stop).start()
    started = time.monotonic()
    fake.play(np.zeros(5 * SAMPLE_RATE, dtype=np.float32), SAMPLE_RATE)
    assert time.monotonic() - started < 1.0 and fake.stops == 1


def test_espeak_wav_reads_the_text_from_stdin_and_names_a_bad_voice():
    from voice_coach.engines.espeak import EspeakError, espeak_wav

    samples, rate = espeak_wav("-v is not an option here", rate_wpm=200)
    assert rate == 22050 and samples.dtype == np.float32 and len(samples) > 0.5 * rate
    assert 0.01 < float(np.abs(samples).max()) <= 1.0
    with pytest.raises(EspeakError, match="klingon-9"):
        espeak_wav("Hello", voice="klingon-9")


def test_the_printed_speaker_of_quiet_sessions_is_a_full_speaker():
    """--quiet prints the interviewer's lines; the session calls render/play/stop on it like any speaker."""
    import io

    from rich.console import Console

    from voice_coach.interview.voice import PrintedSpeaker, Voice

    out = io.StringIO()
    speaker = PrintedSpeaker(Console(file=out, width=60, color_system=None))
    Voice(speaker, None, False, None).say("Thanks for joining me today on this phone screen for the role.")
    speaker.stop()
    text = out.getvalue()
    assert "Interviewer: Thanks for joining me today" in text and "phone screen" in " ".join(text.split())
    assert all(line.split()[-1] not in ("s", "phon") for line in text.splitlines() if line.strip())  # wrapped at words
