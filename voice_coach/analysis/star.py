"""STAR structure of a spoken answer: sentences, their Situation/Task/Action/Result labels, time segments.

The pipeline is split in three pure steps so each can be tested and evaluated on its own:
1. `split_sentences` turns timed words into timed sentences (Whisper punctuation first; long runs
   without it are cut at pauses and discourse cues, since ASR output is not always punctuated);
2. `label_sentences` labels each sentence jointly (`star_decode`, cues from `star_lexicon`);
3. `analyze_star` merges labels into time segments and derives presence, shares, concreteness,
   the I/we balance of the Action and short coaching lines (`star_coaching`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from voice_coach.analysis.star_coaching import coaching_lines, result_is_concrete
from voice_coach.analysis.star_decode import LABELS, decode, plan_answer
from voice_coach.analysis.star_lexicon import pronoun_counts
from voice_coach.core.timed import Word

__all__ = [
    "LABELS",
    "LabelledSentence",
    "StarSegment",
    "StarResult",
    "split_sentences",
    "label_sentences",
    "analyze_star",
]

MAX_RUN_WORDS = 18
"""A stretch longer than this with no sentence end is cut further (ASR run-ons)."""
MAX_SENTENCE_WORDS = 22
"""A punctuated sentence longer than this is cut too, but only at a strong place (Whisper joins
sentences with commas in fast speech); shorter ones are trusted as Whisper wrote them."""
LONG_SENTENCE_WORDS = 26
"""Beyond this, a punctuated "sentence" is surely several joined by commas."""
STRONG_CUT = 2.5
"""Cut score needed inside a punctuated sentence: a pause or a discourse cue, not a bare comma."""
MIN_PIECE_WORDS = 4
"""No cut leaves a piece shorter than this: fragments carry too little evidence to label."""
SPLIT_PAUSE_S = 0.6
"""A silence between words this long ends a sentence inside an unpunctuated run."""
WORD_BASE_S = 0.3
WORD_PER_CHAR_S = 0.1
"""A word of n letters lasts at most WORD_BASE_S + n * WORD_PER_CHAR_S (slow speech is ~0.06 s a letter)."""

_ABBREVIATIONS = frozenset({"mr.", "mrs.", "ms.", "dr.", "st.", "a.m.", "p.m.", "e.g.", "i.e.", "etc.", "vs."})
_STRONG_CUES = (
    ("as", "a", "result"), ("in", "the", "end"), ("after", "that"), ("and", "then"), ("but", "then"),
    ("because", "of", "that"), ("at", "the", "end"), ("since", "then"), ("my", "job"), ("my", "goal"),
    ("the", "goal"), ("eventually",), ("finally",), ("then",), ("afterwards",), ("later",), ("next",),
)
_SO_FOLLOWERS = frozenset({"i", "we", "he", "she", "they", "the", "my", "our", "it", "then", "after", "first", "in"})
_AND_FOLLOWERS = frozenset({"i", "we", "he", "she", "they", "the", "my", "our", "it"})
_SUBJECT_STARTS = frozenset({"i", "we", "he", "she", "they", "the", "my", "our", "his", "her", "their", "everyone", "nobody",
                             "i'd", "we'd", "i'll", "we'll", "they'd"})
_NO_END = frozenset(
    "the a an to for of in on at with by from into my his her their our your its and but or so because "
    "that which who was were is are be been i he she we they it's i'd i'm i've very really just".split()
)
"""Words that cannot end a sentence: a cut right after one would split a phrase in two."""
_I_WORDS = frozenset({"i", "i'm", "i'd", "i've", "i'll"})
MIN_RUN_CUT = 1.0
"""Cut score needed inside an unpunctuated run: at least a pause or a clause-opening subject."""


@dataclass(frozen=True)
class LabelledSentence:
    text: str
    start: float
    end: float
    label: str | None


@dataclass(frozen=True)
class StarSegment:
    label: str
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class StarResult:
    segments: tuple[StarSegment, ...]
    sentences: tuple[LabelledSentence, ...]
    present: dict[str, bool]
    share: dict[str, float]
    result_concrete: bool
    i_we_ratio: float | None
    """Share of first-person subjects in the Action that are "I" rather than "we": I / (I + we)."""
    coaching: tuple[str, ...]
    plan: bool = False
    """The answer lays out what the speaker would do (or usually does) rather than telling a story
    (star_decode.plan_answer): then its Action is the steps and its Result the expected outcome, which
    is what a situational question asks for; feedback judges it as a plan, never as a missing story."""

    @property
    def complete(self) -> float:
        """Share of the four components that are present."""
        return sum(self.present.values()) / len(LABELS)

    def to_dict(self) -> dict:
        return {
            "segments": [
                {"label": s.label, "start": round(s.start, 3), "end": round(s.end, 3), "text": s.text}
                for s in self.segments
            ],
            "sentences": [
                {"label": s.label, "start": round(s.start, 3), "end": round(s.end, 3), "text": s.text}
                for s in self.sentences
            ],
            "present": dict(self.present),
            "share": {k: round(v, 3) for k, v in self.share.items()},
            "result_concrete": self.result_concrete,
            "i_we_ratio": None if self.i_we_ratio is None else round(self.i_we_ratio, 3),
            "complete": self.complete,
            "coaching": list(self.coaching),
            "plan": self.plan,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> StarResult:
        segments = tuple(StarSegment(str(s["label"]), float(s["start"]), float(s["end"]), str(s.get("text", "")))
                         for s in d.get("segments", ()))
        sentences = tuple(LabelledSentence(str(s.get("text", "")), float(s["start"]), float(s["end"]), s.get("label"))
                          for s in d.get("sentences", ()))
        present = {label: bool(d.get("present", {}).get(label, False)) for label in LABELS}
        share = {label: float(d.get("share", {}).get(label, 0.0)) for label in LABELS}
        ratio = d.get("i_we_ratio")
        return cls(segments, sentences, present, share, bool(d.get("result_concrete", False)),
                   None if ratio is None else float(ratio), tuple(str(c) for c in d.get("coaching", ())),
                   bool(d.get("plan", False)))


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip("\"')]\u201d\u2019")
    return stripped.endswith((".", "?", "!")) and text.lower() not in _ABBREVIATIONS


def _bare(word: Word) -> str:
    return word.bare


def _cut_score(words: Sequence[Word], i: int, capitals: bool = False) -> float:
    """How good a place it is to start a new sentence at word i (0 = not a place).

    A discourse cue after a comma is the surest sign Whisper joined two sentences; a pause alone
    is weaker, since speakers also hesitate inside a sentence. With `capitals` (a run Whisper
    left unpunctuated), a capital letter after a bare word is where Whisper began a sentence.
    """
    gap = max(0.0, words[i].start - words[i - 1].end)
    if _bare(words[i - 1]) in _NO_END:
        return 0.0
    bares = [_bare(w) for w in words[i : i + 3]]
    comma = words[i - 1].text.rstrip().endswith((",", ";", ":", "\u2014", "-"))
    cue = 0.0
    for phrase in _STRONG_CUES:
        if tuple(bares[: len(phrase)]) == phrase:
            cue = 3.0
            break
    if not cue and len(bares) > 1 and bares[0] == "so" and bares[1] in _SO_FOLLOWERS:
        cue = 2.5
    if not cue and len(bares) > 1 and bares[0] in ("and", "but") and bares[1] in _AND_FOLLOWERS:
        cue = 1.5
    score = cue + (1.0 if cue and comma else 0.5 if comma else 0.0)
    if capitals and not cue and words[i].text[:1].isupper() and bares[0] not in _I_WORDS and words[i - 1].text[-1:].isalnum():
        score += 3.0
    if bares and bares[0] in _SUBJECT_STARTS:
        score += 1.0
    if gap >= SPLIT_PAUSE_S:
        score += 1.0 + min(gap, 1.5)
    else:
        score += gap
    return score if score >= 0.5 else 0.0


def _split_run(words: Sequence[Word], punctuated: bool) -> list[Sequence[Word]]:
    """Cut a long run at its best places until each piece is short enough or has no good place."""
    content = [i for i, w in enumerate(words) if not w.filler]
    if len(content) <= (MAX_SENTENCE_WORDS if punctuated else MAX_RUN_WORDS):
        return [words]
    if not punctuated:
        min_cut = MIN_RUN_CUT
    elif len(content) <= LONG_SENTENCE_WORDS:
        min_cut = STRONG_CUT
    else:  # far too long for one spoken sentence: a comma before a new subject will do
        min_cut = MIN_RUN_CUT
    best_i, best_score = -1, 0.0
    left = 0
    for i in range(1, len(words)):
        left += not words[i - 1].filler
        if words[i].filler:
            continue
        right = len(content) - left
        if left < MIN_PIECE_WORDS or right < MIN_PIECE_WORDS:
            continue
        # Prefer good places, and among equals the one nearest the middle.
        place = _cut_score(words, i, capitals=not punctuated)
        score = place - 0.5 * abs(left - right) / len(content)
        if place > min_cut and score > best_score:
            best_i, best_score = i, score
    if best_i < 0:
        return [words]
    # Fillers just before the cut belong to the new sentence (a hesitation opens it).
    while best_i > 0 and words[best_i - 1].filler:
        best_i -= 1
    return _split_run(words[:best_i], punctuated) + _split_run(words[best_i:], punctuated)


def _longest_plausible_s(word: Word) -> float:
    """How long a word can last when spoken slowly.

    Whisper stretches the word before a pause into the pause and often starts the first word at
    0.0; clipping the sentence's outer words to this keeps silence out of the sentence's span.
    """
    return WORD_BASE_S + WORD_PER_CHAR_S * max(1, len(word.bare))


def split_sentences(words: Sequence[Word]) -> list[tuple[str, float, float]]:
    """Timed sentences (text without fillers, start of its first word, end of its last word)."""
    runs: list[list[Word]] = []
    current: list[Word] = []
    for word in words:
        current.append(word)
        if _ends_sentence(word.text):
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    sentences = []
    for run in runs:
        for piece in _split_run(run, punctuated=_ends_sentence(run[-1].text)):
            kept = [w for w in piece if not w.filler and w.text.strip()]
            if kept:
                text = " ".join(w.text.strip() for w in kept)
                first, last = kept[0], kept[-1]
                start = max(first.start, first.end - _longest_plausible_s(first))
                end = min(last.end, last.start + _longest_plausible_s(last))
                sentences.append((text, start, max(start, end)))
    return sentences


def label_sentences(texts: Sequence[str]) -> list[str | None]:
    """One STAR label (or None: no STAR role) per sentence, decided jointly over the answer."""
    return decode(texts)


def _segments(sentences: Sequence[LabelledSentence]) -> tuple[StarSegment, ...]:
    """Merge runs of one label into segments that run on until the next sentence starts.

    The pause after a sentence (silence, a hesitation, a breath) still belongs to the part of the
    story being told: the speaker has not moved on yet. So a labelled sentence's segment covers
    the time up to the next sentence's first word; a sentence with no STAR role covers nothing,
    and the time after it stays unlabelled. Runs of one label become one segment.
    """
    segments: list[StarSegment] = []
    previous: LabelledSentence | None = None
    for k, sent in enumerate(sentences):
        end = sentences[k + 1].start if k + 1 < len(sentences) else sent.end
        end = max(end, sent.end)
        if sent.label is not None:
            if previous is not None and previous.label == sent.label and segments:
                last = segments[-1]
                segments[-1] = StarSegment(last.label, last.start, end, f"{last.text} {sent.text}")
            else:
                segments.append(StarSegment(sent.label, sent.start, end, sent.text))
        previous = sent
    return tuple(segments)


def analyze_star(words: Sequence[Word], expect_star: bool = True) -> StarResult:
    """STAR structure of one answer from its timed words; fillers are left out of the text."""
    timed = split_sentences(words)
    labels = label_sentences([text for text, _, _ in timed])
    sentences = tuple(LabelledSentence(t, s, e, lab) for (t, s, e), lab in zip(timed, labels))
    segments = _segments(sentences)
    spoken = sum(max(0.0, s.end - s.start) for s in sentences)
    share = {
        label: (sum(max(0.0, s.end - s.start) for s in sentences if s.label == label) / spoken if spoken > 0 else 0.0)
        for label in LABELS
    }
    present = {label: any(s.label == label for s in sentences) for label in LABELS}
    result_texts = [s.text for s in sentences if s.label == "result"]
    concrete = result_is_concrete(result_texts)
    i_count = we_count = 0
    for s in sentences:
        if s.label == "action":
            i_n, we_n = pronoun_counts(s.text)
            i_count += i_n
            we_count += we_n
    ratio = i_count / (i_count + we_count) if i_count + we_count else None
    plan = plan_answer([s.text for s in sentences])
    coaching = coaching_lines(
        present=present,
        share=share,
        result_concrete=concrete,
        i_we_ratio=ratio,
        we_count=we_count,
        spoke=bool(sentences),
        expect_star=expect_star,
        plan=plan,
    )
    return StarResult(segments, sentences, present, share, concrete, ratio, coaching, plan)
