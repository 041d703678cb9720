"""Words as the content measures see them: stop words, a light stemmer, a small table of general synonyms."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any


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
