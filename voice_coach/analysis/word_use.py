"""How words are used across an answer: phrases said three or more times, the most-used content words,
the job-related terms of the bank."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from voice_coach.core.timed import Word

Sentence = tuple[str, float, float]
"""(text, start_s, end_s), as analysis.star.split_sentences gives them."""
Encode = Callable[[Sequence[str]], Sequence[Any]]
"""texts -> one object per text with `.tokens` ((n, d) unit rows) and `.pooled` ((d,) unit vector)."""

from voice_coach.analysis.content_words import STOP
from voice_coach.analysis.hedges import _bare

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
