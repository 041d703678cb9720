"""The mock phone interview: greeting, questions, listening, feedback, follow-ups, summary, saving.

The flow of one question: the interviewer asks it; a fresh input opens once the voice has stopped;
the answer streams into a LiveAnalyzer until it is judged over; the analysis is finished and the
feedback is synthesized and started at once (the candidate is waiting for that sound); while it
plays, the answer is saved and the full report printed. A behavioral answer that lacks a STAR part
gets that part's probe, once. Silence after the question gets one offer to repeat it.

The loop runs on the caller's (main) thread and starts no thread itself; the threads it causes (all
listed in live/background.py): "model-loader" (ModelLoader, while the greeting is spoken),
"interviewer-voice" (Voice, each utterance), "transcriber" (each answer's LiveAnalyzer), "enter-key"
(EnterKey), and rich's refresh thread for the live view.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from voice_coach.analysis.answer import AnswerAnalysis, CaptureNote
from voice_coach.analysis.feedback import (
    AnswerRecap,
    Feedback,
    SessionRecap,
    answer_feedback,
    count_words,
    followup_feedback,
    summarize_session,
)
from voice_coach.live.background import BackgroundCall
from voice_coach.live.capture import (
    AnswerInputs,
    Capture,
    EndReason,
    EnterKey,
    StopRequest,
    capture_answer,
    is_repeat_request,
)
from voice_coach.interview.bank import Question
from voice_coach.interview.settings import InterviewSettings
from voice_coach.interview.voice import Voice
from voice_coach.core.errors import DeviceError
from voice_coach.core.interfaces import Speaker, Transcriber
from voice_coach.core.settings import AnalysisSettings
from voice_coach.core.timed import SAMPLE_RATE


class StopReason(str, Enum):
    """Why a session stopped before its last question (a session that ran to the end has None)."""

    INTERRUPTED = "interrupted"
    """Ctrl-C."""
    DEVICE = "device"
    """A microphone or speaker failed."""

    def __str__(self) -> str:
        return self.value


# ---------------------------------------------------------------- the model
class ModelLoader:
    """Loads the Whisper model once, on a "model-loader" thread (live/background.py), while the greeting is spoken."""

    def __init__(self, load: Callable[[], Transcriber]) -> None:
        self._call = BackgroundCall("model-loader", load)

    def get(self) -> Transcriber:
        """The model once it is loaded; a load failure is raised here, on the session's thread."""
        return self._call.result()


# ---------------------------------------------------------------- results
@dataclass(frozen=True)
class Turn:
    """One analysed answer (or follow-up answer), as saved."""

    question: Question
    is_followup: bool
    analysis: AnswerAnalysis
    feedback: Feedback
    capture: Capture
    time_to_feedback_s: float | None
    number: int | None
    """Its number in the stored session (None when nothing is stored)."""
    parent: int | None = None
    probe: str | None = None


@dataclass(frozen=True)
class SessionOutcome:
    turns: tuple[Turn, ...]
    asked: int
    complete: bool
    stopped: StopReason | None
    """None when the session ran to its end."""
    session_id: str | None
    recap: SessionRecap


class Interview:
    """One practice session over `questions`; `run()` once."""

    def __init__(self, questions: Sequence[Question], inputs: AnswerInputs, speaker: Speaker,
                 transcriber: Transcriber | ModelLoader, *, console: Any, settings: InterviewSettings | None = None,
                 store: Any = None, enter: EnterKey | None = None) -> None:
        self.questions, self.inputs, self.console, self.store = list(questions), inputs, console, store
        self.settings = settings or InterviewSettings()
        self.enter = enter
        self.show_live = console.is_terminal if self.settings.show_live is None else self.settings.show_live
        self.rng = random.Random(self.settings.seed)
        self.stop = StopRequest()
        self.voice = Voice(speaker, console, self.settings.echo, self.stop.event)
        self._loader = transcriber if isinstance(transcriber, ModelLoader) else None
        self.transcriber: Transcriber | None = None if self._loader else transcriber  # type: ignore[assignment]
        self.turns: list[Turn] = []
        self.session_id: str | None = None
        self.stopped: StopReason | None = None
        self.asked = 0

    # ---- the whole session -----------------------------------------------------------------
    def run(self) -> SessionOutcome:
        device_error: DeviceError | None = None
        n = len(self.questions)
        with self.stop, (self.enter or nullcontext()):
            try:
                count = count_words(n, "question")
                self.voice.say(self.settings.lines.say("greeting", role=self.settings.role, count=count))
                if self._loader is not None:
                    self.transcriber = self._loader.get()
                for i, q in enumerate(self.questions):
                    if self._stopping():
                        break
                    key = "first_question" if i == 0 else "last_question" if i == n - 1 else "next_question"
                    self.asked += 1
                    self._question(q, self._line(key, question=q.text), f"Question {i + 1} of {n}")
            except KeyboardInterrupt:
                self.stopped = StopReason.INTERRUPTED
            except DeviceError as exc:
                self.stopped, device_error = StopReason.DEVICE, exc
            recap = self._close()
        if device_error is not None:
            raise device_error
        return SessionOutcome(tuple(self.turns), self.asked, self.stopped is None and self.asked == n,
                              self.stopped, self.session_id, recap)

    def _line(self, key: str, **values: str) -> str:
        """One of the interviewer's lines; a key with alternatives gives one chosen by the session's seeded rng."""
        return self.settings.lines.say(key, self.rng, **values)

    def _stopping(self) -> bool:
        if self.stop.event.is_set() and self.stopped is None:
            self.stopped = StopReason.INTERRUPTED
        return self.stopped is not None

    def _close(self) -> SessionRecap:
        from rich.panel import Panel

        recap = summarize_session([AnswerRecap(t.analysis, t.question.star and not t.is_followup, t.is_followup,
                                               t.feedback) for t in self.turns])
        title = "Session summary" + ("" if self.stopped is None else " (stopped early)")
        self.console.print(Panel("\n".join(recap.lines), title=title, title_align="left"))
        if self.stopped is None:
            try:
                self.voice.say(recap.spoken + " " + self._line("closing"))
            except (DeviceError, KeyboardInterrupt):
                pass
        if self.store is not None and self.session_id is not None:
            self.store.finish_session(self.session_id, complete=self.stopped is None and self.asked == len(self.questions))
        return recap

    # ---- one question ----------------------------------------------------------------------
    def _question(self, q: Question, spoken: str, title: str) -> None:
        self.voice.say(spoken)
        if self._stopping():
            return
        cap, live = self._listen(q, "answer", title)
        if cap is None:
            self.console.print("[dim](no recorded answer for this question)[/]")
            return
        replied = False
        if cap.reason is EndReason.NO_ANSWER:
            live.finish()  # nothing was said: that silence is not the answer (finish stops its worker)
            live = None
            self.voice.say(self._line("repeat_offer"))
            cap, live = self._listen(q, "reply", title, reply=True)
            if cap is None:
                return
            replied = True
        analysis, finish_s = self._finish(live, cap)
        live = None
        if replied and (cap.reason is EndReason.REPEAT_REQUEST or (
                cap.reason not in (EndReason.NO_ANSWER, EndReason.INTERRUPTED, EndReason.DEVICE_LOST)
                and is_repeat_request([w.text for w in analysis.words]))):
            analysis = None
            self.voice.say(self._line("repeat_question", question=q.text))
            cap, live = self._listen(q, "repeat", title)
            if cap is None:
                return
            analysis, finish_s = self._finish(live, cap)
            live = None
        turn = self._respond(q, analysis, cap, finish_s, title)
        analysis = None
        component = turn.feedback.missing_star
        if not q.star or component is None or self._stopping() or cap.reason in (EndReason.INTERRUPTED, EndReason.DEVICE_LOST):
            return
        probe = q.probe(component)
        if not probe:
            return
        self.voice.say(self._line("followup", probe=probe))
        if self._stopping():
            return
        cap, live = self._listen(q, "followup", f"{title}, follow-up", followup=True)
        if cap is None:
            self.console.print("[dim](no recorded answer to the follow-up; moving on)[/]")
            return
        analysis, finish_s = self._finish(live, cap)
        live = None
        self._respond(q, analysis, cap, finish_s, f"{title}, follow-up", parent=turn.number, probe=(component, probe))

    def settings_for(self, q: Question, followup: bool) -> AnalysisSettings:
        if followup:
            return replace(self.settings.analysis, expect_star=False, length_band_s=self.settings.targets.followup_length_s)
        band = self.settings.targets.length_for(q.kind, (q.target_s[0], q.target_s[1]))
        return replace(self.settings.analysis, expect_star=q.star, length_band_s=band)

    def _listen(self, q: Question, purpose: str, title: str, reply: bool = False,
                followup: bool = False) -> tuple[Capture | None, Any]:
        from rich.live import Live

        from voice_coach.live.analyzer import LiveAnalyzer
        from voice_coach.views.live_view import (
            REFRESH_PER_SECOND,
            LiveViewSettings,
            render_live,
        )

        source = self.inputs.open(q.id, purpose)
        if source is None:
            return None, None
        settings = self.settings_for(q, followup)
        assert self.transcriber is not None
        self.stop.source = source
        try:
            opener = getattr(source, "start", None)
            if callable(opener):
                opener()  # the microphone is open before "Listening" shows
            live = LiveAnalyzer(self.transcriber, settings, background=True,
                                model_name=getattr(self.transcriber, "name", ""))
            enter = self.enter.arm() if self.enter is not None else None
            self.console.print(f"[bold]Listening[/] ({title}): answer now"
                               + ("; press Enter when you are done" if self.enter and self.enter.enabled else ""),
                               highlight=False)
            view = LiveViewSettings(title=title, pace_band_wpm=settings.pace_band_wpm, dead_air_s=settings.dead_air_s,
                                    end_silence_s=self.settings.capture.end_silence_s,
                                    max_answer_s=self.settings.capture.max_answer_s,
                                    enter_ends=bool(self.enter and self.enter.enabled))
            live_view = (Live(get_renderable=lambda: render_live(live.stats(), view), console=self.console,
                              refresh_per_second=REFRESH_PER_SECOND, transient=True)
                         if self.show_live else nullcontext())
            with live_view:
                cap = capture_answer(source, live, self.settings.capture, enter=enter, stop=self.stop.event, reply=reply)
        finally:
            self.stop.source = None
        if cap.reason is EndReason.INTERRUPTED:
            self.stopped = StopReason.INTERRUPTED
        self.console.print(f"[dim]Answer over: {cap.reason.described} ({cap.duration_s:.1f} s recorded)[/]",
                           highlight=False)
        return cap, live

    def _finish(self, live: Any, cap: Capture) -> tuple[Any, float]:
        from voice_coach.views.live_view import Finishing

        with Finishing(live, self.console):  # "Analysing the last 12 s of your answer, about 3 s left ..."
            analysis = live.finish(source="microphone")
        return analysis, time.monotonic() - cap.ended_at

    def _respond(self, q: Question, analysis: Any, cap: Capture, finish_s: float, title: str,
                 parent: int | None = None, probe: tuple[str, str] | None = None) -> Turn:
        """Feedback first (someone is waiting for it), then saving and the report while it plays."""
        from voice_coach.views.answer_report import render_report

        samples = analysis.samples
        if probe is not None:
            fb = followup_feedback(analysis, probe[0])
        else:
            fb = answer_feedback(analysis, star_expected=q.star)
        spoken = fb.text + (" " + self._line("move_on") if analysis.no_speech and probe is None else "")
        ttf = None
        if cap.reason not in (EndReason.INTERRUPTED, EndReason.DEVICE_LOST) and not self.stop.event.is_set():
            ttf = round(self.voice.start(spoken) - cap.ended_at, 3)
        data = replace(analysis, samples=None, time_to_feedback_s=ttf,
                       capture=CaptureNote(cap.reason.value, cap.duration_s, finish_s, cap.error))
        analysis = None
        number = self._save(q, data, samples, fb.text, parent, probe)
        samples = None
        self.console.print(render_report(data, title=f"{title}: {q.id}" if q.id else title))
        turn = Turn(q, probe is not None, data, fb, cap, ttf, number, parent, probe[1] if probe else None)
        self.turns.append(turn)
        if ttf is not None:
            self.voice.wait()
        if cap.reason is EndReason.DEVICE_LOST:
            raise DeviceError(cap.error or "the microphone went away; the answer so far was kept")
        return turn

    def _save(self, q: Question, data: AnswerAnalysis, samples: Any, feedback: str, parent: int | None,
              probe: tuple[str, str] | None) -> int | None:
        if self.store is None:
            return None
        if self.session_id is None:
            model = getattr(self.transcriber, "name", "") or ""
            self.session_id = self.store.start_session(kind=self.settings.kind, bank=self.settings.bank_label, model=model,
                                                       settings=dict(self.settings.session_settings))
        question = {"id": q.id, "category": q.category, "kind": q.kind, "text": q.text,
                    "star": bool(q.star and probe is None), "target_s": list(q.target_s)}
        if probe is not None:
            question.update(text=probe[1], probe=probe[0], parent_question=q.text)
        return self.store.save_answer(self.session_id, question=question, audio=samples, sample_rate=SAMPLE_RATE,
                                      analysis=data, feedback=feedback, is_followup=probe is not None,
                                      parent_answer=parent)
