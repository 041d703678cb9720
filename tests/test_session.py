"""The interview loop on synthesized answers: saving, follow-up probes, the repeat offer, Ctrl-C, a lost microphone.

Answers come from ClipInputs (a fake microphone over synthesized audio), the interviewer is a
RecordingSpeaker, the store is a real one in a temporary folder. Most tests use a fake transcriber
(the script's own words); the slow test at the end runs the embedded tiny.en model.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rich.console import Console
from test_answer_capture import ScriptTranscriber, speech

from voice_coach.live.capture import CaptureSettings
from voice_coach.audio.file_source import ArraySource
from voice_coach.testing.fakes import ClipInputs, RecordingSpeaker
from voice_coach.interview.bank_loader import load_bank
from voice_coach.core.errors import DeviceError, VoiceCoachError
from voice_coach.interview.lines import load_lines
from voice_coach.interview.session import Interview, ModelLoader
from voice_coach.interview.settings import InterviewSettings
from voice_coach.store import Store
from voice_coach.core.timed import SAMPLE_RATE

BANK = load_bank()
GENERAL = BANK.get("why-customer-service")
STORY = BANK.get("hardest-customer")
LINES = load_lines()
STORY_WITHOUT_RESULT = [
    "Last year I worked on the help desk of a large electronics shop.",
    "A customer called, furious because his new laptop had broken after one week.",
    "My job was to sort out a replacement before his business trip.",
    "First I listened to the whole story and apologised.",
    "Then I checked the stock in three branches, reserved a laptop for him and booked a courier to his office.",
]
RESULT = ["In the end he had the new laptop the next morning, and he wrote us a five star review."]
GENERAL_ANSWER = ["I like solving problems for people.", "In my last job I answered about forty calls a day,",
                  "and a calm voice fixed most of them."]
SILENT = np.zeros(5 * SAMPLE_RATE, dtype=np.float32)


def clip(fake: ScriptTranscriber, script: list | None, **kw: Any):
    """A clip for ClipInputs that tells the fake transcriber which script it is hearing when it opens."""
    answer = speech(script, **kw) if script else None

    def open_source() -> ArraySource:
        fake.answer = answer
        return ArraySource(answer.samples if answer else SILENT, realtime=False)

    return open_source


def make(tmp_path: Path, questions: list, clips: dict, fake: ScriptTranscriber, speaker: Any = None,
         **kw: Any) -> tuple[Interview, Store, Any, io.StringIO]:
    out = io.StringIO()
    store = Store.open(tmp_path / "home")
    settings = InterviewSettings(capture=CaptureSettings(end_silence_s=4.0, no_answer_s=3.0), lines=LINES,
                                 show_live=False, **kw)
    interview = Interview(questions, ClipInputs(clips, realtime=False), speaker or RecordingSpeaker(), fake,
                          console=Console(file=out, width=100, color_system=None), settings=settings, store=store)
    return interview, store, interview.voice.speaker, out


def test_session_saves_answers_and_asks_the_missing_part_once(tmp_path: Path) -> None:
    fake = ScriptTranscriber()
    clips = {(GENERAL.id, "answer"): clip(fake, GENERAL_ANSWER), (STORY.id, "answer"): clip(fake, STORY_WITHOUT_RESULT),
             (STORY.id, "followup"): clip(fake, RESULT)}
    interview, store, speaker, out = make(tmp_path, [GENERAL, STORY], clips, fake)
    outcome = interview.run()

    probe = STORY.probe("result")
    assert sum(probe in line for line in speaker.said) == 1
    assert outcome.complete and outcome.stopped is None and outcome.asked == 2
    answers = store.answers(outcome.session_id)
    assert [(a.number, a.is_followup, a.parent_number) for a in answers] == [(1, False, None), (2, False, None), (3, True, 2)]
    assert answers[2].question["text"] == probe and answers[2].question["probe"] == "result"
    assert answers[1].analysis.to_dict()["star"]["present"]["result"] is False
    assert answers[2].analysis.to_dict()["star"]["present"]["result"] is True
    assert "five star review" in answers[2].analysis.to_dict()["transcript"]
    for a, turn in zip(answers, outcome.turns):
        assert a.feedback == turn.feedback.text and a.feedback in " ".join(speaker.said)
        ttf = a.analysis.to_dict()["time_to_feedback_s"]
        assert ttf is not None and ttf >= a.analysis.to_dict()["capture"]["analysis_s"] >= 0
        assert a.analysis.to_dict()["capture"]["end_reason"] == "source_ended"
        audio, rate = store.read_audio(a)
        assert rate == SAMPLE_RATE and abs(len(audio) - a.analysis.to_dict()["duration_s"] * SAMPLE_RATE) <= 16
    assert "I didn't hear the result" in answers[1].feedback
    assert store.summary(outcome.session_id).complete is True
    assert "That's all my questions" in speaker.said[-1]
    text = out.getvalue()
    assert "Session summary" in text and "Complete STAR stories: 0 of 1" in text
    assert text.count("measure") == 3  # the full report after each of the three answers


def test_followup_that_still_lacks_the_part_is_not_asked_again(tmp_path: Path) -> None:
    fake = ScriptTranscriber()
    clips = {(STORY.id, "answer"): clip(fake, STORY_WITHOUT_RESULT),
             (STORY.id, "followup"): clip(fake, ["I think it was a good conversation overall."])}
    interview, store, speaker, _ = make(tmp_path, [STORY], clips, fake)
    outcome = interview.run()
    assert sum(STORY.probe("result") in line for line in speaker.said) == 1
    assert len(store.answers(outcome.session_id)) == 2
    assert "still didn't quite hear the result" in outcome.turns[1].feedback.text


def test_silence_gets_one_offer_to_repeat_the_question(tmp_path: Path) -> None:
    fake = ScriptTranscriber()
    clips = {(GENERAL.id, "answer"): clip(fake, None),
             (GENERAL.id, "reply"): clip(fake, ["Sorry, could you repeat that, please?"]),
             (GENERAL.id, "repeat"): clip(fake, GENERAL_ANSWER)}
    interview, store, speaker, _ = make(tmp_path, [GENERAL], clips, fake)
    outcome = interview.run()
    said = " ".join(speaker.said)
    assert LINES.say("repeat_offer") in said
    assert said.count(GENERAL.text) == 2  # asked, then repeated once
    answers = store.answers(outcome.session_id)
    assert len(answers) == 1 and not answers[0].analysis.to_dict()["no_speech"]
    assert "forty calls" in answers[0].analysis.to_dict()["transcript"]


def test_reply_after_the_offer_can_be_the_answer(tmp_path: Path) -> None:
    fake = ScriptTranscriber()
    clips = {(GENERAL.id, "answer"): clip(fake, None), (GENERAL.id, "reply"): clip(fake, GENERAL_ANSWER)}
    interview, store, speaker, _ = make(tmp_path, [GENERAL], clips, fake)
    outcome = interview.run()
    assert " ".join(speaker.said).count(GENERAL.text) == 1
    assert [a.analysis.to_dict()["no_speech"] for a in store.answers(outcome.session_id)] == [False]


def test_silence_after_the_offer_moves_on_and_keeps_a_silent_answer(tmp_path: Path) -> None:
    fake = ScriptTranscriber()
    clips = {(GENERAL.id, "answer"): clip(fake, None), (GENERAL.id, "reply"): clip(fake, None),
             (STORY.id, "answer"): clip(fake, STORY_WITHOUT_RESULT + RESULT)}
    interview, store, speaker, _ = make(tmp_path, [GENERAL, STORY], clips, fake)
    outcome = interview.run()
    said = " ".join(speaker.said)
    assert said.count(LINES.say("repeat_offer")) == 1 and LINES.say("move_on") in said
    answers = store.answers(outcome.session_id)
    assert [a.analysis.to_dict()["no_speech"] for a in answers] == [True, False]
    assert answers[0].analysis.to_dict()["capture"]["end_reason"] == "no_answer"
    assert outcome.complete


class Interrupting:
    """A fake microphone that delivers `after_s` of the clip and then raises `error` (Ctrl-C, a vanished device)."""

    def __init__(self, samples: np.ndarray, after_s: float, error: BaseException) -> None:
        self.samples, self.after, self.error = samples, int(after_s * SAMPLE_RATE), error

    def start(self) -> None:
        pass

    def blocks(self) -> Iterator[np.ndarray]:
        for i in range(0, self.after, 1600):
            yield self.samples[i:i + 1600]
        raise self.error

    def close(self) -> None:
        pass


def test_ctrl_c_during_an_answer_keeps_it_and_ends_the_session(tmp_path: Path) -> None:
    fake = ScriptTranscriber()
    story = speech(STORY_WITHOUT_RESULT)

    def interrupted() -> Interrupting:
        fake.answer = story
        return Interrupting(story.samples, 6.0, KeyboardInterrupt())

    clips = {(STORY.id, "answer"): interrupted, (GENERAL.id, "answer"): clip(fake, GENERAL_ANSWER)}
    interview, store, speaker, out = make(tmp_path, [STORY, GENERAL], clips, fake)
    outcome = interview.run()
    assert outcome.stopped == "interrupted" and not outcome.complete and outcome.asked == 1
    assert GENERAL.text not in " ".join(speaker.said)
    assert STORY.probe("result") not in " ".join(speaker.said)
    answers = store.answers(outcome.session_id)
    assert len(answers) == 1
    assert answers[0].analysis.to_dict()["duration_s"] == pytest.approx(6.0, abs=0.01)
    assert answers[0].analysis.to_dict()["capture"]["end_reason"] == "interrupted"
    assert answers[0].analysis.to_dict()["time_to_feedback_s"] is None  # nothing spoken after Ctrl-C
    assert "Last year I worked" in answers[0].analysis.to_dict()["transcript"]
    assert store.summary(outcome.session_id).complete is False
    assert "stopped early" in out.getvalue()


def test_microphone_lost_mid_answer_saves_and_reports_one_line(tmp_path: Path) -> None:
    fake = ScriptTranscriber()
    answer = speech(GENERAL_ANSWER)

    def lost() -> Interrupting:
        fake.answer = answer
        return Interrupting(answer.samples, 3.0, DeviceError("the microphone stopped sending audio; the answer so far was kept"))

    interview, store, _, _ = make(tmp_path, [GENERAL, STORY], {(GENERAL.id, "answer"): lost}, fake)
    with pytest.raises(DeviceError, match="stopped sending audio"):
        interview.run()
    answers = store.answers(interview.session_id)
    assert len(answers) == 1 and answers[0].analysis.to_dict()["duration_s"] == pytest.approx(3.0, abs=0.01)
    assert store.summary(interview.session_id).complete is False


class SynthSpeaker(RecordingSpeaker):
    """Renders like Pyttsx3Speaker (real synthesis) and 'plays' for the audio's duration without a device."""

    def __init__(self) -> None:
        super().__init__()
        self.played_at: list[float] = []

    def render(self, text: str) -> tuple[np.ndarray, int]:
        from voice_coach.testing.synth import speak

        self.said.append(text)
        return speak(text, rate_wpm=400), SAMPLE_RATE

    def play(self, samples: np.ndarray, rate: int) -> None:
        self.played_at.append(time.monotonic())
        time.sleep(min(0.3, len(samples) / rate))


def test_feedback_starts_before_saving_and_its_delay_is_recorded(tmp_path: Path) -> None:
    fake = ScriptTranscriber()
    clips = {(GENERAL.id, "answer"): clip(fake, GENERAL_ANSWER)}
    interview, store, speaker, _ = make(tmp_path, [GENERAL], clips, fake, speaker=SynthSpeaker())
    outcome = interview.run()
    turn = outcome.turns[0]
    answer = store.answers(outcome.session_id)[0]
    assert answer.analysis.to_dict()["time_to_feedback_s"] == turn.time_to_feedback_s
    feedback_play = speaker.played_at[2]  # greeting, question, then the feedback
    assert feedback_play - turn.capture.ended_at == pytest.approx(turn.time_to_feedback_s, abs=0.01)
    assert answer.created_ts >= feedback_play - time.monotonic() + time.time() - 0.05  # saved after the sound began


def test_model_loader_reports_a_load_failure_on_the_main_thread() -> None:
    def broken() -> Any:
        raise VoiceCoachError("cannot load Whisper model x: missing")

    loader = ModelLoader(broken)
    with pytest.raises(VoiceCoachError, match="cannot load Whisper model"):
        loader.get()


def test_background_call_gives_its_value_or_its_error_to_the_caller() -> None:
    import threading

    from voice_coach.live.background import BackgroundCall

    names: list[str] = []
    call = BackgroundCall("model-loader", lambda x: names.append(threading.current_thread().name) or x + 1, 1)
    assert call.result() == 2 and call.wait(0) and names == ["model-loader"]
    failing = BackgroundCall("interviewer-voice", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        failing.result()


def test_interviewer_lines_are_checked(tmp_path: Path) -> None:
    lines = load_lines()
    assert "{" not in lines.say("greeting", role="support", count="two questions")
    assert "two questions" in lines.say("greeting", role="support", count="two questions")
    bad = tmp_path / "lines.toml"
    text = (Path(__file__).parents[1] / "prompts" / "interviewer.toml").read_text()
    bad.write_text(text.replace("{probe}", "{probes}"))
    with pytest.raises(VoiceCoachError, match=r"'followup' uses an unknown placeholder 'probes'"):
        load_lines(bad)
    bad.write_text(text.replace('move_on = "', 'move_off = "'))
    with pytest.raises(VoiceCoachError, match="'move_on' must be"):
        load_lines(bad)


@pytest.mark.slow
def test_real_model_session_with_followup(tmp_path: Path) -> None:
    from voice_coach.live.replay import load_transcriber

    story, result = speech(STORY_WITHOUT_RESULT, seed=3), speech(RESULT, seed=4)
    clips = {(STORY.id, "answer"): story.samples, (STORY.id, "followup"): result.samples}
    out = io.StringIO()
    with Store.open(tmp_path / "home") as store:
        interview = Interview([STORY], ClipInputs(clips, realtime=False), RecordingSpeaker(), ModelLoader(load_transcriber),
                              console=Console(file=out, width=100, color_system=None),
                              settings=InterviewSettings(lines=LINES, show_live=False), store=store)
        outcome = interview.run()
        answers = store.answers(outcome.session_id)
    assert len(answers) == 2 and answers[1].is_followup and answers[1].parent_number == 1
    main, follow = answers[0].analysis.to_dict(), answers[1].analysis.to_dict()  # the stored record as its JSON
    assert main["model"].startswith("tiny.en")
    words = main["transcript"].lower()
    assert all(w in words for w in ("help desk", "laptop", "replacement", "three branches")), words
    assert main["star"]["present"]["result"] is False and follow["star"]["present"]["result"] is True
    assert "next morning" in follow["transcript"].lower()
    assert abs(main["pace"]["wpm"] - story.wpm) / story.wpm < 0.10


# ---------------------------------------------------------------- the live view
def _render(stats: Any, **kw: Any) -> str:
    from voice_coach.views.live_view import LiveViewSettings, render_live

    console = Console(width=80, color_system=None, file=io.StringIO())
    console.print(render_live(stats, LiveViewSettings(**kw)))
    return console.file.getvalue()


def test_live_view_shows_the_running_figures() -> None:
    from voice_coach.live.analyzer import LiveStats
    from voice_coach.core.timed import Word

    words = tuple(Word(w, i * 0.4, i * 0.4 + 0.3) for i, w in enumerate(["so", "I", "called", "the", "customer", "back"]))
    text = _render(LiveStats(elapsed_s=83.4, speaking=True, speech_started=True, silence_s=0.0, words=words,
                             wpm=171.6, filler_count=2, pending_s=2.3), title="Question 2 of 5")
    assert "Question 2 of 5" in text and "01:23" in text and "speaking" in text
    assert "pace 172 wpm" in text and "fillers 2" in text and "so I called the customer back" in text
    assert "[2 s being transcribed]" in text and "ends 1 s after a finished answer, after 6 s of silence or at 03:00" in text
    quiet = _render(LiveStats(elapsed_s=40.0, speaking=False, speech_started=True, silence_s=3.6, words=words,
                              wpm=None, filler_count=0, pending_s=0.0), dead_air_s=3.0, enter_ends=False)
    assert "dead air  3.6 s" in quiet and "pace   -" in quiet and "Enter" not in quiet
    waiting = _render(LiveStats(elapsed_s=2.0, speaking=False, speech_started=False, silence_s=2.0, words=(),
                                wpm=None, filler_count=0, pending_s=0.0))
    assert "waiting for you to start   2.0 s" in waiting and "words appear here" in waiting


def test_live_view_refreshes_at_least_twice_a_second() -> None:
    from rich.live import Live
    from rich.text import Text

    from voice_coach.views.live_view import REFRESH_PER_SECOND

    calls: list[float] = []

    def frame() -> Text:
        calls.append(time.monotonic())
        return Text("x")

    console = Console(file=io.StringIO(), force_terminal=True, width=40)
    with Live(get_renderable=frame, console=console, refresh_per_second=REFRESH_PER_SECOND, transient=True):
        time.sleep(2.0)
    assert len(calls) >= 2 * 2


# ---------------------------------------------------------------- trying a question again
class RetryOnFirstAnswer:
    """Keys as on a terminal where "r" then Enter is typed during the first answer only."""

    enabled = reading = True

    def __init__(self) -> None:
        import threading

        self.pressed, self.retry_asked, self.arms = threading.Event(), threading.Event(), 0

    def arm(self) -> Any:
        self.arms += 1
        self.pressed.clear()
        self.retry_asked.clear()
        if self.arms == 1:
            self.retry_asked.set()
        return self.pressed

    def discard(self) -> None:
        pass

    def next_line(self, stop: Any = None, timeout_s: Any = None) -> None:
        return None

    def __enter__(self) -> RetryOnFirstAnswer:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def test_r_during_the_answer_asks_the_question_again_and_compares(tmp_path: Path) -> None:
    fake = ScriptTranscriber()
    clips = {(STORY.id, "answer"): clip(fake, STORY_WITHOUT_RESULT), (STORY.id, "retry"): clip(fake, STORY_WITHOUT_RESULT + RESULT)}
    interview, store, speaker, out = make(tmp_path, [STORY], clips, fake)
    interview.enter = RetryOnFirstAnswer()
    outcome = interview.run()
    said = " ".join(speaker.said)
    assert STORY.probe("result") not in said  # a retry was asked for: no follow-up on the first try
    assert LINES.say("retry_question", question=STORY.text) in said
    answers = store.answers(outcome.session_id)
    assert [(a.number, a.is_followup, a.parent_number, a.question.get("attempt")) for a in answers] == [
        (1, False, None, None), (2, False, 1, 2)]
    assert answers[0].question["id"] == answers[1].question["id"] == STORY.id
    assert answers[1].feedback.startswith("Compared with your first try:") and "this time I heard the result" in answers[1].feedback
    assert answers[1].feedback in said
    assert [t.attempt for t in outcome.turns] == [1, 2] and outcome.complete and outcome.saved == 2
    text = out.getvalue()
    assert "Try 2 compared with try 1" in text and "STAR: S+ T+ A+ R- -> S+ T+ A+ R+" in text
    assert "│ Answers with speech: 1 of 1 question " in text  # one question, whatever its tries
    assert "Tried again: one question" in text and "Complete STAR stories: 1 of 1" in text  # the last try counts


class AnsweringConsole(io.StringIO):
    """The console's file: when the retry prompt is printed, the next reply is written to the keys' pipe."""

    def __init__(self, pipe_fd: int, replies: list[str]) -> None:
        super().__init__()
        self.pipe_fd, self.replies, self.prompts = pipe_fd, replies, 0

    def write(self, text: str) -> int:
        n = super().write(text)
        if "Try this question again?" in text:
            self.prompts += 1
            if self.replies:
                import os

                os.write(self.pipe_fd, (self.replies.pop(0) + "\n").encode())
        return n


def test_practice_retry_offers_every_question_again_at_a_prompt(tmp_path: Path) -> None:
    """`practice --retry`: a prompt after each question's feedback, read from a pipe (not a terminal)."""
    import os

    from voice_coach.interview.keys import SessionKeys

    fake = ScriptTranscriber()
    clips = {(GENERAL.id, "answer"): clip(fake, GENERAL_ANSWER), (GENERAL.id, "retry"): clip(fake, GENERAL_ANSWER[:2]),
             (STORY.id, "answer"): clip(fake, STORY_WITHOUT_RESULT + RESULT)}
    read_fd, write_fd = os.pipe()
    keys = SessionKeys(os.fdopen(read_fd, "r"), prompts=True)
    assert not keys.enabled and keys.reading  # a pipe: lines answer the prompt, never end an answer
    file = AnsweringConsole(write_fd, ["r", "", ""])
    store = Store.open(tmp_path / "home")
    settings = InterviewSettings(capture=CaptureSettings(end_silence_s=4.0, no_answer_s=3.0), lines=LINES,
                                 show_live=False, retry=True)
    interview = Interview([GENERAL, STORY], ClipInputs(clips, realtime=False), RecordingSpeaker(), fake,
                          console=Console(file=file, width=100, color_system=None), settings=settings, store=store,
                          enter=keys)
    with keys:
        outcome = interview.run()
    os.close(write_fd)
    assert file.prompts == 3  # after the first answer, after its retry, after the second question
    answers = store.answers(outcome.session_id)
    assert [(a.question["id"], a.question.get("attempt"), a.parent_number) for a in answers] == [
        (GENERAL.id, None, None), (GENERAL.id, 2, 1), (STORY.id, None, None)]
    assert answers[1].feedback.startswith("Compared with your first try")
    assert outcome.complete and outcome.asked == 2


# ---------------------------------------------------------------- what the interviewer says
def test_a_closing_question_is_not_also_called_the_last(tmp_path: Path) -> None:
    """"And my last question for you today. That covers what I wanted to ask. What questions do you have..."."""
    closing = BANK.get("questions-for-us")
    fake = ScriptTranscriber()
    clips = {(GENERAL.id, "answer"): clip(fake, GENERAL_ANSWER), (closing.id, "answer"): clip(fake, GENERAL_ANSWER)}
    interview, _, speaker, _ = make(tmp_path, [GENERAL, closing], clips, fake)
    interview.run()
    said = " ".join(speaker.said)
    assert LINES.say("closing_question", question=closing.text) in said
    assert "last question" not in said
    interview, _, speaker, _ = make(tmp_path / "two", [GENERAL, STORY], {(GENERAL.id, "answer"): clip(fake, GENERAL_ANSWER)},
                                    fake)
    interview.run()  # a last question that does not close the interview is still announced as the last
    assert LINES.say("last_question", question=STORY.text) in " ".join(speaker.said)


def test_store_notices_are_printed_before_the_first_question(tmp_path: Path) -> None:
    """The store keeps recordings it does not know aside and says so (store.notices); only import printed that."""
    orphan = tmp_path / "home" / "audio" / "2026-01-02-0930"
    orphan.mkdir(parents=True)
    (orphan / "001.flac").write_bytes(b"fLaC recorded before the database was emptied")
    fake = ScriptTranscriber()
    interview, store, _, out = make(tmp_path, [GENERAL], {(GENERAL.id, "answer"): clip(fake, GENERAL_ANSWER)}, fake)
    interview.run()
    text = out.getvalue()
    assert store.notices and all(f"Note: {line}" in " ".join(text.split()) for line in store.notices)
    assert text.index("Note: ") < text.index("Listening")
