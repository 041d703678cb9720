"""Lexical fillers ("like", "you know", "I mean", "kind of", "so", ...) with context rules, plus repetitions.

A bare word list flags every "like"; the rules below count a discourse word only where it does no
grammatical work: set off by commas or a pause, at the start of a clause, or in a frame that only a
filler fits ("it was kind of hard" vs "a kind of router"). Times come from the words themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any, Sequence

from voice_coach.core.timed import Span, Word

NON_LEXICAL = frozenset({"um", "umm", "uhm", "uh", "uhh", "er", "erm", "err", "hmm", "hm", "mm", "mmm", "ah", "ahh", "eh"})
ALWAYS = frozenset({"basically", "literally"})
CLAUSE_START = frozenset({"so", "well", "okay", "ok", "right", "actually", "like"})
DETERMINERS = frozenset({"a", "an", "the", "this", "that", "these", "those", "what", "which", "any", "some", "one", "every",
                         "each", "same", "different", "another", "other", "kind", "sort", "my", "our", "your", "their", "his", "her", "its", "no"})
KNOW_OBJECT = frozenset({"that", "what", "how", "why", "if", "when", "where", "who", "whether", "the", "a", "an", "about",
                         "this", "those", "these", "which", "anything", "everything", "nothing", "something"})
LIKE_VERB_BEFORE = frozenset({"i", "you", "we", "they", "he", "she", "people", "would", "i'd", "we'd", "you'd", "they'd",
                              "he'd", "she'd", "do", "don't", "did", "didn't", "does", "doesn't", "to", "might", "could",
                              "should", "will", "i'll", "we'll", "really", "also", "still", "who", "not", "never", "always"})
"""After these, "like" is the verb ("I like the moment", "I would like to", "we also like ..."), never a filler."""
LIKE_FILLER_BEFORE = frozenset({"was", "is", "were", "are", "and", "but", "so", "or", "just", "it's", "that's", "been", "be"})
"""After these, a "like" set off by a pause is the filler ("she was, like, really annoyed")."""
PAUSE_EVIDENCE_S = 0.25
GAP_REACH_S = 0.2
"""How far a silence in the samples may sit from a word boundary and still count as a pause there."""


@dataclass(frozen=True)
class FillerItem:
    text: str
    start: float
    end: float
    kind: str  # "hesitation" | "lexical" | "repetition"

    def to_dict(self) -> dict:
        return {"text": self.text, "start": round(self.start, 3), "end": round(self.end, 3), "kind": self.kind}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FillerItem:
        return cls(str(d["text"]), float(d["start"]), float(d["end"]), str(d.get("kind", "hesitation")))


def _bare(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch == "'")


def _comma_after(w: Word) -> bool:
    return w.text.rstrip().endswith((",", "...", "-", "—"))


def _ends_clause(w: Word | None) -> bool:
    return w is None or w.text.rstrip().endswith((".", "?", "!", ",", ";", ":"))


def _silence_near(gaps: Sequence[Span], t: float) -> bool:
    return any(g.start - GAP_REACH_S <= t <= g.end + GAP_REACH_S for g in gaps)


def _left_set_off(words: Sequence[Word], i: int, gaps: Sequence[Span]) -> bool:
    prev = words[i - 1] if i > 0 else None
    if _ends_clause(prev):
        return True
    assert prev is not None
    return words[i].start - prev.end >= PAUSE_EVIDENCE_S or _silence_near(gaps, (prev.end + words[i].start) / 2)


def _right_set_off(words: Sequence[Word], j: int, gaps: Sequence[Span]) -> bool:
    nxt = words[j + 1] if j + 1 < len(words) else None
    if _comma_after(words[j]) or nxt is None:
        return True
    return nxt.start - words[j].end >= PAUSE_EVIDENCE_S or _silence_near(gaps, (words[j].end + nxt.start) / 2)


def _set_off(words: Sequence[Word], i: int, j: int, gaps: Sequence[Span]) -> bool:
    """Words i..j are bounded by punctuation or silences on both sides.

    Silences come from the samples (`gaps` between speech islands) as well as from word times,
    because Whisper's timestamps often run a word into the silence after it.
    """
    return _left_set_off(words, i, gaps) and _right_set_off(words, j, gaps)


def _silence_at(gaps: Sequence[Span], t: float, reach: float = 0.05) -> bool:
    return any(g.start - reach <= t <= g.end + reach for g in gaps)


def _like_is_filler(words: Sequence[Word], bare: Sequence[str], i: int, gaps: Sequence[Span]) -> bool:
    """ "like" as a filler: set off on both sides, and not where the verb or the preposition stands.

    After a subject or a modal ("I like the moment", "I would like to") it is the verb; before "to"
    ("like to know") too. After any other word but a copula or a conjunction ("customers like fast
    replies", "sounded like a friend") it needs punctuation or a real silence right at both of its
    edges, not just a silence somewhere near (stop closures inside the phrase are short gaps).
    """
    prev = bare[i - 1] if i > 0 else ""
    nxt = bare[i + 1] if i + 1 < len(bare) else ""
    prev_comma = i > 0 and _comma_after(words[i - 1])
    if not prev_comma and (prev in LIKE_VERB_BEFORE or (nxt == "to" and not _comma_after(words[i]))):
        return False
    if not _set_off(words, i, i, gaps):
        return False
    if i == 0 or prev_comma or _ends_clause(words[i - 1]) or prev in LIKE_FILLER_BEFORE:
        return True
    left = words[i].start - words[i - 1].end >= PAUSE_EVIDENCE_S or _silence_at(gaps, words[i].start)
    right = (_comma_after(words[i]) or i + 1 >= len(words) or words[i + 1].start - words[i].end >= PAUSE_EVIDENCE_S
             or _silence_at(gaps, words[i].end))
    return left and right


MEAN_OBJECT = frozenset({"to", "that", "what", "by", "business", "it", "you", "him", "her", "them", "me", "well", "no", "any"})


def _i_mean_is_filler(words: Sequence[Word], bare: Sequence[str], i: int, gaps: Sequence[Span]) -> bool:
    """ "I mean" as a filler: a comma after it, or a silence after it at the start of a clause ("... review. I mean
    [pause] it showed me"); never "what I mean", "I mean to", "I mean that" (the verb with its object)."""
    after = bare[i + 2] if i + 2 < len(bare) else ""
    if i > 0 and bare[i - 1] in {"what", "do", "did", "you", "i"}:
        return False
    if _comma_after(words[i + 1]) or i + 2 >= len(words):
        return after not in {"to", "that", "what", "by", "business"}
    return after not in MEAN_OBJECT and _ends_clause(words[i - 1] if i else None) and _right_set_off(words, i + 1, gaps)


NUMBER_WORDS = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                          "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "a", "half"} - {"a"})
LIKE_AS_BEFORE = frozenset({"look", "looks", "looked", "sound", "sounds", "sounded", "seem", "seems", "seemed", "feel", "feels",
                            "felt", "something", "anything", "nothing", "more", "less", "just", "exactly", "much"})


def _like_before_number(bare: Sequence[str], i: int) -> bool:
    """ "waiting like six minutes": "like" before a number is the filler (a vague "about"), unless it is the verb
    ("I like 5 am starts") or the preposition after a verb of seeming ("it looked like two faults")."""
    nxt = bare[i + 1] if i + 1 < len(bare) else ""
    prev = bare[i - 1] if i > 0 else ""
    return (nxt.isdigit() or nxt in NUMBER_WORDS) and prev not in LIKE_VERB_BEFORE and prev not in LIKE_AS_BEFORE


def is_non_lexical(text: str) -> bool:
    return _bare(text) in NON_LEXICAL


def lexical_filler_spans(words: Sequence[Word], gaps: Sequence[Span] = ()) -> list[tuple[int, int]]:
    """Index ranges [i, j] of words that are lexical fillers or repetitions, by context.

    `gaps`: silences found in the samples (between speech islands), evidence of a pause.
    """
    bare = [_bare(w.text) for w in words]
    out: list[tuple[int, int]] = []
    i = 0
    n = len(words)
    while i < n:
        b = bare[i]
        nxt = bare[i + 1] if i + 1 < n else ""
        prev = bare[i - 1] if i > 0 else ""
        hit: tuple[int, int] | None = None
        if b in ALWAYS:
            hit = (i, i)
        elif b == "you" and nxt == "know" and i + 1 < n:
            after = bare[i + 2] if i + 2 < n else ""
            if prev not in {"do", "did", "don't", "if", "what", "would", "will", "could", "let", "to"} and (
                _comma_after(words[i + 1]) or i + 2 >= n
                or (after not in KNOW_OBJECT and (_left_set_off(words, i, gaps) or _right_set_off(words, i + 1, gaps)))
            ):
                hit = (i, i + 1)
        elif b == "i" and nxt == "mean" and i + 1 < n and _i_mean_is_filler(words, bare, i, gaps):
            hit = (i, i + 1)
        elif b in {"kind", "sort"} and nxt == "of" and prev not in DETERMINERS and not prev.endswith("'s"):
            hit = (i, i + 1)
        elif b == "like" and (_like_is_filler(words, bare, i, gaps) or _like_before_number(bare, i)):
            hit = (i, i)
        elif b in CLAUSE_START - {"like"} and _ends_clause(words[i - 1] if i else None) and _comma_after(words[i]):
            hit = (i, i)
        elif b == "right" and words[i].text.rstrip().endswith("?") and prev not in {"that", "is", "it's", "that's", "all"}:
            hit = (i, i)
        elif b and b == nxt and b not in {"that", "had", "very", "really", "so", "no", "bye", "many", "much"}:
            hit = (i, i)  # "I I think": the first of a repeated word
        elif words[i].text.endswith("-") and len(b) >= 1:
            hit = (i, i)  # a false start Whisper wrote as "we-"
        if hit:
            out.append(hit)
            i = hit[1] + 1
        else:
            i += 1
    return out


def lexical_fillers(words: Sequence[Word], gaps: Sequence[Span] = ()) -> list[FillerItem]:
    items = []
    for i, j in lexical_filler_spans(words, gaps):
        text = " ".join(_bare(w.text) for w in words[i : j + 1])
        kind = "repetition" if (i + 1 < len(words) and _bare(words[i].text) == _bare(words[i + 1].text)) or words[i].text.endswith("-") else "lexical"
        items.append(FillerItem(text, words[i].start, words[j].end, kind))
    return items
