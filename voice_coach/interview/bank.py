"""The question bank as the interview uses it: questions, their STAR probes, categories, and the choice of questions.

Read from a TOML file and checked by interview/bank_loader.py.
"""

from __future__ import annotations

import difflib
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from voice_coach.core.errors import VoiceCoachError

KINDS = ("behavioral", "situational", "general")
STAR_COMPONENTS = ("situation", "task", "action", "result")
OPENING, CLOSING = "opening", "closing"
DEFAULT_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("opening", "General and opening"),
    ("behavioral", "Behavioral"),
    ("situational", "Situational"),
    ("problem_solving", "Problem solving"),
    ("communication", "Communication and empathy"),
    ("teamwork", "Teamwork"),
    ("tools", "Tools and technical"),
    ("adaptability", "Adaptability"),
    ("philosophy", "Service philosophy"),
    ("closing", "Closing"),
)


class BankError(VoiceCoachError):
    """A question bank that cannot be used: unreadable, bad TOML, a wrong field, an unknown id."""


@dataclass(frozen=True)
class Probes:
    """One spoken follow-up per STAR part, asked when the answer lacks that part (None: no probe)."""

    situation: str | None = None
    task: str | None = None
    action: str | None = None
    result: str | None = None

    def get(self, component: str) -> str | None:
        """The probe for 'situation'/'S', 'task'/'T', 'action'/'A' or 'result'/'R' (any case)."""
        return getattr(self, _component_name(component))


@dataclass(frozen=True)
class Question:
    """One interview question as the interviewer asks and judges it."""

    id: str
    category: str
    kind: str
    star: bool
    target_s: tuple[float, float]
    text: str
    listen_for: tuple[str, ...]
    probes: Probes = Probes()
    line: int = field(default=0, compare=False)  # line of its id in the bank file, for messages
    examples: tuple[tuple[str, ...], ...] = ()
    """Example phrasings per talking point (examples[i] belongs to listen_for[i]); may be empty."""

    def examples_for(self, index: int) -> tuple[str, ...]:
        return self.examples[index] if index < len(self.examples) else ()

    @property
    def target_min_s(self) -> float:
        return self.target_s[0]

    @property
    def target_max_s(self) -> float:
        return self.target_s[1]

    def probe(self, component: str) -> str | None:
        return self.probes.get(component)


@dataclass(frozen=True)
class QuestionBank:
    """A validated bank: metadata, ordered category labels and the questions in file order."""

    title: str
    role: str
    language: str
    questions: tuple[Question, ...]
    category_labels: tuple[tuple[str, str], ...] = DEFAULT_CATEGORIES
    path: Path | None = None
    terms: tuple[str, ...] = ()
    """Job-related terms of the bank's role, counted when an answer uses them ([bank] terms)."""

    def __len__(self) -> int:
        return len(self.questions)

    def categories(self) -> list[str]:
        """Categories that hold at least one question, in the bank's interview order."""
        used = {q.category for q in self.questions}
        return [c for c, _ in self.category_labels if c in used]

    def label(self, category: str) -> str:
        return dict(self.category_labels).get(category, category)

    def in_category(self, category: str) -> list[Question]:
        return [q for q in self.questions if q.category == category]

    def get(self, question_id: str) -> Question:
        """The question with this id; an unknown id raises BankError naming near matches."""
        for q in self.questions:
            if q.id == question_id:
                return q
        ids = [q.id for q in self.questions]
        near = [i for i in ids if question_id and question_id.lower() in i]
        near += [i for i in difflib.get_close_matches(question_id.lower(), ids, n=5, cutoff=0.5) if i not in near]
        hint = f"did you mean {', '.join(near[:5])}?" if near else "`voice-coach questions` lists them"
        raise BankError(f"no question '{question_id}' in {self._where()}; {hint}")

    def resolve_category(self, name: str) -> str:
        """A category id from an id or a label typed loosely ('Problem solving', 'problem-solving')."""
        key = loose_name(name)
        for cat, label in self.category_labels:
            if key in (loose_name(cat), loose_name(label)):
                return cat
        known = self.categories()
        near = difflib.get_close_matches(key, known, n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(near)}? " if near else ""
        raise BankError(f"no category '{name}' in {self._where()}; {hint}categories: {', '.join(known)}")

    def select(
        self,
        count: int = 5,
        categories: Sequence[str] | None = None,
        ids: Sequence[str] | None = None,
        seed: int | None = None,
    ) -> list[Question]:
        """Questions for one session: an opening first (count >= 2), a closing last (count >= 3),
        and between them a round-robin over the other categories in random order, with at least
        one STAR question when the pool has one. `ids` picks exactly those questions, in that
        order; `categories` limits the pool. Never repeats a question; a small pool gives fewer."""
        if ids:
            return [self.get(i) for i in ids]
        if count < 1:
            raise BankError(f"question count must be at least 1, not {count}")
        cats = list(dict.fromkeys(self.resolve_category(c) for c in categories)) if categories else self.categories()
        rng = random.Random(seed)
        pools = {c: rng.sample(self.in_category(c), len(self.in_category(c))) for c in cats}
        middle_cats = [c for c in cats if c not in (OPENING, CLOSING)]
        rng.shuffle(middle_cats)
        head = [pools[OPENING].pop()] if count >= 2 and pools.get(OPENING) else []
        tail = [pools[CLOSING].pop()] if count >= 3 and pools.get(CLOSING) else []
        need = count - len(head) - len(tail)
        middle: list[Question] = []
        while len(middle) < need and any(pools[c] for c in middle_cats):
            for c in middle_cats:
                if pools[c] and len(middle) < need:
                    middle.append(pools[c].pop())
        _ensure_star(middle, [q for c in middle_cats for q in pools[c]])
        for extra in (OPENING, CLOSING):  # a pool of only opening/closing questions still fills up
            while len(head) + len(middle) + len(tail) < count and pools.get(extra):
                (head if extra == OPENING else tail).insert(len(head) if extra == OPENING else 0, pools[extra].pop())
        return head + middle + tail

    def _where(self) -> str:
        return f"bank {self.path}" if self.path else "the question bank"


def _ensure_star(middle: list[Question], spare: list[Question]) -> None:
    """Swap one pick for a STAR question of the same category if the picks have none."""
    if not middle or any(q.star for q in middle):
        return
    used = [q.category for q in middle]
    candidates = [q for q in spare if q.star]
    candidates.sort(key=lambda q: q.category not in used)
    if candidates:
        new = candidates[0]
        middle[used.index(new.category) if new.category in used else len(middle) - 1] = new


def _component_name(component: str) -> str:
    key = component.strip().lower()
    for name in STAR_COMPONENTS:
        if key in (name, name[0]):
            return name
    raise ValueError(f"not a STAR component: {component!r}")


def loose_name(name: str) -> str:
    """An id or label as typed loosely ("Problem solving", "problem-solving") in one form, for comparing."""
    return re.sub(r"[\s\-_]+", "_", name.strip().lower())
