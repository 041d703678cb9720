"""Pure scoring of one analyzer result against sample-exact truth, by the definitions in TARGETS.md.

Truth is a plain dict (written next to each rendered WAV) so the same code scores synthetic answers
and real clips:
  {"pieces": [{"kind", "text", "start", "end", "star", "lookalike"}], "first_speech_s", "last_speech_s",
   "wpm", "pauses": [[start, end], ...]}

This is the benchmarks' one normalizer (`normalize`) and word aligner (`word_errors`, `word_diff`,
`aligned_pairs`); the hesitation sounds it drops are the product's own list (`NON_LEXICAL`, from
voice_coach.analysis.lexical_fillers), which every benchmark takes from here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from voice_coach.analysis.lexical_fillers import NON_LEXICAL

__all__ = ["NON_LEXICAL", "FileScore", "aligned_pairs", "normalize", "reference_tokens", "score_file", "word_diff",
           "word_errors"]
FILLER_WIDEN_S = 0.3
PAUSE_TOL_S = 0.25

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORDINALS = {"1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth", "5th": "fifth", "10th": "tenth"}
_CONTRACTIONS = {
    "i'm": "i am", "i've": "i have", "i'd": "i would", "i'll": "i will", "it's": "it is", "that's": "that is",
    "don't": "do not", "didn't": "did not", "doesn't": "does not", "can't": "can not", "cannot": "can not",
    "won't": "will not", "wasn't": "was not", "weren't": "were not", "isn't": "is not", "aren't": "are not",
    "couldn't": "could not", "wouldn't": "would not", "shouldn't": "should not", "haven't": "have not",
    "hasn't": "has not", "there's": "there is", "what's": "what is", "let's": "let us", "we're": "we are",
    "they're": "they are", "you're": "you are", "he's": "he is", "she's": "she is", "we'll": "we will",
    "you'll": "you will", "they'll": "they will", "we've": "we have", "they've": "they have", "you've": "you have",
}
_SPELLING = {
    "apologise": "apologize", "apologised": "apologized", "centre": "center", "honour": "honor", "ok": "okay",
    "summarising": "summarizing", "prioritise": "prioritize", "travelling": "traveling", "organise": "organize",
    "realise": "realize", "realised": "realized", "colour": "color", "favour": "favor", "behaviour": "behavior",
}


def number_words(n: int) -> str:
    """Integer to English words (0 to 999,999,999), the way a speaker says it."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    for size, name in ((1_000_000, "million"), (1000, "thousand"), (100, "hundred")):
        if n >= size:
            rest = n % size
            return number_words(n // size) + " " + name + ("" if rest == 0 else " " + number_words(rest))
    return str(n)


def normalize(text: str | Iterable[str]) -> list[str]:
    """Case, punctuation, numbers, contractions and spelling made comparable; hesitations dropped.

    `text` is a string or a sequence of words (joined by spaces).
    """
    if not isinstance(text, str):
        text = " ".join(text)
    t = text.lower().replace("%", " percent").replace("’", "'")
    t = re.sub(r"(\d),(\d{3})", r"\1\2", t)
    t = re.sub(r"[-–—/]", " ", t)
    out: list[str] = []
    for raw in t.split():
        tok = re.sub(r"[^a-z0-9'.]", "", raw).strip(".'")
        if not tok:
            continue
        if tok in _ORDINALS:
            out.append(_ORDINALS[tok])
            continue
        if re.fullmatch(r"\d+", tok):
            out += number_words(int(tok)).split()
            continue
        if re.fullmatch(r"\d+\.\d+", tok):
            a, b = tok.split(".")
            out += number_words(int(a)).split() + ["point"] + [_ONES[int(d)] for d in b]
            continue
        tok = tok.replace(".", "")
        tok = _CONTRACTIONS.get(tok, tok)
        for w in tok.split():
            w = _SPELLING.get(w, w)
            if w not in NON_LEXICAL:
                out.append(w)
    return out


def reference_tokens(pieces: Sequence[dict]) -> list[tuple[str, bool]]:
    """(word, optional): speech words are required, lexical fillers may be said or left out."""
    tokens: list[tuple[str, bool]] = []
    for p in pieces:
        if p["kind"] == "speech":
            tokens += [(w, False) for w in normalize(p["text"])]
        elif p["kind"] == "filler":
            tokens += [(w, True) for w in normalize(p["text"])]
    return tokens


def word_errors(ref: Sequence[tuple[str, bool]], hyp: Sequence[str]) -> tuple[int, int]:
    """(errors, reference words): edit distance where optional reference words cost nothing to drop."""
    n_ref = sum(1 for _, opt in ref if not opt)
    prev = list(range(len(hyp) + 1))  # ref prefix of length 0: insert every hyp word
    for word, optional in ref:
        dele = 0 if optional else 1
        cur = [prev[0] + dele]
        for j, h in enumerate(hyp, 1):
            cur.append(min(prev[j] + dele, cur[j - 1] + 1, prev[j - 1] + (0 if h == word else 1)))
        prev = cur
    return prev[-1], n_ref


def _edit_path(ref: Sequence[tuple[str, bool]], hyp: Sequence[str]) -> list[tuple[str, int, int]]:
    """The minimal edit path behind `word_errors` as (op, ref index, hyp index), -1 where a side has no word.

    op: "=" same word, "S" substituted, "D" deleted, "I" inserted, "-" an optional word dropped.
    """
    n, m = len(ref), len(hyp)
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for j in range(1, m + 1):
        cost[0][j] = j
    for i, (word, optional) in enumerate(ref, 1):
        dele = 0 if optional else 1
        cost[i][0] = cost[i - 1][0] + dele
        for j in range(1, m + 1):
            cost[i][j] = min(cost[i - 1][j] + dele, cost[i][j - 1] + 1, cost[i - 1][j - 1] + (hyp[j - 1] != word))
    ops: list[tuple[str, int, int]] = []
    i, j = n, m
    while i or j:
        word, optional = ref[i - 1] if i else ("", False)
        if i and j and cost[i][j] == cost[i - 1][j - 1] + (hyp[j - 1] != word):
            ops.append(("=" if hyp[j - 1] == word else "S", i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + (0 if optional else 1):
            ops.append(("-" if optional else "D", i - 1, -1))
            i -= 1
        else:
            ops.append(("I", -1, j - 1))
            j -= 1
    return ops[::-1]


def word_diff(ref: Sequence[tuple[str, bool]], hyp: Sequence[str]) -> list[tuple[str, str, str]]:
    """The alignment behind `word_errors`, for reading: (op, reference word, written word); op as in `_edit_path`."""
    return [(op, ref[i][0] if i >= 0 else "", hyp[j] if j >= 0 else "") for op, i, j in _edit_path(ref, hyp)]


def aligned_pairs(ref: Sequence[str], hyp: Sequence[str]) -> list[tuple[int, int]]:
    """(ref index, hyp index) of the equal words on one minimal edit path (every reference word required)."""
    return [(i, j) for op, i, j in _edit_path([(w, False) for w in ref], hyp) if op == "="]


def max_matching(n_left: int, n_right: int, ok: Callable[[int, int], bool]) -> dict[int, int]:
    """Largest one-to-one matching (augmenting paths); returns left index -> right index."""
    adj = [[r for r in range(n_right) if ok(left, r)] for left in range(n_left)]
    match_r: dict[int, int] = {}

    def augment(left: int, seen: set[int]) -> bool:
        for r in adj[left]:
            if r in seen:
                continue
            seen.add(r)
            if r not in match_r or augment(match_r[r], seen):
                match_r[r] = left
                return True
        return False

    for left in range(n_left):
        augment(left, set())
    return {left: r for r, left in match_r.items()}


@dataclass
class FileScore:
    """Counts for one file; the report adds them up over the corpus."""

    name: str
    groups: dict[str, str] = field(default_factory=dict)
    wer_errors: int = 0
    wer_ref: int = 0
    filler_tp: int = 0
    filler_pred: int = 0
    filler_true: int = 0
    nonlex_tp: int = 0
    nonlex_true: int = 0
    nonlex_pred: int = 0
    """Reported hesitations (kind "hesitation"); nonlex_pred_tp of them match a spoken um/uh/er/erm/hmm."""
    nonlex_pred_tp: int = 0
    lex_tp: int = 0
    lex_true: int = 0
    lookalike_fa: int = 0
    lookalike_n: int = 0
    pause_tp: int = 0
    pause_pred: int = 0
    pause_true: int = 0
    pause_boundary_err: list[float] = field(default_factory=list)
    wpm_err_pct: float | None = None
    latency_err_s: float | None = None
    star_hits: int = 0
    star_seconds: int = 0
    star_presence_hits: int = 0
    star_presence_n: int = 0
    has_star_output: bool = False
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)


def _overlaps(a0: float, a1: float, b0: float, b1: float) -> bool:
    return a0 <= b1 and b0 <= a1


def _star_letter(label: Any) -> str | None:
    text = str(label or "").strip().upper()
    return text[0] if text[:1] in {"S", "T", "A", "R"} else None


def score_file(name: str, truth: dict, result: dict, groups: dict[str, str] | None = None) -> FileScore:
    """Score one analyzer JSON object against one truth dict (see the module docstring)."""
    fs = FileScore(name, dict(groups or {}))
    pieces = truth["pieces"]
    # word error rate
    fs.wer_errors, fs.wer_ref = word_errors(reference_tokens(pieces), normalize(result.get("transcript") or ""))
    # fillers
    truths = [p for p in pieces if p["kind"] == "filler"]
    preds = [i for i in (result.get("fillers") or {}).get("items") or []]
    match = max_matching(
        len(preds), len(truths),
        lambda i, j: _overlaps(preds[i]["start"], preds[i]["end"], truths[j]["start"] - FILLER_WIDEN_S, truths[j]["end"] + FILLER_WIDEN_S),
    )
    matched_truth = set(match.values())
    fs.filler_tp, fs.filler_pred, fs.filler_true = len(match), len(preds), len(truths)
    for j, t in enumerate(truths):
        lexical = t["text"].lower() not in NON_LEXICAL
        fs.lex_true += lexical
        fs.nonlex_true += not lexical
        if j in matched_truth:
            fs.lex_tp += lexical
            fs.nonlex_tp += not lexical
        else:
            fs.misses.append(f"filler {t['text']!r} {t['start']:.2f}-{t['end']:.2f}")
    for i, p in enumerate(preds):
        if p.get("kind", "hesitation") == "hesitation":
            fs.nonlex_pred += 1
            fs.nonlex_pred_tp += i in match and truths[match[i]]["text"].lower() in NON_LEXICAL
    unmatched = [p for i, p in enumerate(preds) if i not in match]
    for p in unmatched:
        fs.false_alarms.append(f"filler {p.get('text')!r} {p['start']:.2f}-{p['end']:.2f}")
    for look in (p for p in pieces if p.get("lookalike")):
        fs.lookalike_n += 1
        if any(_overlaps(p["start"], p["end"], look["start"], look["end"]) for p in unmatched):
            fs.lookalike_fa += 1
            fs.false_alarms.append(f"  ^ on look-alike {look['text']!r} {look['start']:.2f}-{look['end']:.2f}")
    # pauses
    tp = [tuple(x) for x in truth.get("pauses", [])]
    pp = [(float(i["start"]), float(i["end"])) for i in (result.get("pauses") or {}).get("items") or []]
    pm = max_matching(len(pp), len(tp), lambda i, j: abs(pp[i][0] - tp[j][0]) <= PAUSE_TOL_S and abs(pp[i][1] - tp[j][1]) <= PAUSE_TOL_S)
    fs.pause_tp, fs.pause_pred, fs.pause_true = len(pm), len(pp), len(tp)
    fs.pause_boundary_err = [(abs(pp[i][0] - tp[j][0]) + abs(pp[i][1] - tp[j][1])) / 2 for i, j in pm.items()]
    fs.misses += [f"pause {s:.2f}-{e:.2f}" for j, (s, e) in enumerate(tp) if j not in pm.values()]
    fs.false_alarms += [f"pause {s:.2f}-{e:.2f}" for i, (s, e) in enumerate(pp) if i not in pm]
    # pace and latency
    wpm_true, wpm = truth.get("wpm"), (result.get("pace") or {}).get("wpm")
    if wpm_true and wpm is not None:
        fs.wpm_err_pct = abs(float(wpm) - wpm_true) / wpm_true * 100
    lat = (result.get("pauses") or {}).get("response_latency_s")
    if truth.get("first_speech_s") is not None and lat is not None:
        fs.latency_err_s = abs(float(lat) - truth["first_speech_s"])
    _score_star(fs, truth, result)
    return fs


def _score_star(fs: FileScore, truth: dict, result: dict) -> None:
    """Once a second between first and last speech: the covering segment's label vs the sentence's."""
    speech = [p for p in truth["pieces"] if p["kind"] == "speech"]
    if not speech or not any("star" in p for p in speech):
        return
    segs = [s for s in (result.get("star") or {}).get("segments") or []]
    fs.has_star_output = bool(segs)
    first, last = truth["first_speech_s"], truth["last_speech_s"]
    t = first + 0.5
    while t < last:
        current = [p for p in speech if p["start"] <= t]
        want = current[-1].get("star") if current else speech[0].get("star")
        got = next((_star_letter(s.get("label")) for s in segs if s["start"] <= t < s["end"]), None)
        fs.star_hits += want == got
        fs.star_seconds += 1
        t += 1.0
    for letter in "STAR":
        has = any(p.get("star") == letter for p in speech)
        said = any(_star_letter(s.get("label")) == letter for s in segs)
        fs.star_presence_hits += has == said
        fs.star_presence_n += 1
