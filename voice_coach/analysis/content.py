"""What the candidate said: the question's talking points, hedges, repeated phrases, most-used words, job terms.

Pure functions of the timed words and sentences of one answer. The only model input is an
`encode` callable (engines/sentence_model.py gives the real one; tests give a fake), so this module
imports no model library and can be tested on plain data.

Talking points. A point is judged against every sentence of the answer and every pair of adjacent
sentences ("units"), by three signals, combined by a logistic model fitted on the dev questions of
bench/data/content_answers.toml (bench/eval_content.py --fit):
* token recall: each word piece of the point (or of one of the bank's example phrasings of it) is
  matched to its closest word piece of the unit in context, and the matches are averaged
  (BERTScore recall): a long sentence is not diluted by what else it says;
* sentence similarity: the cosine of the unit's sentence embedding with the best example phrasing;
* wording: the share of the point's content words (stemmed, with a small table of general
  synonyms) found in the unit.
The best unit gives the time. Two cuts make three verdicts: "covered" only above a cut chosen for
precision (a point wrongly ticked misleads most), "missed" only below a cut chosen so that a point
named as missed was really missed, "unsure" between them (reported as not covered, never named).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from voice_coach.core.timed import Word

Sentence = tuple[str, float, float]
"""(text, start_s, end_s), as analysis.star.split_sentences gives them."""
Encode = Callable[[Sequence[str]], Sequence[Any]]
"""texts -> one object per text with `.tokens` ((n, d) unit rows) and `.pooled` ((d,) unit vector)."""

# ------------------------------------------------------------------ words
STOP = frozenset("""
a an the and or but if so of to in on at by for with from as is are was were be been being it its it's
this that these those i me my we our you your he him his she her they them their there here i'm i'd i've
i'll we're we'd we've you're you'd they're they'd he's she's that's there's what's let's let
what which who whom when where why how not no do does did done doing have has had having will would can
could should may might must shall just very really about into over than then too also such etc one ones
own rather instead while more most other some any each every all both either neither out up down off
again once yes yeah okay ok oh well get got getting go going went gone make made say said says tell told
thing things something anything everything nothing lot lots bit kind sort way
guess suppose maybe perhaps probably think know mean like actually basically literally hopefully sure
don't didn't doesn't can't couldn't won't wouldn't isn't wasn't aren't weren't haven't hasn't
customer customers caller callers user users candidate person people someone
""".split())
"""Function words, and the words every answer in a service interview uses, left out of content words."""

_WORD_RE = re.compile(r"[a-z0-9']+(?:-[a-z0-9']+)*")


def words_of(text: str) -> list[str]:
    """Lower-case words, possessive 's dropped ("customer's" -> "customer")."""
    out = []
    for w in _WORD_RE.findall(text.lower().replace("\u2019", "'")):
        w = w.strip("'")
        if w.endswith("'s") and w not in STOP:
            w = w[:-2]
        if w:
            out.append(w)
    return out


def stem(w: str) -> str:
    """A crude suffix stripper: enough to meet 'apologising' with 'apology', 'listening' with 'listen'."""
    w = w.lower().strip("'")
    for suf in ("isation", "ization", "ational", "fulness", "iveness", "ations", "ation", "ising", "izing",
                "ments", "ment", "ness", "ingly", "ings", "ing", "ised", "ized", "ises", "izes", "ise", "ize",
                "edly", "ied", "ies", "ed", "ly", "es", "s", "ful", "y", "e"):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            return w[: -len(suf)]
    return w


GENERIC_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("apologise", "apologize", "apology", "sorry"),
    ("calm", "composed", "steady", "level", "even", "relaxed"),
    ("polite", "politely", "courteous", "respectful", "respect", "civil", "professional"),
    ("listen", "listening", "hear", "attention"),
    ("acknowledge", "acknowledging", "acknowledgement", "understand", "recognise", "validate", "i see", "imagine"),
    ("feelings", "feel", "frustration", "frustrated", "frustrating", "upset", "annoyed", "angry", "stressful", "fed up"),
    ("resolution", "resolve", "resolved", "solve", "solved", "fix", "fixed", "sort", "sorted", "solution"),
    ("escalate", "escalating", "escalation", "supervisor", "manager", "team lead", "team leader"),
    ("mistake", "error", "wrong", "fault"),
    ("owning", "ownership", "own", "responsible", "myself"),
    ("quick", "quickly", "immediately", "straight away", "right away", "same day", "promptly"),
    ("honest", "honestly", "upfront", "plainly", "truth", "frank"),
    ("learned", "learn", "lesson", "since then", "taught"),
    ("verify", "verifying", "identity", "security questions", "account holder"),
    ("check", "checking", "look", "review", "search", "compare"),
    ("account", "history", "record", "records", "transactions"),
    ("writing", "written", "email", "letter", "in writing"),
    ("hold", "on hold"),
    ("permission", "ask", "okay if", "alright if", "mind"),
    ("knowledge base", "articles", "wiki", "faq", "documentation", "guide", "manual", "help articles"),
    ("colleague", "coworker", "teammate", "senior", "engineer"),
    ("promised", "promise", "said i would", "said i'd"),
    ("explain", "explaining", "reason", "why", "because"),
    ("policy", "rule", "rules", "procedure"),
    ("offering", "offer", "option", "options", "alternative", "credit", "voucher", "exchange"),
    ("empathy", "in their shoes"),
    ("jargon", "technical terms"),
    ("simple", "plain", "basic", "everyday", "easy", "short"),
    ("slowly", "slow", "slower", "slow down"),
    ("loudly", "loud", "louder"),
    ("interpreter", "translation", "translator"),
    ("patience", "patient", "take my time"),
    ("step", "steps", "one at a time"),
    ("summarising", "summary", "sum up", "read back", "recap"),
    ("notes", "note", "write down", "log", "logged", "ticket"),
    ("repeat", "again", "twice", "start over"),
    ("questions", "question", "clarify"),
    ("reminders", "reminder", "alert", "calendar"),
    ("handing over", "handover", "hand over"),
    ("support", "help"),
    ("restart", "reboot"),
    ("memory", "ram", "cpu", "processor"),
    ("remote", "remotely"),
    ("hardware", "parts"),
    ("affected", "how many"),
    ("impact", "deadline", "blocked"),
    ("service level", "response times", "target"),
)
"""General service-talk synonyms (the prototype's table, with no phrase from any labelled answer)."""


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], int]:
    table: dict[str, str] = {}
    for group in GENERIC_SYNONYMS:
        for w in group:
            table.setdefault(" ".join(stem(t) for t in w.split()), group[0])
    return table, max(len(k.split()) for k in table)


@lru_cache(maxsize=8192)
def concepts(text: str) -> frozenset[str]:
    """Content stems of a text; a synonym phrase counts as its group ('=apologise')."""
    table, longest = _table()
    ws = words_of(text)
    stems = [stem(w) for w in ws]
    out: set[str] = set()
    used = [False] * len(ws)
    for n in range(longest, 0, -1):
        for i in range(len(ws) - n + 1):
            if any(used[i:i + n]):
                continue
            group = table.get(" ".join(stems[i:i + n]))
            if group is not None and (n > 1 or ws[i] not in STOP):
                out.add("=" + group)
                used[i:i + n] = [True] * n
    out.update(s for w, s, u in zip(ws, stems, used) if not u and w not in STOP and len(w) > 2)
    return frozenset(out)


def wording_score(point: str, text: str) -> float:
    """Share of the point's concepts found in the text."""
    p = concepts(point)
    return len(p & concepts(text)) / len(p) if p else 0.0


# ------------------------------------------------------------------ talking points
COVERED, UNSURE, MISSED = "covered", "unsure", "missed"

EXAMPLES_POOLED = 2
"""A unit's example score is the mean over the best this many of the point's examples."""
# Fitted by bench/eval_content.py --fit on the dev questions only (standardised features).
FEATURES = ("recall_point", "recall_example", "pooled_example", "wording", "recall_point_content",
            "recall_example_content")
WEIGHTS = (0.3514, 1.4212, -0.9893, 0.2527, -0.785, 1.7327)
MEANS = (0.2534, 0.4216, 0.3933, 0.0804, 0.2425, 0.3426)
SCALES = (0.1083, 0.1324, 0.1603, 0.1772, 0.123, 0.151)
BIAS = -2.0121
COVERED_FROM = 0.3012
"""Score at or above which a point is reported covered (chosen on dev for precision of "covered")."""
MISSED_BELOW = -2.4266
"""Score below which a point is named as missed (chosen on dev for precision of "missed")."""
# Without example phrasings in the bank only the point's own text can be matched: its own fit.
WEIGHTS_BARE = (1.108, 0.0, 0.0, 0.5242, -0.6031, 0.0)
BIAS_BARE = -0.9601
COVERED_FROM_BARE = 3.2260
MISSED_BELOW_BARE = -1.3403


@dataclass(frozen=True)
class TalkingPoint:
    point: str
    covered: bool
    start: float | None
    end: float | None
    status: str = UNSURE
    """"covered", "missed" (confidently not said) or "unsure" (not counted as covered, never named)."""
    score: float | None = None
    """The logistic score of the best unit (covered from COVERED_FROM); None when not judged."""
    sentence: str | None = None
    """The text of the sentence(s) that cover it, when covered."""

    def to_dict(self) -> dict:
        return {"point": self.point, "covered": self.covered, "start": _r(self.start), "end": _r(self.end),
                "status": self.status, "score": _r(self.score), "sentence": self.sentence}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TalkingPoint:
        covered = bool(d.get("covered", False))
        return cls(str(d.get("point", "")), covered, _f(d.get("start")), _f(d.get("end")),
                   str(d.get("status") or (COVERED if covered else UNSURE)), _f(d.get("score")), d.get("sentence"))


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 3)


def _f(x: Any) -> float | None:
    return None if x is None else float(x)


def _units(n: int) -> list[tuple[int, ...]]:
    return [(i,) for i in range(n)] + [(i, i + 1) for i in range(n - 1)]


def unit_features(point: str, examples: Sequence[str], point_enc: Any, example_encs: Sequence[Any],
                  texts: Sequence[str], sentence_encs: Sequence[Any]) -> list[tuple[tuple[int, ...], tuple[float, ...]]]:
    """(unit, features in FEATURES order) for each sentence and each pair of adjacent sentences."""
    import numpy as np

    n = len(texts)
    units = _units(n)
    lengths = [len(s.tokens) for s in sentence_encs]
    dim = point_enc.tokens.shape[1] if point_enc.tokens.ndim == 2 else 0
    nonempty = [k for k in range(n) if lengths[k]]
    all_tokens = (np.concatenate([sentence_encs[k].tokens for k in nonempty]) if nonempty
                  else np.zeros((0, dim), dtype=np.float32))
    starts = np.cumsum([0] + [lengths[k] for k in nonempty[:-1]]) if nonempty else np.zeros(0, dtype=int)

    def recalls(q: Any) -> tuple[Any, Any]:
        """Per unit: mean over q's pieces of the best cosine in the unit, plain and over content words."""
        if not len(q.tokens):
            return np.zeros(len(units)), np.zeros(len(units))
        best = np.full((len(q.tokens), n), -1.0, dtype=np.float32)
        if nonempty:
            best[:, nonempty] = np.maximum.reduceat(q.tokens @ all_tokens.T, starts, axis=1)
        per_unit = np.concatenate([best, np.maximum(best[:, :-1], best[:, 1:])], axis=1) if n > 1 else best
        weights = content_weights(q)
        total = float(weights.sum())
        plain = per_unit.mean(0)
        content = (weights @ per_unit) / total if total else plain
        return plain, content

    rp, rpc = recalls(point_enc)
    if example_encs:
        ex = [recalls(e) for e in example_encs]
        # the mean of the two best-matching examples: with five examples, the single best one also
        # meets near-misses by chance (dev, leave-one-question-out: 0.854 against 0.842 for the best one)
        k2 = min(EXAMPLES_POOLED, len(ex))
        re_ = np.sort(np.array([r for r, _ in ex]), axis=0)[-k2:].mean(0)
        rec = np.sort(np.array([c for _, c in ex]), axis=0)[-k2:].mean(0)
        pooled = np.stack([s.pooled for s in sentence_encs])
        if n > 1:
            pairs = pooled[:-1] + pooled[1:]
            pooled = np.concatenate([pooled, pairs / np.maximum(np.linalg.norm(pairs, axis=1, keepdims=True), 1e-9)])
        pe = (pooled @ np.stack([e.pooled for e in example_encs]).T).max(1)
    else:
        re_ = rec = pe = np.zeros(len(units))
    lex = [wording_score(point, t) for t in texts]
    wl = [max(lex[i] for i in unit) for unit in units]
    return [(unit, (float(rp[k]), float(re_[k]), float(pe[k]), float(wl[k]), float(rpc[k]), float(rec[k])))
            for k, unit in enumerate(units)]


def content_weights(enc: Any) -> Any:
    """1 for a word piece of a content word, 0 for function words and punctuation."""
    import numpy as np

    words = getattr(enc, "words", ()) or ()
    if len(words) != len(enc.tokens):
        return np.ones(len(enc.tokens), dtype=np.float32)
    return np.array([0.0 if (w in STOP or len(w) < 2 or not any(c.isalnum() for c in w)) else 1.0 for w in words],
                    dtype=np.float32)


def score(features: Sequence[float], with_examples: bool) -> float:
    """The logistic score (log-odds of "covered") of one unit's features."""
    weights, bias = (WEIGHTS, BIAS) if with_examples else (WEIGHTS_BARE, BIAS_BARE)
    return bias + sum(w * (x - m) / s for w, x, m, s in zip(weights, features, MEANS, SCALES))


def verdict(z: float, with_examples: bool) -> str:
    covered_from, missed_below = (COVERED_FROM, MISSED_BELOW) if with_examples else (COVERED_FROM_BARE, MISSED_BELOW_BARE)
    if z >= covered_from:
        return COVERED
    return MISSED if z < missed_below else UNSURE


def judge_points(points: Sequence[str], examples: Sequence[Sequence[str]], sentences: Sequence[Sentence],
                 encode: Encode) -> tuple[TalkingPoint, ...]:
    """One TalkingPoint per point, in order. `examples[i]` are the bank's phrasings of points[i] (may be empty)."""
    if not points:
        return ()
    texts = [s[0] for s in sentences]
    if not texts:
        return tuple(TalkingPoint(p, False, None, None, MISSED) for p in points)
    examples = [tuple(examples[i]) if i < len(examples) else () for i in range(len(points))]
    bank_has_examples = any(examples)
    flat = [*points, *(e for ex in examples for e in ex)]
    encs = list(encode(flat + texts))
    point_encs, rest, sentence_encs = encs[:len(points)], encs[len(points):len(flat)], encs[len(flat):]
    out = []
    k = 0
    for i, p in enumerate(points):
        ex_encs = rest[k:k + len(examples[i])]
        k += len(examples[i])
        with_examples = bool(examples[i])
        if bank_has_examples and not with_examples:
            # the bank gives examples for the other points but none here: a point about the form of the
            # answer ("a finish within about a minute and a half") that sentences cannot show; not judged
            out.append(TalkingPoint(p, False, None, None, UNSURE))
            continue
        best_z, best_unit = -math.inf, (0,)
        single_z, single_unit = -math.inf, (0,)
        for unit, feats in unit_features(p, examples[i], point_encs[i], ex_encs, texts, sentence_encs):
            z = score(feats, with_examples)
            if z > best_z:
                best_z, best_unit = z, unit
            if len(unit) == 1 and z > single_z:
                single_z, single_unit = z, unit
        status = verdict(best_z, with_examples)
        if status == COVERED and verdict(single_z, with_examples) == COVERED:
            best_unit = single_unit  # where: the one sentence that covers it, when one does on its own
        if status == COVERED:
            first, last = sentences[best_unit[0]], sentences[best_unit[-1]]
            text = " ".join(sentences[j][0] for j in best_unit)
            out.append(TalkingPoint(p, True, first[1], last[2], status, round(best_z, 3), text))
        else:
            out.append(TalkingPoint(p, False, None, None, status, round(best_z, 3)))
    return tuple(out)


def coverage_of(points: Sequence[TalkingPoint]) -> float | None:
    return sum(p.covered for p in points) / len(points) if points else None


def most_important_missed(points: Sequence[TalkingPoint]) -> TalkingPoint | None:
    """The point to name ("you didn't say ..."): the first missed one in the bank's order (banks list
    the points that matter most first), and only a confident miss."""
    return next((p for p in points if p.status == MISSED), None)


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
    spoken = [w for w in words if not (w.filler and _bare(w.text) in {"um", "uh", "er", "erm", "hmm", "mm", "ah"})]
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


# ------------------------------------------------------------------ repeats, top words, job terms
REPEAT_MIN = 3
"""A 2-4-word phrase said this many times in one answer is reported (issue 14)."""
TOP_WORDS = 5


def _spoken_runs(words: Sequence[Word]) -> list[list[str]]:
    """The non-filler words as runs that stop at sentence ends (a phrase never spans two sentences)."""
    runs: list[list[str]] = [[]]
    for w in words:
        if w.filler or w.source != "asr":
            continue
        b = _bare(w.text)
        if b:
            runs[-1].append(b)
        if w.text.rstrip().endswith((".", "?", "!")):
            runs.append([])
    return [r for r in runs if r]


REPEAT_MAX_WORDS = 6
"""Repeated 2-4-word phrases are grown to the longest phrase said as often, up to this many words
("at the end of the day" rather than three overlapping four-word pieces of it)."""


def find_repeats(words: Sequence[Word], min_count: int = REPEAT_MIN) -> tuple[tuple[str, int], ...]:
    """Phrases of two words or more said `min_count` or more times, with at least one content word; a
    phrase inside a longer repeated one that is said as often is left out ("at the end" in "at the end of")."""
    counts: Counter[tuple[str, ...]] = Counter()
    for run in _spoken_runs(words):
        for n in range(2, REPEAT_MAX_WORDS + 1):
            for i in range(len(run) - n + 1):
                counts[tuple(run[i:i + n])] += 1
    frequent = {p: c for p, c in counts.items() if c >= min_count and any(w not in STOP and len(w) > 2 for w in p)}
    kept = []
    for p, c in frequent.items():
        longer = [q for q, d in frequent.items() if len(q) > len(p) and d >= c and _contains(q, p)]
        if not longer:
            kept.append((" ".join(p), c))
    kept.sort(key=lambda pc: (-pc[1], -len(pc[0].split()), pc[0]))
    return tuple(kept)


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))


def _word_key(w: str) -> str:
    """One form for a word and its plural ("calls" and "call")."""
    return w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w


def word_counts(words: Sequence[Word]) -> Counter[str]:
    """Content words (no function words, no fillers, three letters or more) and how often each was said."""
    forms: dict[str, Counter[str]] = {}
    for run in _spoken_runs(words):
        for w in run:
            if w in STOP or len(w) < 3 or w.isdigit() or "'" in w:
                continue
            forms.setdefault(_word_key(w), Counter())[w] += 1
    return Counter({c.most_common(1)[0][0]: sum(c.values()) for c in forms.values()})


def top_words(words: Sequence[Word], n: int = TOP_WORDS) -> tuple[tuple[str, int], ...]:
    """The most-used content words of an answer, said at least twice."""
    return tuple((w, c) for w, c in sorted(word_counts(words).items(), key=lambda wc: (-wc[1], wc[0])) if c >= 2)[:n]


def job_terms(words: Sequence[Word], terms: Sequence[str]) -> tuple[tuple[str, int], ...]:
    """The bank's job-related terms the answer used, with counts ("ticket" also matches "tickets")."""
    runs = _spoken_runs(words)
    out = []
    for term in terms:
        key = tuple(_word_key(t) for t in (_bare(x) for x in term.split()) if t)
        if not key:
            continue
        n = len(key)
        count = sum(1 for run in runs for i in range(len(run) - n + 1)
                    if tuple(_word_key(w) for w in run[i:i + n]) == key)
        if count:
            out.append((term, count))
    return tuple(out)


# ------------------------------------------------------------------ a situational answer's plan
_STEP_OPENERS = re.compile(
    r"\b(?:i'd|i would|i will|i'll|i'm going to|i am going to|i usually|i always|i normally|i first|"
    r"i try to|i make sure|i ask|i check|i tell|i explain|i offer|i'd first|"
    r"first(?:ly)?|then|next|after that|once|before|finally|if (?:that|it|they|nothing))\b")
_OUTCOME_CUES = re.compile(
    r"\b(?:so that|that way|so they|so the customer|so the caller|so the user|hopefully|by the end|in the end|"
    r"end up|ends up|would end|they'd (?:leave|feel|know|have|be)|they would (?:leave|feel|know|have|be)|"
    r"should (?:be|have|feel|calm|know|leave)|the (?:result|outcome|goal)|resolved|sorted|fixed|satisfied|"
    r"happy|calm(?:s|ed)? down|knows? what|leave(?:s)? the call|no need to call back|won't have to)\b")


@dataclass(frozen=True)
class Plan:
    """A situational answer judged as a plan: the steps the candidate would take and the outcome expected."""

    steps: int
    """Sentences that state a step the candidate would take (or takes)."""
    outcome: bool
    """A sentence says how it should end (what the customer would have, feel or know)."""
    outcome_start: float | None = None

    def to_dict(self) -> dict:
        return {"steps": self.steps, "outcome": self.outcome, "outcome_start": _r(self.outcome_start)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Plan:
        return cls(int(d.get("steps", 0)), bool(d.get("outcome", False)), _f(d.get("outcome_start")))


def plan_of(sentences: Sequence[Sentence]) -> Plan:
    """Steps and expected outcome by wording cues; a first-person step of one's own counts, "I think" alone not."""
    steps, outcome_at = 0, None
    for text, start, _ in sentences:
        low = " ".join(words_of(text))
        if _STEP_OPENERS.search(low):
            steps += 1
        if outcome_at is None and _OUTCOME_CUES.search(low):
            outcome_at = start
    return Plan(steps, outcome_at is not None, outcome_at)


# ------------------------------------------------------------------ the answer's content
@dataclass(frozen=True)
class ContentResult:
    """What the answer said; `talking_points` is empty when no question was given (then coverage is None)."""

    talking_points: tuple[TalkingPoint, ...] = ()
    hedges: tuple[HedgeItem, ...] = ()
    repeats: tuple[tuple[str, int], ...] = ()
    top_words: tuple[tuple[str, int], ...] = ()
    job_terms: tuple[tuple[str, int], ...] = ()
    note: str | None = None
    """Why the talking points were not judged although a question was given (the model is missing)."""
    plan: Plan | None = None
    """For a situational question: its steps and expected outcome; None for other kinds."""

    @property
    def coverage(self) -> float | None:
        return coverage_of(self.talking_points)

    @property
    def missed(self) -> TalkingPoint | None:
        return most_important_missed(self.talking_points)

    def to_dict(self) -> dict:
        cov = self.coverage
        return {
            "talking_points": [p.to_dict() for p in self.talking_points],
            "coverage": None if cov is None else round(cov, 3),
            "hedges": {"count": len(self.hedges), "items": [h.to_dict() for h in self.hedges]},
            "repeats": [{"phrase": p, "count": c} for p, c in self.repeats],
            "top_words": [{"word": w, "count": c} for w, c in self.top_words],
            "job_terms": [{"term": t, "count": c} for t, c in self.job_terms],
            "note": self.note,
            "plan": None if self.plan is None else self.plan.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> ContentResult:
        d = d or {}
        hedges = d.get("hedges") or {}
        return cls(tuple(TalkingPoint.from_dict(p) for p in d.get("talking_points") or ()),
                   tuple(HedgeItem.from_dict(h) for h in hedges.get("items") or ()),
                   tuple((str(r["phrase"]), int(r["count"])) for r in d.get("repeats") or ()),
                   tuple((str(r["word"]), int(r["count"])) for r in d.get("top_words") or ()),
                   tuple((str(r["term"]), int(r["count"])) for r in d.get("job_terms") or ()),
                   d.get("note"), Plan.from_dict(d["plan"]) if d.get("plan") else None)


def analyze_content(words: Sequence[Word], sentences: Sequence[Sentence], question: Any = None,
                    terms: Sequence[str] = (), encode: Encode | None = None) -> ContentResult:
    """The content of one answer. `question` (interview.bank.Question or None) gives the talking points
    and their examples; `encode` is the sentence model (None: the real one, loaded on first use)."""
    language: dict[str, Any] = dict(hedges=find_hedges(words), repeats=find_repeats(words), top_words=top_words(words),
                                    job_terms=job_terms(words, terms))
    if getattr(question, "kind", None) == "situational":
        language["plan"] = plan_of(sentences)
    points = tuple(getattr(question, "listen_for", ()) or ()) if question is not None else ()
    if not points:
        return ContentResult(**language)
    examples = [tuple(question.examples_for(i)) if hasattr(question, "examples_for") else () for i in range(len(points))]
    if encode is None:
        from voice_coach.engines.sentence_model import SentenceModelError, get_model

        try:
            encode = get_model().encode
        except SentenceModelError as exc:
            return ContentResult(tuple(TalkingPoint(p, False, None, None, UNSURE) for p in points), note=str(exc),
                                 **language)
    return ContentResult(judge_points(points, examples, sentences, encode), **language)


def session_top_words(analyses: Sequence[Any], n: int = 10) -> tuple[tuple[str, int], ...]:
    """The most-used content words over a session's answers (AnswerAnalysis records)."""
    total: Counter[str] = Counter()
    for a in analyses:
        total.update(word_counts(a.words))
    return tuple((w, c) for w, c in sorted(total.items(), key=lambda wc: (-wc[1], wc[0])) if c >= 2)[:n]


def session_coverage(analyses: Sequence[Any]) -> float | None:
    """Talking points covered over all answers that had a question with points (None if none had)."""
    points = [p for a in analyses for p in (a.content.talking_points if getattr(a, "content", None) else ())]
    return coverage_of(points)
