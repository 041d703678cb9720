"""One answer's whole analysis: a pure function over the samples, the voice-activity frames and the timed words.

The live path and `voice-coach analyze` both end here, so a file and a microphone give the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from collections.abc import Mapping
from typing import Any, Sequence

import numpy as np

from voice_coach.analysis.content import ContentResult, Encode, analyze_content
from voice_coach.analysis.fillers import FillerResult, measure_fillers
from voice_coach.analysis.hesitations import Probe
from voice_coach.analysis.length import LengthResult, measure_length
from voice_coach.analysis.pace import PaceResult, measure_pace
from voice_coach.analysis.pauses import PauseResult, measure_pauses
from voice_coach.analysis.speech_spans import foreground, refine_spans, trim_background
from voice_coach.analysis.star import StarResult, analyze_star
from voice_coach.core.settings import AnalysisSettings
from voice_coach.core.timed import SAMPLE_RATE, Span, Word
from voice_coach.engines.silero_vad import FRAME_SAMPLES, mask_to_spans, speech_frames


@dataclass(frozen=True)
class CaptureNote:
    """How a live answer was captured: why it ended, how long it ran, how long the analysis took after it."""

    end_reason: str
    recorded_s: float
    analysis_s: float
    error: str | None = None

    def to_dict(self) -> dict:
        return {"end_reason": self.end_reason, "recorded_s": round(self.recorded_s, 3),
                "analysis_s": round(self.analysis_s, 3), "error": self.error}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CaptureNote:
        return cls(str(d.get("end_reason", "")), float(d.get("recorded_s") or 0.0), float(d.get("analysis_s") or 0.0),
                   d.get("error"))


@dataclass(frozen=True)
class QuestionInfo:
    """Which question the answer was to, and so what is judged: STAR only where a story is expected."""

    id: str | None = None
    kind: str | None = None
    """"behavioral", "situational", "general", or None when no question was given."""
    star_expected: bool = True
    """With no question, STAR is judged as for a behavioral answer."""
    text: str | None = None

    @classmethod
    def of(cls, question: Any = None, star_expected: bool | None = None) -> QuestionInfo:
        """From an interview.bank.Question (or None); `star_expected` overrides the question's own."""
        if question is None:
            return cls(None, None, True if star_expected is None else bool(star_expected))
        star = bool(question.star) if star_expected is None else bool(star_expected)
        return cls(question.id, question.kind, star, question.text)

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "star_expected": self.star_expected, "text": self.text}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> QuestionInfo:
        return cls(d.get("id"), d.get("kind"), bool(d.get("star_expected", True)), d.get("text"))


@dataclass(frozen=True)
class AnswerAnalysis:
    duration_s: float
    words: tuple[Word, ...]
    speech: tuple[Span, ...]
    pace: PaceResult
    fillers: FillerResult
    pauses: PauseResult
    star: StarResult
    length: LengthResult
    model: str = ""
    source: str = ""
    samples: np.ndarray | None = field(default=None, repr=False, compare=False)
    """The 16 kHz audio (16-bit PCM from the live path), kept for saving; not part of the JSON."""
    capture: CaptureNote | None = None
    """Set by the interview for a live answer; None for a file."""
    time_to_feedback_s: float | None = None
    """From the end of the answer to the first sound of the spoken feedback (live answers only)."""
    question: QuestionInfo | None = None
    """Set by with_content(); None on a record made before issue 14."""
    content: ContentResult | None = None
    """Talking points, hedges, repeats, top words, job terms: set by with_content(); None on older records."""

    @property
    def no_speech(self) -> bool:
        return not self.speech or not any(not w.filler for w in self.words)

    @property
    def transcript(self) -> str:
        return " ".join(w.text for w in self.words if w.source == "asr").strip()

    def to_dict(self) -> dict:
        """The public JSON (field names in the analyzer issue are a contract: add, never rename)."""
        return {
            "source": self.source,
            "duration_s": round(self.duration_s, 3),
            "no_speech": self.no_speech,
            "transcript": self.transcript,
            "words": [
                {"text": w.text, "start": w.start, "end": w.end, "filler": w.filler, "probability": round(w.probability, 3)}
                for w in self.words
            ],
            "speech": [{"start": s.start, "end": s.end} for s in self.speech],
            "pace": self.pace.to_dict(),
            "fillers": self.fillers.to_dict(),
            "pauses": self.pauses.to_dict(),
            "star": self.star.to_dict(),
            "length": self.length.to_dict(),
            "model": self.model,
            **({"time_to_feedback_s": self.time_to_feedback_s, "capture": self.capture.to_dict()} if self.capture else {}),
            "question": None if self.question is None else self.question.to_dict(),
            "content": None if self.content is None else self.content.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> AnswerAnalysis:
        """The typed record back from its JSON (a stored answer, an `analyze --json` line); no samples."""
        words = tuple(Word(str(w["text"]), float(w["start"]), float(w["end"]), float(w.get("probability", 1.0)),
                           bool(w.get("filler", False)), str(w.get("source", "asr"))) for w in d.get("words", ()))
        speech = tuple(Span(float(s["start"]), float(s["end"])) for s in d.get("speech", ()))
        return cls(float(d.get("duration_s", 0.0)), words, speech, PaceResult.from_dict(d.get("pace", {})),
                   FillerResult.from_dict(d.get("fillers", {})), PauseResult.from_dict(d.get("pauses", {})),
                   StarResult.from_dict(d.get("star", {})), LengthResult.from_dict(d.get("length", {})),
                   str(d.get("model", "")), str(d.get("source", "")), None,
                   CaptureNote.from_dict(d["capture"]) if d.get("capture") else None, d.get("time_to_feedback_s"),
                   QuestionInfo.from_dict(d["question"]) if d.get("question") else None,
                   ContentResult.from_dict(d["content"]) if d.get("content") is not None else None)


def speech_spans(samples: np.ndarray, vad_probs: Sequence[float]) -> list[Span]:
    """Sample-accurate speech spans from Silero frame probabilities and the samples."""
    mask = speech_frames(np.asarray(vad_probs, dtype=np.float32))
    coarse = [(s * FRAME_SAMPLES, min(e * FRAME_SAMPLES, len(samples))) for s, e in mask_to_spans(mask)]
    return trim_background(samples, foreground(samples, refine_spans(samples, coarse)))


def analyze_answer(
    samples: np.ndarray,
    # float in [-1, 1] or 16-bit PCM: every measure here is a level in dBFS or a ratio, so both read the same
    vad_probs: Sequence[float],
    words: Sequence[Word],
    settings: AnalysisSettings = AnalysisSettings(),
    model: str = "",
    source: str = "",
    probe: Probe | None = None,
) -> AnswerAnalysis:
    duration = len(samples) / SAMPLE_RATE
    speech = speech_spans(samples, vad_probs)
    if not speech:
        words = []  # nothing was said: whatever Whisper heard in silence is not the candidate's
    pauses = measure_pauses(speech, settings.pause_min_s, settings.dead_air_s)
    first = speech[0].start if speech else None
    last = speech[-1].end if speech else None
    length = measure_length(first, last, settings.length_band_s)
    fillers, marked = measure_fillers(words, speech, samples, length.speaking_s, probe)
    pace = measure_pace(marked, speech, pauses.items, settings.pace_band_wpm)
    star = analyze_star(marked, expect_star=settings.expect_star)
    return AnswerAnalysis(duration, tuple(marked), tuple(speech), pace, fillers, pauses, star, length, model, source, samples)


def with_content(analysis: AnswerAnalysis, question: Any = None, terms: Sequence[str] = (),
                 star_expected: bool | None = None, encode: Encode | None = None) -> AnswerAnalysis:
    """The record with `question` and `content` filled in: talking points of `question` (an
    interview.bank.Question, or None), hedges, repeats, top words and the bank's job `terms`.

    Loads the sentence model on first use when the question has talking points (about 0.3 s; call
    voice_coach.engines.sentence_model.get_model() ahead, e.g. while the question is spoken, to keep
    that out of the wait for feedback). The sentences are STAR's, so a point's time is a sentence's.
    """
    info = QuestionInfo.of(question, star_expected)
    sentences = [(s.text, s.start, s.end) for s in analysis.star.sentences]
    content = analyze_content(analysis.words, sentences, question, terms, encode)
    return replace(analysis, question=info, content=content)


def prepare_content(question: Any = None) -> None:
    """Load the sentence model and encode the question's points and examples ahead (about 0.3 s the
    first time, 0.05 s for a new question), so the wait after the answer has only its sentences left.
    Call it while the question is spoken; safe from any thread; a missing model is left for
    with_content() to report."""
    from voice_coach.engines.sentence_model import SentenceModelError, get_model

    try:
        model = get_model()
    except SentenceModelError:
        return
    if question is not None and question.listen_for:
        model.prepare([*question.listen_for, *(e for ex in question.examples for e in ex)])



def prepare_sentences(words: Sequence[Word], question: Any = None) -> None:
    """Encode the finished sentences of an answer still being given (all but the last), so that
    with_content() after the answer only has the last one or two left: about 5 ms of CPU a sentence
    now instead of at the end. Meant for the live transcriber's worker after each stretch; does
    nothing without a question with talking points or without the model."""
    if question is None or not getattr(question, "listen_for", None):
        return
    from voice_coach.analysis.star import split_sentences
    from voice_coach.engines.sentence_model import SentenceModelError, get_model

    texts = [t for t, _, _ in split_sentences(words)][:-1]
    if not texts:
        return
    try:
        get_model().prepare(texts)
    except SentenceModelError:
        return
