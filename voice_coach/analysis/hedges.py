"""Hedges: words that soften a claim ("I guess", "I think maybe", a softening "kind of", "just" as a
softener, "hopefully"), counted apart from fillers, each with its time."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from voice_coach.analysis.lexical_fillers import NON_LEXICAL
from voice_coach.core.timed import Word

Sentence = tuple[str, float, float]
"""(text, start_s, end_s), as analysis.star.split_sentences gives them."""
Encode = Callable[[Sequence[str]], Sequence[Any]]
"""texts -> one object per text with `.tokens` ((n, d) unit rows) and `.pooled` ((d,) unit vector)."""

# ------------------------------------------------------------------ hedges
@dataclass(frozen=True)
class HedgeItem:
    """One hedge: words that soften the candidate's own claim ("I guess", "I'd probably", "kind of")."""

    text: str
    start: float
    end: float
    kind: str
    """The hedge's type: "i guess", "i suppose", "i think maybe", "maybe", "probably", "kind of",
    "sort of", "just", "hopefully"."""
    also_filler: bool = False
    """The same words are counted as a lexical filler too (a softening "kind of" / "sort of" is both)."""

    def to_dict(self) -> dict:
        return {"text": self.text, "start": round(self.start, 3), "end": round(self.end, 3), "kind": self.kind,
                "also_filler": self.also_filler}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> HedgeItem:
        return cls(str(d.get("text", "")), float(d.get("start", 0.0)), float(d.get("end", 0.0)), str(d.get("kind", "")),
                   bool(d.get("also_filler", False)))


_FIRST_PERSON = frozenset({"i", "i'd", "i'll", "i'm", "we", "we'd", "we'll", "we're"})
_MODALS = frozenset({"would", "will", "could", "should", "might", "can", "'d", "d"})
_BETWEEN = frozenset({"would", "also", "then", "probably", "maybe", "really", "always", "usually", "often",
                      "definitely", "most", "not", "first"})
_KIND_DETERMINERS = frozenset({"a", "an", "the", "this", "that", "these", "those", "what", "which", "any", "some", "every",
                               "each", "same", "different", "another", "other", "no", "one", "my", "our", "your", "their",
                               "his", "her", "its", "all", "certain", "particular", "right", "wrong", "only", "weird",
                               "strange", "similar", "special", "new", "whole", "first"})
_OBJECT_PRONOUNS = frozenset({"you", "him", "her", "them", "us", "me"})
_CONTRACTED_BE = frozenset({"it's", "that's", "he's", "she's", "there's", "was", "is", "were", "are", "i'm", "we're", "been"})
_SOFT_AFTER_JUST = frozenset({
    "wanted", "want", "wanna", "wondering", "wondered", "thought", "think", "felt", "feel", "needed", "need", "tried",
    "try", "ask", "asked", "say", "said", "mean", "kind", "sort", "let", "tell", "told", "check", "checked", "go", "went",
    "do", "did", "kept", "keep", "stay", "stayed", "listen", "listened", "explain", "explained", "call", "called", "put",
    "give", "gave", "help", "helped", "make", "made", "take", "took", "get", "hope", "be", "was", "am", "ring", "send",
    "sent", "apologise", "apologised", "apologize", "offer", "offered", "look", "looked", "see", "wait", "waited", "push",
    "pushed", "answer", "answered", "reset", "restart", "follow", "followed", "talk", "talked", "not"})
"""After "just" (first person near), a softener; "just" as only/exactly/recently ("just two", "just in time",
"I've just started", "it just broke") is left alone."""
_MANNER_VERBS = frozenset({"looked", "look", "smiled", "smile", "asked", "said", "waited", "glanced", "stared", "nodded"})
_NUMBERISH = frozenset({"a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twenty",
                        "thirty", "forty", "fifty", "hundred", "half", "once", "twice", "about", "around", "every", "some",
                        "several", "few", "last", "next"})


def _bare(text: str) -> str:
    t = text.lower().replace("\u2019", "'")
    return "".join(ch for ch in t if ch.isalnum() or ch == "'").strip("'")


def _stops_after(text: str) -> bool:
    return text.rstrip().endswith((".", "?", "!", ",", ";", ":", "-", "\u2014"))


def _subject_near(bare: Sequence[str], i: int, reach: int = 3) -> bool:
    """A first-person subject (optionally with a modal) within `reach` words before i."""
    for k in range(i - 1, max(-1, i - 1 - reach), -1):
        if bare[k] in _FIRST_PERSON:
            return True
        if bare[k] not in _MODALS and bare[k] not in _BETWEEN:
            return False
    return False


def _softening_kind_of(bare: Sequence[str], i: int) -> bool:
    """"kind of"/"sort of" as an adverb ("it was kind of hard"), not a noun ("a kind of router", "what kind of")."""
    prev = bare[i - 1] if i > 0 else ""
    after = bare[i + 2] if i + 2 < len(bare) else ""
    if prev in _KIND_DETERMINERS or (prev.endswith("'s") and prev not in _CONTRACTED_BE):
        return False
    if after in _OBJECT_PRONOUNS and prev in {"very", "so", "really", "how", "too"} | _CONTRACTED_BE:
        return False  # it's kind of you
    return bool(after)


def _just_softener(words: Sequence[Word], bare: Sequence[str], i: int) -> bool:
    n = len(words)
    nxt = bare[i + 1] if i + 1 < n else ""
    prev = bare[i - 1] if i > 0 else ""
    if prev in {"only", "have", "had", "has", "i've", "we've", "'ve", "is", "are", "was", "were", "it's", "that's", "not"}:
        return False  # only just, I've just started, it's just me, not just
    if nxt == "to":  # "Just to check, ..." opening a clause
        return i == 0 or _stops_after(words[i - 1].text)
    return nxt in _SOFT_AFTER_JUST and _subject_near(bare, i)


def find_hedges(words: Sequence[Word]) -> tuple[HedgeItem, ...]:
    """Hedges in the candidate's words (fillers are skipped), in order, each with its type and time."""
    spoken = [w for w in words if not (w.filler and _bare(w.text) in NON_LEXICAL)]
    bare = [_bare(w.text) for w in spoken]
    n = len(spoken)
    found: list[HedgeItem] = []
    i = 0
    while i < n:
        b, nxt = bare[i], bare[i + 1] if i + 1 < n else ""
        prev_ends = i == 0 or _stops_after(spoken[i - 1].text)
        hit: tuple[int, int, str] | None = None
        if b in {"i", "i'd"} and nxt in {"guess", "suppose"}:
            hit = (i, i + 1, f"i {nxt}")
        elif b == "i" and nxt in {"would", "'d"} and i + 2 < n and bare[i + 2] == "guess":
            hit = (i, i + 2, "i guess")
        elif b == "i" and nxt == "think" and i + 2 < n and bare[i + 2] in {"maybe", "perhaps"}:
            hit = (i, i + 2, "i think maybe")
        elif b in {"maybe", "perhaps"} and i + 1 < n and nxt not in _NUMBERISH and not nxt.isdigit() and (
                _subject_near(bare, i) or (prev_ends and nxt in _FIRST_PERSON)):
            hit = (i, i, "maybe")
        elif b in {"kind", "sort"} and nxt == "of" and _softening_kind_of(bare, i):
            hit = (i, i + 1, f"{b} of")
        elif b == "just" and _just_softener(spoken, bare, i):
            hit = (i, i, "just")
        elif b == "hopefully" and not any(bare[k] in _MANNER_VERBS for k in range(max(0, i - 3), i)):
            hit = (i, i, "hopefully")
        elif b == "probably" and _subject_near(bare, i):
            hit = (i, i, "probably")
        if hit:
            a, z, kind = hit
            text = " ".join(w.text for w in spoken[a:z + 1]).strip(" ,.;:!?")
            found.append(HedgeItem(text, spoken[a].start, spoken[z].end, kind, any(w.filler for w in spoken[a:z + 1])))
            i = z + 1
        else:
            i += 1
    return tuple(found)
