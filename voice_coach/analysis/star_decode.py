"""Joint labelling of an answer's sentences: cue scores + position prior + STAR order (Viterbi).

Why joint: one sentence alone is often ambiguous ("I called her back" is an action, "she called
back" may be a result), but answers mostly run Situation -> Task -> Action -> Result, with a
preamble or wrap-up outside the story. A small hidden-state model lets strong cues win while
weak sentences follow their neighbours and their place in the answer.

"No STAR role" is transparent to the order: after a digression the story continues where it
was, so the None state remembers the last STAR label seen.

Whether the answer tells a story at all is decided over the whole answer: when few sentences
narrate something that happened (opinions, habits, plans), every sentence leans to no role, and
a lone labelled sentence amid such talk is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

from voice_coach.analysis.star_lexicon import (
    cue_scores,
    habitual,
    narrates,
    plan_marks,
    tells_story_in_present,
    tokens,
)

LABELS = ("situation", "task", "action", "result")
_ORDER = {label: i for i, label in enumerate(LABELS)}

BIAS: dict[str | None, float] = {"situation": 0.0, "task": -0.7, "action": 0.4, "result": -0.2, None: -0.6}
"""Evidence a sentence needs before a label is worth it: Task must be stated, Action is the default story step."""

PRIOR_WEIGHT = 1.0
"""How much the sentence's place in the answer counts (Situation early, Result late)."""

NONE_EDGE_PRIOR = 0.6
"""Extra weight for "no STAR role" at the first and last sentence, fading to nothing mid-answer."""

STORY_SHARE = 0.5
GENERAL_WEIGHT = 2.0
"""An answer where fewer than STORY_SHARE of the sentences tell what happened is general talk
(opinions, habits, plans): every sentence leans to "no STAR role", by up to GENERAL_WEIGHT."""

MIN_STORY_SENTENCES = 2
GENERAL_TALK_SENTENCES = 2
TALK_WORDS = 4
"""One past-tense sentence inside general talk ("In my last job I kept holds under three minutes")
is an example, not a STAR story: when fewer than MIN_STORY_SENTENCES sentences are labelled and
at least GENERAL_TALK_SENTENCES others of TALK_WORDS words or more are not, none is labelled.
A short reply (a follow-up giving just the result) keeps its one label."""

PLAN_SHARE = 0.4
MIN_PLAN_SENTENCES = 1.2
"""An answer that does not tell a story but frames at least PLAN_SHARE of its sentences (marks worth at least
MIN_PLAN_SENTENCES: two plain-present habits will do, see `plan_marks`) as steps it would take or usually takes, or as its aim, is a plan: a situational
("what would you do if ...") or habitual ("how do you usually ...") answer. It is labelled by the
same scheme as a story (scenario, aim, steps, expected outcome) with the plan cues, and its
hypothetical and habitual frames no longer count as general talk."""

_FORWARD = {0: 0.0, 1: -0.4, 2: -0.9, 3: -2.0}
_BACKWARD = {-1: -1.4, -2: -1.8, -3: -2.2}
_FROM_START = {"situation": 0.0, "task": -1.0, "action": -0.9, "result": -1.0}
_ENTER_NONE_START = -0.3
_ENTER_NONE_STORY = -1.2


def _transition(last: str | None, new: str) -> float:
    """Log-weight of moving to STAR label `new` when the story so far ended at `last` (None: not begun)."""
    if last is None:
        return _FROM_START[new]
    step = _ORDER[new] - _ORDER[last]
    return _FORWARD[step] if step >= 0 else _BACKWARD[step]


def _position_prior(label: str | None, rel: float) -> float:
    """rel is 0 at the first sentence and 1 at the last."""
    if label == "situation":
        return PRIOR_WEIGHT * (1.0 - 2.0 * rel)
    if label == "result":
        return PRIOR_WEIGHT * (2.0 * rel - 1.0)
    if label == "task":
        return PRIOR_WEIGHT * (0.5 - 1.5 * abs(rel - 0.3))
    if label is None:  # preambles and wrap-ups sit at the edges of an answer
        return NONE_EDGE_PRIOR * (2.0 * rel - 1.0) ** 2
    return 0.0


def plan_answer(texts: Sequence[str]) -> bool:
    """Whether the answer lays out a plan or a habit rather than telling a story or giving opinions."""
    n = len(texts)
    if not n:
        return False
    marks = [plan_marks(t) for t in texts]
    # Past forms inside a plan ("whatever the problem was") do not make it a story: only sentences
    # that narrate and carry no plan frame count against it.
    story = sum(narrates(t) and not m for t, m in zip(texts, marks)) / n
    if story >= STORY_SHARE:
        return False
    # A story told in the present ("so this guy comes up") is not a habit, unless habit words say so.
    if tells_story_in_present([t for t in texts if not habitual(t)]):
        return False
    marked = sum(marks)
    return marked >= MIN_PLAN_SENTENCES and marked / n >= PLAN_SHARE


def emission_table(texts: Sequence[str]) -> list[dict[str | None, float]]:
    """Per sentence, the score of each state before the order is taken into account."""
    n = len(texts)
    table = []
    present_story = tells_story_in_present(list(texts))
    share = sum(narrates(t, present_story) for t in texts) / n if n else 0.0
    plan = plan_answer(texts)
    general = 0.0 if plan else GENERAL_WEIGHT * max(0.0, 1.0 - share / STORY_SHARE)
    for i, text in enumerate(texts):
        rel = i / (n - 1) if n > 1 else 0.5
        cues = cue_scores(text, present_story, share, plan)
        row = {lab: cues[lab] + BIAS[lab] + _position_prior(lab, rel) for lab in (*LABELS, None)}
        row[None] += general
        table.append(row)
    return table


def decode(texts: Sequence[str]) -> list[str | None]:
    """The best label sequence under emission + transition scores."""
    if not texts:
        return []
    table = emission_table(texts)
    # A state is (label, last STAR label so far); for STAR labels the two coincide.
    states: list[tuple[str | None, str | None]] = [(lab, lab) for lab in LABELS]
    states += [(None, last) for last in (None, *LABELS)]

    def step_score(prev: tuple[str | None, str | None] | None, cur: tuple[str | None, str | None]) -> float:
        prev_label, prev_last = prev if prev is not None else (None, None)
        label, last = cur
        if label is None:
            if last != prev_last:
                return float("-inf")
            if prev_label is None:
                return 0.0 if prev is not None else _ENTER_NONE_START
            return _ENTER_NONE_STORY
        return _transition(prev_last, label)

    best = {s: step_score(None, s) + table[0][s[0]] for s in states}
    back: list[dict[tuple[str | None, str | None], tuple[str | None, str | None]]] = []
    for row in table[1:]:
        new_best = {}
        pointers = {}
        for cur in states:
            prev, score = max(((p, best[p] + step_score(p, cur)) for p in states), key=lambda x: x[1])
            new_best[cur] = score + row[cur[0]]
            pointers[cur] = prev
        best = new_best
        back.append(pointers)
    state = max(best, key=lambda s: best[s])
    path = [state]
    for pointers in reversed(back):
        state = pointers[state]
        path.append(state)
    labels = [label for label, _ in reversed(path)]
    if sum(label is not None for label in labels) < MIN_STORY_SENTENCES:
        talk = sum(label is None and len(tokens(text)) >= TALK_WORDS for text, label in zip(texts, labels))
        if talk >= GENERAL_TALK_SENTENCES:
            return [None] * len(labels)
    return labels
