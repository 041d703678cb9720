"""The mock phone interview: greeting, questions, listening, feedback, follow-ups, summary, saving.

The flow of one question: the interviewer asks it; a fresh input opens once the voice has stopped;
the answer streams into a LiveAnalyzer until it is judged over; the analysis is finished and the
feedback is synthesized and started at once (the candidate is waiting for that sound); while it
plays, the answer is saved and the full report printed. A behavioral answer that lacks a STAR part
gets that part's probe, once. Silence after the question gets one offer to repeat it. After the
feedback the candidate may try the question again ("r" then Enter, or `practice --retry`, which
asks every time); the new attempt's feedback starts with what changed (interview/retry.py).

Ctrl-C, SIGTERM and SIGHUP stop the session the same way (live/stop.py StopRequest): the answer
in progress is finished, analysed and saved, the session is marked stopped, and the command exits
with 128 + the signal's number. A second signal changes nothing: nothing is thrown into the save.

The loop runs on the caller's (main) thread and starts no thread itself; the threads it causes (all
listed in live/background.py): "model-loader" (ModelLoader, while the greeting is spoken),
"interviewer-voice" (Voice, each utterance), "transcriber" (each answer's LiveAnalyzer), "enter-key"
(EnterKey, or interview/keys.py SessionKeys), and rich's refresh thread for the live view. None of
them is left running in native code when the session returns (a stop waits for the model to load
and cuts off the interviewer's voice), so the process can exit cleanly.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import replace
from typing import Any

from voice_coach.analysis.answer import AnswerAnalysis, CaptureNote, prepare_content, with_content
from voice_coach.analysis.feedback import (
    AnswerRecap,
    SessionRecap,
    answer_feedback,
    count_words,
    followup_feedback,
    summarize_session,
)
from voice_coach.live.background import BackgroundCall
from voice_coach.live.capture import Capture, EndReason, capture_answer, is_repeat_request
from voice_coach.live.stop import EnterKey, StopRequest
from voice_coach.live.inputs import AnswerInputs
from voice_coach.interview.bank import Question
from voice_coach.interview.outcome import ModelLoader, SessionOutcome, StopReason, Turn
from voice_coach.interview.keys import is_retry, no_echo
from voice_coach.interview.retry import compare_attempts
from voice_coach.interview.settings import InterviewSettings
from voice_coach.interview.voice import Voice
from voice_coach.core.errors import DeviceError
from voice_coach.core.interfaces import Speaker, Transcriber
from voice_coach.core.settings import AnalysisSettings
from voice_coach.core.timed import SAMPLE_RATE


class Interview:
    """One practice session over `questions`; `run()` once."""

    def __init__(self, questions: Sequence[Question], inputs: AnswerInputs, speaker: Speaker,
                 transcriber: Transcriber | ModelLoader, *, console: Any, settings: InterviewSettings | None = None,
                 store: Any = None, enter: EnterKey | None = None, stop: StopRequest | None = None) -> None:
        self.questions, self.inputs, self.console, self.store = list(questions), inputs, console, store
        self.settings = settings or InterviewSettings()
        self.enter = enter
        """Enter ends an answer; a SessionKeys (interview/keys.py) also offers "r" then Enter to try again."""
        self.show_live = console.is_terminal if self.settings.show_live is None else self.settings.show_live
        self.rng = random.Random(self.settings.seed)
        self.stop = stop or StopRequest()
        """A command passes the StopRequest it entered first, so a signal before the interview is not lost."""
        self.voice = Voice(speaker, console, self.settings.echo, self.stop.event)
        self._loader = transcriber if isinstance(transcriber, ModelLoader) else None
        self.transcriber: Transcriber | None = None if self._loader else transcriber  # type: ignore[assignment]
        self.turns: list[Turn] = []
        self.session_id: str | None = None
        self.stopped: StopReason | None = None
        self.asked = 0
        self.saved = 0
        self._superseded: set[int] = set()
        """Indices in `turns` of attempts tried again (and their follow-ups): the summary counts the last try."""
        self._retry_wanted = False
        self._notices_shown = 0

    # ---- the whole session -----------------------------------------------------------------
    def run(self) -> SessionOutcome:
        device_error: DeviceError | None = None
        n = len(self.questions)
        keys = self.enter if self.enter is not None else no_echo(sys.stdin) if self.show_live else nullcontext()
        with self.stop, keys:  # no_echo: a typed ^C would push the live view down and leave its top border behind
            try:
                self._show_notices()
                count = count_words(n, "question")
                self.voice.say(self.settings.lines.say("greeting", role=self.settings.role, count=count))
                if self._loader is not None:
                    self.transcriber = self._loader.get()  # waited for even after a stop: see the module's docstring
                self._begin()
                for i, q in enumerate(self.questions):
                    if self._stopping():
                        break
                    self.asked += 1
                    self._question(q, self._line(self._lead_in(q, i, n), question=q.text), f"Question {i + 1} of {n}")
            except KeyboardInterrupt:  # only where no handler could be installed (not the main thread)
                self.stopped = StopReason.INTERRUPTED
            except DeviceError as exc:
                self.stopped, device_error = StopReason.DEVICE, exc
            self._stopping()
            recap = self._close()
        if device_error is not None:
            raise device_error
        return SessionOutcome(tuple(self.turns), self.asked, self.stopped is None and self.asked == n,
                              self.stopped, self.session_id, recap, self.saved,
                              self.stop.signum if self.stopped is StopReason.INTERRUPTED else None)

    @staticmethod
    def _lead_in(q: Question, i: int, n: int) -> str:
        """Which line introduces question i of n. A question of the "closing" category ("That covers what
        I wanted to ask. What questions do you have...") ends the interview by itself: called "my last
        question" as well, the interviewer would contradict itself."""
        if q.category == "closing":
            return "closing_question"
        return "first_question" if i == 0 else "last_question" if i == n - 1 else "next_question"

    def _line(self, key: str, **values: str) -> str:
        """One of the interviewer's lines; a key with alternatives gives one chosen by the session's seeded rng."""
        return self.settings.lines.say(key, self.rng, **values)

    def _stopping(self) -> bool:
        if self.stop.event.is_set() and self.stopped is None:
            self.stopped = StopReason.INTERRUPTED
        return self.stopped is not None

    def _close(self) -> SessionRecap:
        from rich.panel import Panel

        try:
            counted = [t for i, t in enumerate(self.turns) if i not in self._superseded]
            recap = summarize_session([AnswerRecap(t.analysis, t.question.star and not t.is_followup, t.is_followup,
                                                   t.feedback) for t in counted])
        finally:  # the store first: whatever happens to the printing, the session is marked
            if self.store is not None and self.session_id is not None:
                self.store.finish_session(self.session_id,
                                          complete=self.stopped is None and self.asked == len(self.questions))
        lines = list(recap.lines)
        retried = len({t.question.id for t in self.turns if t.attempt > 1})
        if retried:
            lines.append(f"Tried again: {count_words(retried, 'question')} (the summary counts the last try)")
        title = "Session summary" + ("" if self.stopped is None else " (stopped early)")
        self.console.print(Panel("\n".join(lines), title=title, title_align="left"))
        if self.stopped is None:
            try:
                self.voice.say(recap.spoken + " " + self._line("closing"))
            except (DeviceError, KeyboardInterrupt):
                pass
        return recap

    def _begin(self) -> None:
        """Open the session in the store before the first question, so what the store found on opening
        (recordings kept aside, store.notices) is said before anything is asked; a session that saves
        nothing is dropped again at the end."""
        if self.store is None or self.session_id is not None or self._stopping():
            return
        model = getattr(self.transcriber, "name", "") or ""
        self.session_id = self.store.start_session(kind=self.settings.kind, bank=self.settings.bank_label, model=model,
                                                   settings=dict(self.settings.session_settings))
        self._show_notices()

    def _show_notices(self) -> None:
        notices = list(getattr(self.store, "notices", None) or ())
        for line in notices[self._notices_shown:]:
            self.console.print(f"[yellow]Note: {line}[/]", highlight=False)
        self._notices_shown = len(notices)

    # ---- one question ----------------------------------------------------------------------
    def _question(self, q: Question, spoken: str, title: str) -> None:
        """The question, then as many tries again as the candidate asks for."""
        first = len(self.turns)
        turn = self._attempt(q, spoken, title)
        while turn is not None and not self._stopping() and self._wants_retry():
            before = len(self.turns)
            again = self._attempt(q, self._line("retry_question", question=q.text), f"{title}, try {turn.attempt + 1}",
                                  previous=turn)
            if again is None:
                return
            self._superseded.update(range(first, before))
            first, turn = before, again

    def _attempt(self, q: Question, spoken: str, title: str, previous: Turn | None = None) -> Turn | None:
        """One try at the question: asked, listened to (with the repeat offer), answered, and its follow-up.

        Returns the answer's turn (None when nothing was recorded); `previous` is the try before this one."""
        self._retry_wanted = False
        # the sentence model and this question's talking points, made ready while the question is spoken
        BackgroundCall("content-model", prepare_content, q)
        self.voice.say(spoken)
        if self._stopping():
            return None
        cap, live = self._listen(q, "answer" if previous is None else "retry", title)
        if cap is None:
            self.console.print("[dim](no recorded answer for this question)[/]")
            return None
        replied = False
        if cap.reason is EndReason.NO_ANSWER:
            live.finish()  # nothing was said: that silence is not the answer (finish stops its worker)
            live = None
            self.voice.say(self._line("repeat_offer"))
            cap, live = self._listen(q, "reply", title, reply=True)
            if cap is None:
                return None
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
                return None
            analysis, finish_s = self._finish(live, cap)
            live = None
        turn = self._respond(q, analysis, cap, finish_s, title, previous=previous)
        analysis = None
        if self._retry_requested():
            self._retry_wanted = True  # asked during the answer or its feedback: no probe, the whole answer again
            return turn
        component = turn.feedback.missing_star
        if not q.star or component is None or self._stopping() or cap.reason in (EndReason.INTERRUPTED, EndReason.DEVICE_LOST):
            return turn
        probe = q.probe(component)
        if not probe:
            return turn
        self.voice.say(self._line("followup", probe=probe))
        if self._stopping():
            return turn
        cap, live = self._listen(q, "followup", f"{title}, follow-up", followup=True)
        if cap is None:
            self.console.print("[dim](no recorded answer to the follow-up; moving on)[/]")
            return turn
        analysis, finish_s = self._finish(live, cap)
        live = None
        self._respond(q, analysis, cap, finish_s, f"{title}, follow-up", parent=turn.number, probe=(component, probe),
                      attempt=turn.attempt)
        return turn

    # ---- trying again ----------------------------------------------------------------------
    def _retry_requested(self) -> bool:
        """"r" then Enter since the last answer began (keys without it never ask)."""
        asked = getattr(self.enter, "retry_asked", None)
        return bool(asked is not None and asked.is_set())

    def _wants_retry(self) -> bool:
        """Whether to ask the question again: asked for with "r", or answered so at the prompt (--retry)."""
        if self._retry_wanted or self._retry_requested():
            self._retry_wanted = False
            return True
        keys = self.enter
        if not self.settings.retry or not getattr(keys, "reading", False):
            return False
        keys.discard()  # type: ignore[union-attr]
        self.console.print("[bold]Try this question again?[/] Type r then Enter to answer it again, "
                           "or just Enter to go on.", highlight=False)
        return is_retry(keys.next_line(self.stop.event))  # type: ignore[union-attr]

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
            source.start()  # the microphone is open before "Listening" shows
            live = LiveAnalyzer(self.transcriber, settings, background=True,
                                model_name=getattr(self.transcriber, "name", ""))
            enter = self.enter.arm() if self.enter is not None else None
            hint = ""
            if self.enter and self.enter.enabled:
                hint = "; press Enter when you are done" + (
                    " (r then Enter: done, and try this question again)" if hasattr(self.enter, "retry_asked") else "")
            self.console.print(f"[bold]Listening[/] ({title}): answer now{hint}", highlight=False)
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
        why = self.stop.described if cap.reason is EndReason.INTERRUPTED and self.stop.signum else cap.reason.described
        self.console.print(f"[dim]Answer over: {why} ({cap.duration_s:.1f} s recorded)[/]", highlight=False)
        return cap, live

    def _finish(self, live: Any, cap: Capture) -> tuple[Any, float]:
        from voice_coach.views.live_view import Finishing

        with Finishing(live, self.console):  # "Analysing the last 12 s of your answer, about 3 s left ..."
            analysis = live.finish(source="microphone")
        return analysis, time.monotonic() - cap.ended_at

    def _respond(self, q: Question, analysis: Any, cap: Capture, finish_s: float, title: str,
                 parent: int | None = None, probe: tuple[str, str] | None = None, previous: Turn | None = None,
                 attempt: int | None = None) -> Turn:
        """Feedback first (someone is waiting for it), then saving and the report while it plays.

        A try again (`previous`, the try before) hears what changed first, and is saved as an attempt
        of the first try: `parent_answer` is the first try's number and the question has "attempt"."""
        from voice_coach.views.answer_report import render_report

        attempt = attempt or (previous.attempt + 1 if previous is not None else 1)
        samples = analysis.samples
        # what was said, judged against the question (a follow-up answers one part, so no talking points)
        analysis = with_content(analysis, q if probe is None else None, self.settings.terms,
                                star_expected=q.star and probe is None)
        if probe is not None:
            fb = followup_feedback(analysis, probe[0])
        else:
            fb = answer_feedback(analysis, star_expected=q.star)
        said, comparison = fb.text, None
        if previous is not None and probe is None:
            comparison = compare_attempts(previous.analysis, analysis, star_expected=q.star, attempt=attempt)
            said = f"{comparison.spoken} {fb.text}"
            parent = previous.number if previous.attempt == 1 else previous.parent
        spoken = said + (" " + self._line("move_on") if analysis.no_speech and probe is None else "")
        ttf = None
        if cap.reason not in (EndReason.INTERRUPTED, EndReason.DEVICE_LOST) and not self.stop.event.is_set():
            ttf = round(self.voice.start(spoken) - cap.ended_at, 3)
        data = replace(analysis, samples=None, time_to_feedback_s=ttf,
                       capture=CaptureNote(cap.reason.value, cap.duration_s, finish_s, cap.error))
        analysis = None
        number = self._save(q, data, samples, said, parent, probe, attempt)
        samples = None
        self.console.print(render_report(data, title=f"{title}: {q.id}" if q.id else title))
        if comparison is not None:
            from rich.panel import Panel

            self.console.print(Panel("\n".join(comparison.lines), title=f"Try {attempt} compared with try {attempt - 1}",
                                     title_align="left", expand=False))
        turn = Turn(q, probe is not None, data, fb, cap, ttf, number, parent, probe[1] if probe else None, attempt)
        self.turns.append(turn)
        if ttf is not None:
            self.voice.wait()
        if cap.reason is EndReason.DEVICE_LOST:
            raise DeviceError(cap.error or "the microphone went away; the answer so far was kept")
        return turn

    def _save(self, q: Question, data: AnswerAnalysis, samples: Any, feedback: str, parent: int | None,
              probe: tuple[str, str] | None, attempt: int = 1) -> int | None:
        if self.store is None:
            return None
        if self.session_id is None:
            model = getattr(self.transcriber, "name", "") or ""
            self.session_id = self.store.start_session(kind=self.settings.kind, bank=self.settings.bank_label, model=model,
                                                       settings=dict(self.settings.session_settings))
            self._show_notices()
        question = {"id": q.id, "category": q.category, "kind": q.kind, "text": q.text,
                    "star": bool(q.star and probe is None), "target_s": list(q.target_s)}
        if attempt > 1:
            question["attempt"] = attempt
        if probe is not None:
            question.update(text=probe[1], probe=probe[0], parent_question=q.text)
        number = self.store.save_answer(self.session_id, question=question, audio=samples, sample_rate=SAMPLE_RATE,
                                        analysis=data, feedback=feedback, is_followup=probe is not None,
                                        parent_answer=parent)
        self.saved += 1
        return number
