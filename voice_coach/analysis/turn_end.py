"""End of turn: has the candidate finished the answer, judged from the words said so far?

A pure function of the transcript so far (Whisper's early text of the open stretch included), so
the capture loop can end a finished answer after a short silence (CaptureSettings.turn_silence_s)
instead of the fixed outer limit (`--end-silence`), and never a story that stops to think before
its result.

The rule:
1. the last sentence is closed: it ends in . ! or ? and not on a word that opens a phrase
   ("and", "the", "because" ...: Whisper puts a full stop after a clause cut by a pause);
2. a story question (AnalysisSettings.expect_star): at least three sentences, and the STAR labeller
   (analysis/star.py, decided over the whole answer so far) calls the last sentence a result, or
   the one before it a result and the last one a wrap-up with no STAR role; a result whose first
   words are in the perfect ("one payment had been booked ...") is background, not an outcome;
3. any other question: at least two sentences, and one of the last two states an outcome or
   wraps up ("that's why", "so overall"): a cue list.
Stories used a cue list too until 2026-12-07 (`python -m bench.eval_turn_end --cues`): on the
labelled answers written for the STAR analyser (tests/data: dev 55 / test 27 stories) and on 8
stories held out for this (bench/turn_stories.HELD_OUT), the labeller finds the end of 53/55,
24/27 and 8/8 stories where the cue list found 24/55, 13/27 and 2/8, and fires on a story cut
right before its result in 0/55, 0/27 and 1/8 (cue list: 8/55, 7/27, 1/8).
A learned acoustic detector (Smart Turn v3.2) was measured too and left out: it fired on 40-65 % of
pauses after a complete sentence before the result, as often as on finished answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from voice_coach.core.timed import Word

OPEN_END_WORDS = frozenset(
    "and but so or then because that which who when while if the a an to of for with by in on at my our "
    "their his um uh like was is were said told asked suggested started what first also".split()
)
"""A sentence ending on one of these is unfinished, whatever Whisper's full stop says ("her" is not
here: it ends a sentence as an object, "... to thank me for staying with her.")."""
_PREPOSITIONS = frozenset("after before like about of with than for since from by on in at without".split())
"""After one of these, a final "that" is a pronoun ("it stopped after that."), not a clause opener."""

_RESULT = re.compile("|".join([
    r"\bas a result\b", r"\bin the end\b", r"\bat the end\b", r"\bin the long run\b", r"\bended up\b",
    r"\bafter that\b", r"\bsince then\b", r"\bfrom then on\b", r"\bovera?ll\b", r"\bthe (?:result|outcome)\b",
    r"\bthat'?s how\b", r"\bi learn(?:ed|t)\b", r"\blesson\b", r"\bnow (?:the|it|we|i|they)\b",
    r"\b(?:dropp|fell|decreas|reduc|improv|increas|grew|grow|doubl|halv|sav|rais|beat|won|renew)\w*\b",
    r"\bwent (?:down|up|from)\b", r"\bback (?:on track|to normal|again)\b", r"\bon time\b", r"\bahead of\b",
    r"\b(?:thank|prais|promot|approv|accept)ed\b", r"\b(?:happy|satisfied|pleased)\b",
    r"\bpercent\b", r"%", r"\bno(?:body| one| single| more)\b", r"\bwithout (?:a|any)\b",
    r"\bstayed\b", r"\bcame back\b", r"\bsolved\b", r"\bresolved\b",
]), re.IGNORECASE)
_WRAP_UP = re.compile(r"\bthat'?s (?:why|how|what|the)\b|\bso overall\b|\bin short\b|\bto sum up\b|\bthank you\b|"
                      r"\bthat (?:is|was) (?:why|how)\b|\bwhich is why\b", re.IGNORECASE)
_PERFECT = re.compile(r"\b(?:had|have|has|'d|'ve)\s+(?:\w+ly\s+)?(?:been|gone|done|gotten|got|\w+ed|\w+en|grown|risen|"
                      r"fallen|hit|cut|lost|kept|made|had)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_TOKEN = re.compile(r"[a-z0-9%']+")

PERFECT_OPENING_WORDS = 5
"""A perfect this early in a sentence is its main verb."""
STORY_MIN_SENTENCES = 3
"""A story needs a scene, an action and a result: fewer sentences are never a finished STAR answer."""
OTHER_MIN_SENTENCES = 2


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def closed(text: str) -> bool:
    """The text ends a sentence, and not on a word that opens a phrase ("..., and then." is open)."""
    t = text.strip().rstrip("\"')]\u201d\u2019")
    if not t or t.endswith("...") or t[-1] not in ".!?":
        return False
    tokens = _TOKEN.findall(t.lower())
    if not tokens:
        return False
    if tokens[-1] == "that" and len(tokens) > 1 and tokens[-2] in _PREPOSITIONS:
        return True
    return tokens[-1] not in OPEN_END_WORDS


def background(sentence: str) -> bool:
    """The sentence opens in the perfect ("one payment had been booked ..."): the scene, not an outcome.
    Later in the sentence the perfect is an outcome's detail ("..., and my close rate had gone up")."""
    m = _PERFECT.search(sentence)
    return bool(m) and len(sentence[: m.start()].split()) <= PERFECT_OPENING_WORDS


def story_ends(said: Sequence[str]) -> bool:
    """The STAR labeller, over the whole answer so far, reads its last sentence as the result (or
    the last as a wrap-up after a result)."""
    from voice_coach.analysis.star import label_sentences

    labels = label_sentences(list(said))
    if labels[-1] == "result":
        return not background(said[-1])
    return labels[-1] is None and len(labels) > 1 and labels[-2] == "result" and not background(said[-2])


def states_outcome(sentence: str) -> bool:
    """A result cue that is not background in the perfect tense."""
    return bool(_RESULT.search(sentence)) and not _PERFECT.search(sentence)


def answer_finished(words: Sequence[Word] | str, expect_star: bool) -> bool:
    """Whether the words so far read as a finished answer (see the module's rule)."""
    text = words if isinstance(words, str) else " ".join(w.text.strip() for w in words if not w.filler)
    if not closed(text):
        return False
    said = sentences(text)
    last_two = said[-2:]
    if expect_star:
        return len(said) >= STORY_MIN_SENTENCES and story_ends(said)
    return len(said) >= OTHER_MIN_SENTENCES and any(states_outcome(s) or _WRAP_UP.search(s) for s in last_two)


def silence_needed(finished: bool, turn_silence_s: float, end_silence_s: float) -> float:
    """The silence that ends the answer: short once it reads as finished, the outer limit otherwise."""
    return min(turn_silence_s, end_silence_s) if finished else end_silence_s
