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
  synonyms) found in the unit;
* margin over the other points: the unit's example recall for this point less the best example
  recall of the question's other points on the same unit. A near-miss sentence shares words with a
  point but is usually said about a sibling point of the same question, which it then matches
  better (dev, leave-one-question-out: accuracy 0.836 -> 0.854 at the same precision, bench/README.md).
The best unit gives the time. Two cuts make three verdicts: "covered" only above a cut chosen for
precision (a point wrongly ticked misleads most), "missed" only below a cut chosen so that a point
named as missed was really missed, "unsure" between them (reported as not covered, never named).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from voice_coach.core.timed import Word

Sentence = tuple[str, float, float]
"""(text, start_s, end_s), as analysis.star.split_sentences gives them."""
Encode = Callable[[Sequence[str]], Sequence[Any]]
"""texts -> one object per text with `.tokens` ((n, d) unit rows) and `.pooled` ((d,) unit vector)."""

from voice_coach.analysis.content_words import STOP, wording_score, words_of
from voice_coach.analysis.hedges import HedgeItem, find_hedges
from voice_coach.analysis.word_use import find_repeats, job_terms, top_words, word_counts

# ------------------------------------------------------------------ talking points
COVERED, UNSURE, MISSED = "covered", "unsure", "missed"

EXAMPLES_POOLED = 2
"""A unit's example score is the mean over the best this many of the point's examples."""
# Fitted by bench/eval_content.py --fit on the dev questions only (standardised features).
FEATURES = ("recall_point", "recall_example", "pooled_example", "wording", "recall_point_content",
            "recall_example_content", "example_margin")
MARGIN = FEATURES.index("example_margin")
WEIGHTS = (-0.1155, 1.3856, -0.9665, 0.2473, -0.6162, 1.3027, 1.4941)
MEANS = (0.2561, 0.4247, 0.3967, 0.0823, 0.2446, 0.3486, -0.0928)
SCALES = (0.1098, 0.1321, 0.1585, 0.177, 0.1238, 0.1523, 0.1471)
BIAS = -2.3821
COVERED_FROM = 0.0838
"""Score at or above which a point is reported covered (chosen on dev for precision of "covered")."""
MISSED_BELOW = -2.0756
"""Score below which a point is named as missed (chosen on dev for precision of "missed")."""
# Without example phrasings in the bank only the point's own text can be matched: its own fit.
WEIGHTS_BARE = (0.9907, 0.0, 0.0, 0.5474, -0.5195, 0.0, 0.0)
BIAS_BARE = -0.8191
COVERED_FROM_BARE = 3.5860
MISSED_BELOW_BARE = -1.5279


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


WINDOW = 2
"""Units are runs of 1 to WINDOW adjacent sentences: a point is often made over two sentences."""


def _units(n: int) -> list[tuple[int, ...]]:
    return [tuple(range(i, i + w)) for w in range(1, WINDOW + 1) for i in range(n - w + 1)]


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
        per_unit = np.concatenate([best[:, list(u)].max(1, keepdims=True) for u in units], axis=1)
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
        sums = np.stack([pooled[list(u)].sum(0) for u in units])
        pooled = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-9)
        pe = (pooled @ np.stack([e.pooled for e in example_encs]).T).max(1)
    else:
        re_ = rec = pe = np.zeros(len(units))
    lex = [wording_score(point, t) for t in texts]
    wl = [max(lex[i] for i in unit) for unit in units]
    return [(unit, (float(rp[k]), float(re_[k]), float(pe[k]), float(wl[k]), float(rpc[k]), float(rec[k])))
            for k, unit in enumerate(units)]


def question_features(points: Sequence[str], examples: Sequence[Sequence[str]], point_encs: Sequence[Any],
                      example_encs: Sequence[Sequence[Any]], texts: Sequence[str], sentence_encs: Sequence[Any],
                      ) -> list[list[tuple[tuple[int, ...], tuple[float, ...]]]]:
    """unit_features for every point of a question, each with the margin over the other points added
    (FEATURES order). A point with no sibling that has examples gets the dev mean: no evidence either way."""
    per_point = [unit_features(p, examples[i], point_encs[i], example_encs[i], texts, sentence_encs)
                 for i, p in enumerate(points)]
    recall = FEATURES.index("recall_example")
    out = []
    for i, rows in enumerate(per_point):
        siblings = [per_point[j] for j in range(len(points)) if j != i and examples[j]]
        new = []
        for k, (unit, feats) in enumerate(rows):
            margin = (feats[recall] - max(s[k][1][recall] for s in siblings)) if siblings else MEANS[MARGIN]
            new.append((unit, (*feats, float(margin))))
        out.append(new)
    return out


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
    ex_encs_all, k = [], 0
    for ex in examples:
        ex_encs_all.append(rest[k:k + len(ex)])
        k += len(ex)
    features = question_features(points, examples, point_encs, ex_encs_all, texts, sentence_encs)
    out = []
    for i, p in enumerate(points):
        with_examples = bool(examples[i])
        if bank_has_examples and not with_examples:
            # the bank gives examples for the other points but none here: a point about the form of the
            # answer ("a finish within about a minute and a half") that sentences cannot show; not judged
            out.append(TalkingPoint(p, False, None, None, UNSURE))
            continue
        best_z, best_unit = -math.inf, (0,)
        single_z, single_unit = -math.inf, (0,)
        for unit, feats in features[i]:
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
