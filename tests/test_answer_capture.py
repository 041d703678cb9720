"""End-of-answer detection on synthesized answers fed as a fake microphone (ArraySource / FileSource).

The voice activity is real (Silero); the transcriber is a fake that returns the script's own words
at their true times, so the rules are tested on real audio without Whisper's speed or errors.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from voice_coach.live.capture import CaptureSettings, EndReason, capture_answer, is_repeat_request, judge
from voice_coach.live.stop import StopRequest
from voice_coach.live.inputs import FileInputs
from voice_coach.audio.file_source import ArraySource
from voice_coach.core.errors import AudioInputError, DeviceError, VoiceCoachError
from voice_coach.live.analyzer import LiveAnalyzer
from voice_coach.testing.fakes import ClipInputs
from voice_coach.testing.synth import Filler, SyntheticAnswer, build_answer, write_wav
from voice_coach.core.timed import SAMPLE_RATE, Word

BLOCK_S = 0.1


class ScriptTranscriber:
    """A fake Whisper: the words of the current script's speech pieces, spread evenly over each piece, that lie in the clip."""

    name = "fake-script"

    def __init__(self, answer: SyntheticAnswer | None = None) -> None:
        self.answer = answer
        self.calls = 0

    def use(self, answer: SyntheticAnswer) -> SyntheticAnswer:
        self.answer = answer
        return answer

    def transcribe(self, samples: np.ndarray, offset_s: float = 0.0, prompt: str | None = None) -> Sequence[Word]:
        self.calls += 1
        if self.answer is None:
            return []
        end_s = offset_s + len(samples) / SAMPLE_RATE
        words: list[Word] = []
        for piece in self.answer.pieces:
            if piece.kind != "speech":
                continue
            tokens = piece.text.split()
            step = (piece.end - piece.start) / len(tokens)
            for i, tok in enumerate(tokens):
                start, end = piece.start + i * step, piece.start + (i + 1) * step - 0.02
                if offset_s <= (start + end) / 2 < end_s:  # as Whisper hears only the words said inside the clip
                    words.append(Word(tok, round(start, 3), round(end, 3)))
        return words


def speech(script: list, tail_s: float = 0.5, lead_in_s: float = 0.5, seed: int = 1) -> SyntheticAnswer:
    return build_answer(script, voice="en-us", rate_wpm=150, lead_in_s=lead_in_s, tail_s=tail_s, seed=seed)


def live_for(answer: SyntheticAnswer | None = None, background: bool = False) -> tuple[LiveAnalyzer, ScriptTranscriber]:
    fake = ScriptTranscriber(answer)
    return LiveAnalyzer(fake, background=background, model_name=fake.name), fake


class ScriptedSource:
    """A fake microphone: yields blocks of `samples`, and after `after_s` does `action` (raise, or set an event)."""

    def __init__(self, samples: np.ndarray, after_s: float, action: object) -> None:
        self.source = ArraySource(samples, realtime=False, block_s=BLOCK_S)
        self.after_s, self.action = after_s, action
        self.closed = False

    def start(self) -> None:
        pass

    def blocks(self) -> Iterator[np.ndarray]:
        done = 0
        for block in self.source.blocks():
            if done >= self.after_s * SAMPLE_RATE:
                if isinstance(self.action, BaseException):
                    raise self.action
                if isinstance(self.action, threading.Event):
                    self.action.set()
            yield block
            done += len(block)

    def close(self) -> None:
        self.closed = True


# ---------------------------------------------------------------- the rule book (pure)
def test_judge_rules() -> None:
    s = CaptureSettings(end_silence_s=6.0, max_answer_s=180.0, no_answer_s=8.0)
    assert judge(7.9, False, 7.9, s) is None
    assert judge(8.0, False, 8.0, s) == EndReason.NO_ANSWER
    assert judge(30.0, True, 5.9, s) is None
    assert judge(30.0, True, 6.0, s) == EndReason.SILENCE
    assert judge(180.0, True, 0.0, s) == EndReason.MAX_LENGTH
    assert judge(20.0, True, 1.6, s, ["Yes,", "please."]) == EndReason.REPEAT_REQUEST
    assert judge(20.0, True, 1.4, s, ["Yes,", "please."]) is None
    assert judge(20.0, True, 1.6, s, ["I", "would", "listen", "first."]) is None


def test_end_reasons_keep_the_names_the_store_holds() -> None:
    assert [str(r) for r in EndReason] == ["enter", "silence", "max_length", "no_answer", "source_ended", "interrupted",
                                           "device_lost", "repeat_request"]
    assert EndReason("silence") is EndReason.SILENCE and EndReason.SILENCE == "silence"


def test_repeat_requests_are_short_and_ask_again() -> None:
    assert is_repeat_request(["Sorry,", "could", "you", "repeat", "that,", "please?"])
    assert is_repeat_request(["Yes", "please."])
    assert is_repeat_request(["Pardon?"])
    assert not is_repeat_request([])
    assert not is_repeat_request(["Yes,", "I", "would", "apologise", "and", "check", "the", "order."])
    assert not is_repeat_request(["sorry", "could", "you", "say", "that", "again", "I", "think", "it", "was", "about", "a", "refund", "for", "a", "client"])


def test_settings_are_checked() -> None:
    with pytest.raises(VoiceCoachError, match="--end-silence"):
        CaptureSettings(end_silence_s=0).check()
    with pytest.raises(VoiceCoachError, match="shorter than --max-answer"):
        CaptureSettings(end_silence_s=10, max_answer_s=5).check()


# ---------------------------------------------------------------- on real audio
def test_silence_after_speech_ends_the_answer() -> None:
    answer = speech(["I answered calls for a phone shop for two years.", 2.0, "Most callers just wanted a clear plan."],
                    tail_s=8.0)
    live, _ = live_for(answer)
    cap = capture_answer(ArraySource(answer.samples, realtime=False), live, CaptureSettings(end_silence_s=4.0))
    assert cap.reason == EndReason.SILENCE
    # ends 4 s after the last speech (the 2 s pause inside did not end it); VAD hangover and one block of slack
    assert abs(cap.duration_s - (answer.last_speech_s + 4.0)) < 0.35, (cap.duration_s, answer.last_speech_s)
    assert live.recording.length == round(cap.duration_s * SAMPLE_RATE)


def test_maximum_length_cuts_the_answer() -> None:
    answer = speech(["I would first listen to the whole complaint, then repeat it back to show I understood."])
    live, _ = live_for(answer)
    cap = capture_answer(ArraySource(answer.samples, realtime=False), live, CaptureSettings(end_silence_s=1.0, max_answer_s=2.5))
    assert cap.reason == EndReason.MAX_LENGTH
    assert abs(cap.duration_s - 2.5) <= BLOCK_S


def test_no_speech_after_the_question() -> None:
    silence = np.zeros(10 * SAMPLE_RATE, dtype=np.float32)
    live, _ = live_for()
    cap = capture_answer(ArraySource(silence, realtime=False), live, CaptureSettings(no_answer_s=4.0))
    assert cap.reason == EndReason.NO_ANSWER
    assert abs(cap.duration_s - 4.0) <= BLOCK_S
    late = speech(["Sorry, I was thinking."], lead_in_s=3.0, tail_s=6.0)  # speech before the limit: no offer
    live, _ = live_for(late)
    cap = capture_answer(ArraySource(late.samples, realtime=False), live, CaptureSettings(no_answer_s=4.0, end_silence_s=3.0))
    assert cap.reason == EndReason.SILENCE


def test_recording_that_ends_ends_the_answer() -> None:
    answer = speech(["That is all I wanted to say."])
    live, _ = live_for(answer)
    cap = capture_answer(ArraySource(answer.samples, realtime=False), live)
    assert cap.reason == EndReason.SOURCE_ENDED
    assert cap.duration_s == pytest.approx(answer.duration_s, abs=1e-6)


def test_enter_ends_the_answer_at_once() -> None:
    answer = speech(["I stayed on the line until the refund showed up on the screen."], tail_s=3.0)
    enter = threading.Event()
    live, _ = live_for(answer)
    source = ScriptedSource(answer.samples, 1.5, enter)
    cap = capture_answer(source, live, enter=enter)
    assert cap.reason == EndReason.ENTER
    assert abs(cap.duration_s - 1.6) <= BLOCK_S + 1e-9  # the block during which Enter came is kept
    assert source.closed


def test_ctrl_c_from_the_source_keeps_what_was_captured() -> None:
    answer = speech(["Last spring a customer called about a missing parcel.", Filler("um"), "I checked the tracking."])
    live, _ = live_for(answer)
    cap = capture_answer(ScriptedSource(answer.samples, 2.0, KeyboardInterrupt()), live)
    assert cap.reason == EndReason.INTERRUPTED
    assert cap.duration_s == pytest.approx(2.0, abs=1e-6)
    analysis = live.finish()
    assert analysis.duration_s == pytest.approx(2.0, abs=1e-6)
    assert analysis.speech and analysis.speech[0].start == pytest.approx(answer.first_speech_s, abs=0.1)


def test_real_ctrl_c_signal_is_a_clean_stop() -> None:
    answer = speech(["I would listen first, then explain what I can do today."], tail_s=20.0)
    live, _ = live_for(answer)
    source = ArraySource(answer.samples, realtime=True)
    timer = threading.Timer(0.8, lambda: os.kill(os.getpid(), signal.SIGINT))
    with StopRequest() as stop:
        stop.source = source
        timer.start()
        cap = capture_answer(source, live, stop=stop.event)
    timer.join()
    assert cap.reason == EndReason.INTERRUPTED
    assert 0.5 < cap.duration_s < 2.0
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_microphone_that_disappears() -> None:
    answer = speech(["We had a queue of thirty callers that morning."])
    live, _ = live_for(answer)
    gone = DeviceError("the microphone stopped sending audio; the answer so far was kept")
    cap = capture_answer(ScriptedSource(answer.samples, 1.0, gone), live)
    assert cap.reason == EndReason.DEVICE_LOST
    assert "stopped sending audio" in (cap.error or "")
    assert cap.duration_s == pytest.approx(1.0, abs=1e-6)


def test_reply_asking_for_a_repeat_ends_early() -> None:
    reply = speech(["Sorry, could you repeat that, please?"], tail_s=6.0)
    live, fake = live_for(reply)
    cap = capture_answer(ArraySource(reply.samples, realtime=False), live, CaptureSettings(end_silence_s=5.0), reply=True)
    assert cap.reason == EndReason.REPEAT_REQUEST
    assert cap.duration_s < reply.last_speech_s + 2.5
    assert fake.calls >= 1


# ---------------------------------------------------------------- where answers come from
def test_file_inputs_order_followups_and_continuation(tmp_path: Path) -> None:
    first = speech(["First answer."], lead_in_s=0.3)
    write_wav(tmp_path / "01.wav", first)
    write_wav(tmp_path / "01-followup.wav", speech(["The follow up."]))
    write_wav(tmp_path / "02.wav", speech(["Second answer."]))
    (tmp_path / "notes.txt").write_text("not audio")
    inputs = FileInputs(tmp_path, realtime=False)
    assert [p.name for p in inputs.answers] == ["01.wav", "02.wav"]
    src = inputs.open("a", "answer")
    blocks = src.blocks()
    head = [next(blocks) for _ in range(3)]
    src.close()
    rest = np.concatenate(list(inputs.open("a", "reply").blocks()))  # after a repeat offer the same file goes on
    joined = np.concatenate(head + [rest])
    assert len(joined) == pytest.approx(len(first.samples), abs=2)
    assert inputs.open("a", "followup") is not None
    assert inputs.open("b", "answer") is not None
    assert inputs.open("b", "followup") is None
    assert inputs.open("c", "answer") is None
    (tmp_path / "empty").mkdir()
    with pytest.raises(VoiceCoachError, match="no audio files"):
        FileInputs(tmp_path / "empty")
    with pytest.raises(VoiceCoachError, match="not a folder"):
        FileInputs(tmp_path / "01.wav")


def test_file_inputs_check_every_file_before_the_first_question(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A non-audio file named 02.wav used to pass the up-front check and stop the session at question 2."""
    from voice_coach.cli import main

    write_wav(tmp_path / "01.wav", speech(["First answer."]))
    (tmp_path / "02.wav").write_text("these are my notes, not a recording\n" * 20)
    with pytest.raises(AudioInputError, match=r"02\.wav: not a readable audio file"):
        FileInputs(tmp_path)
    code = main(["practice", "--answers", str(tmp_path), "--quiet", "--home", str(tmp_path / "home"), "--count", "2"])
    out, err = capsys.readouterr()
    assert code == 2 and "Listening" not in out and "Interviewer" not in out
    (line,) = err.strip().splitlines()
    assert line.startswith("voice-coach: ") and "02.wav: not a readable audio file" in line
    (tmp_path / "02.wav").unlink()
    os.mkfifo(tmp_path / "03.wav")  # opening it would hang; it is not "empty (0 bytes)" either
    with pytest.raises(AudioInputError, match=r"03\.wav is a FIFO \(named pipe\), not an audio file"):
        FileInputs(tmp_path)
    (tmp_path / "03.wav").unlink()
    (tmp_path / "04.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt ")  # a header and nothing after it
    with pytest.raises(AudioInputError, match=r"04\.wav"):
        FileInputs(tmp_path)


def test_clip_inputs_by_question_and_purpose() -> None:
    clip = np.zeros(1600, dtype=np.float32)
    inputs = ClipInputs({("q1", "answer"): clip, "followup": [clip, clip]}, realtime=False)
    assert inputs.open("q1", "answer") is not None
    assert inputs.open("q2", "answer") is None
    assert inputs.open("q2", "followup") is not None
    assert inputs.opened == [("q1", "answer"), ("q2", "followup")]
