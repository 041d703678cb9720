"""The audio edges through a real stack: a private PulseAudio daemon with a null sink.

What the speaker plays into the sink is recorded back from the sink's monitor by the microphone,
so these tests check the real PortAudio/ALSA/Pulse path, its timing and its failures.
"""

from __future__ import annotations

import subprocess
import threading
import time

import numpy as np
import pytest
import soundfile as sf
from pulse_server import SINK, rescan_sounddevice, start_pulse_server

from voice_coach.analysis.answer import AnswerAnalysis
from voice_coach.audio.resample import resample
from voice_coach.cli import main
from voice_coach.core.errors import DeviceError
from voice_coach.core.timed import SAMPLE_RATE


class Recorder:
    """Runs a microphone's `blocks()` on a thread, keeping every block and any error."""

    def __init__(self, mic) -> None:
        self.mic = mic
        self.blocks: list[np.ndarray] = []
        self.error: BaseException | None = None
        mic.start()
        self.started = time.monotonic()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            for block in self.mic.blocks():
                self.blocks.append(block)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            self.error = exc

    def stop(self) -> np.ndarray:
        self.mic.close()
        self.thread.join(5)
        return self.audio()

    def audio(self) -> np.ndarray:
        return np.concatenate(self.blocks) if self.blocks else np.zeros(0, dtype=np.float32)


def best_match(recording: np.ndarray, reference: np.ndarray) -> tuple[float, float]:
    """(onset in seconds, normalised cross-correlation) of `reference` inside `recording`."""
    recording = np.concatenate([recording, np.zeros(len(reference), dtype=recording.dtype)])  # every lag fits
    corr = np.correlate(recording, reference, mode="valid")
    lag = int(np.argmax(corr))
    segment = recording[lag:lag + len(reference)]
    ncc = float(np.dot(segment, reference) / (np.linalg.norm(segment) * np.linalg.norm(reference) + 1e-12))
    return lag / SAMPLE_RATE, ncc


def write_tone(path, seconds: float, amplitude: float, freq: float = 440.0) -> None:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    sf.write(path, (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32), SAMPLE_RATE, subtype="FLOAT")


def test_devices_lists_the_pulse_device(use_pulse, capsys):
    from voice_coach.audio.devices import list_devices

    listed = list_devices()
    names = {d.name for d in listed}
    assert {"pulse", "default"} <= names
    default = next(d for d in listed if d.default_input)
    assert default.default_output and default.input_channels > 0 and default.output_channels > 0
    assert main(["devices"]) == 0
    out = capsys.readouterr().out
    assert "pulse" in out and "* input, output" in out and "44100" in out


@pytest.mark.slow
def test_speaker_plays_into_the_sink_and_the_microphone_records_it(use_pulse):
    from voice_coach.audio.microphone import SounddeviceMicrophone
    from voice_coach.audio.speaker import Pyttsx3Speaker

    speaker = Pyttsx3Speaker(voice="en-us", rate_wpm=170)
    samples, rate = speaker.render("Tell me about a time you turned an unhappy caller around.")
    recorder = Recorder(SounddeviceMicrophone())
    time.sleep(0.5)
    expected_onset = time.monotonic() - recorder.started
    speaker.play(samples, rate)  # blocks until played, while the microphone's low-latency stream is open
    played_for = time.monotonic() - recorder.started - expected_onset
    time.sleep(0.3)
    recording = recorder.stop()
    assert recorder.error is None
    assert played_for == pytest.approx(len(samples) / rate, abs=0.3)
    onset, ncc = best_match(recording, resample(samples, rate, SAMPLE_RATE))
    assert ncc > 0.9
    assert abs(onset - expected_onset) < 0.05, (onset, expected_onset)

    # say() synthesizes and plays in one call; what it played is kept to compare with
    recorder = Recorder(SounddeviceMicrophone())
    time.sleep(0.3)
    speaker.say("And what was the outcome?")
    time.sleep(0.3)
    recording = recorder.stop()
    played, played_rate = speaker.last_audio
    _, ncc = best_match(recording, resample(played, played_rate, SAMPLE_RATE))
    assert ncc > 0.9


@pytest.mark.slow
def test_phone_line_voice_arrives_narrowband(use_pulse):
    from voice_coach.audio.microphone import SounddeviceMicrophone
    from voice_coach.audio.speaker import Pyttsx3Speaker

    speaker = Pyttsx3Speaker(rate_wpm=190, phone_line=True)
    recorder = Recorder(SounddeviceMicrophone())
    time.sleep(0.3)
    speaker.say("Thanks for taking the call today.")
    time.sleep(0.3)
    recording = recorder.stop()
    played, played_rate = speaker.last_audio
    assert played_rate == 8000
    onset, ncc = best_match(recording, resample(played, 8000, SAMPLE_RATE))
    assert ncc > 0.9
    heard = recording[int(onset * SAMPLE_RATE):int(onset * SAMPLE_RATE) + len(played) * 2]
    spectrum = np.abs(np.fft.rfft(heard)) ** 2
    freqs = np.fft.rfftfreq(len(heard), 1 / SAMPLE_RATE)
    voice = spectrum[(freqs >= 300) & (freqs < 3400)].mean()
    assert 10 * np.log10(spectrum[freqs >= 3600].mean() / voice) < -30


def test_speaker_stop_cuts_an_utterance_off(use_pulse):
    from voice_coach.audio.speaker import Pyttsx3Speaker

    speaker = Pyttsx3Speaker()
    long_tone = 0.2 * np.sin(2 * np.pi * 330 * np.arange(4 * SAMPLE_RATE) / SAMPLE_RATE)
    threading.Timer(0.5, speaker.stop).start()
    started = time.monotonic()
    speaker.play(long_tone, SAMPLE_RATE)
    assert 0.4 < time.monotonic() - started < 0.8


@pytest.mark.slow
def test_review_play_goes_through_the_speakers_playback_path(use_pulse, capsys, tmp_path):
    from voice_coach.audio.microphone import SounddeviceMicrophone
    from voice_coach.store import Store
    from voice_coach.testing.synth import speak

    voice = 0.8 * speak("Thanks for holding, I have found your order.", rate_wpm=170)
    with Store.open(tmp_path / "home") as store:
        sid = store.start_session(bank="default", model="tiny.en", settings={})
        store.save_answer(sid, question={"id": "q1", "category": "general", "kind": "general", "star": False,
                                         "text": "Tell me about yourself."},
                          audio=voice, sample_rate=SAMPLE_RATE, analysis=AnswerAnalysis.from_dict({"duration_s": len(voice) / SAMPLE_RATE}), feedback="Fine.")
        store.finish_session(sid, complete=True)
    recorder = Recorder(SounddeviceMicrophone())
    time.sleep(0.3)
    started = time.monotonic()
    assert main(["review", "last", "--home", str(tmp_path / "home"), "--play"]) == 0
    played_for = time.monotonic() - started
    time.sleep(0.3)
    recording = recorder.stop()
    assert recorder.error is None
    assert "Playing answer 1" in capsys.readouterr().out
    assert played_for == pytest.approx(len(voice) / SAMPLE_RATE, abs=0.6)
    _, ncc = best_match(recording, voice)
    assert ncc > 0.9


def test_mic_check_reports_a_silent_sink(use_pulse, capsys):
    assert main(["mic-check", "--seconds", "1"]) == 1
    out = capsys.readouterr().out
    assert "the input is silent (no signal at all)" in out and "not muted" in out


@pytest.mark.slow
def test_mic_check_reports_ok_with_the_level_of_a_tone(use_pulse, capsys, tmp_path):
    write_tone(tmp_path / "tone.wav", 4.0, amplitude=0.3)  # peak -10.5 dBFS
    player = subprocess.Popen(["paplay", f"--device={SINK}", str(tmp_path / "tone.wav")], env=use_pulse.env())
    try:
        time.sleep(0.4)
        code = main(["mic-check", "--seconds", "1.5"])
    finally:
        player.wait(10)
    out = capsys.readouterr().out
    assert code == 0, out
    line = next(text for text in out.splitlines() if text.startswith("input OK"))
    peak = float(line.split("peak ")[1].split(" dBFS")[0])
    assert peak == pytest.approx(20 * np.log10(0.3), abs=1.0)


@pytest.fixture()
def doomed_pulse(pulse_server):
    """A second private daemon, current for one test, that the test may kill."""
    server = start_pulse_server()
    rescan_sounddevice()
    yield server
    server.stop()  # puts PULSE_SERVER back to the session daemon
    rescan_sounddevice()


@pytest.mark.slow
def test_daemon_killed_mid_recording_raises_after_keeping_the_audio(doomed_pulse, tmp_path):
    from voice_coach.audio.devices import list_devices
    from voice_coach.audio.microphone import SounddeviceMicrophone
    from voice_coach.audio.speaker import Pyttsx3Speaker

    write_tone(tmp_path / "tone.wav", 3.0, amplitude=0.3)
    recorder = Recorder(SounddeviceMicrophone())
    time.sleep(0.3)
    player = subprocess.Popen(["paplay", str(tmp_path / "tone.wav")], env=doomed_pulse.env(),
                              stderr=subprocess.DEVNULL)
    time.sleep(1.2)
    killed_at = time.monotonic()
    doomed_pulse.kill()
    recorder.thread.join(5)
    noticed_after = time.monotonic() - killed_at
    player.wait(5)
    assert isinstance(recorder.error, DeviceError), recorder.error
    message = str(recorder.error)
    assert "\n" not in message and "answer so far was kept" in message
    assert noticed_after < 2.0
    audio = recorder.audio()
    assert len(audio) / SAMPLE_RATE == pytest.approx(1.5, abs=0.3)
    loud = np.abs(audio) > 0.15
    assert loud.mean() > 0.3  # the tone captured before the crash is all there
    # The tone itself, not garbage: its loud part has the RMS of a 0.3 sine (the peak can ring a little
    # through Pulse's resampler when the stream is cut).
    idx = np.flatnonzero(loud)
    tone = audio[idx[0] : idx[-1]]
    assert np.sqrt(np.mean(tone**2)) == pytest.approx(0.3 / np.sqrt(2), rel=0.1)
    assert np.abs(audio).max() < 0.4

    rescan_sounddevice()
    if not list_devices():  # no other sound card on this machine: nothing left to play on
        with pytest.raises(DeviceError, match="no audio output device"):
            Pyttsx3Speaker()


@pytest.mark.slow
def test_daemon_killed_mid_playback_raises(doomed_pulse):
    from voice_coach.audio.playback import play_samples

    threading.Timer(1.0, doomed_pulse.kill).start()
    started = time.monotonic()
    with pytest.raises(DeviceError, match="stopped playing"):
        play_samples(0.3 * np.sin(2 * np.pi * 440 * np.arange(4 * SAMPLE_RATE) / SAMPLE_RATE), SAMPLE_RATE)
    assert time.monotonic() - started < 2.5
