"""All fillers of an answer: hesitations found acoustically or in Whisper's text, lexical fillers, repetitions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Sequence

import numpy as np

from voice_coach.analysis.hesitations import Probe, find_hesitations
from voice_coach.analysis.speech_spans import split_islands
from voice_coach.analysis.lexical_fillers import FillerItem, is_non_lexical, lexical_filler_spans, lexical_fillers
from voice_coach.core.timed import Span, Word


MIN_GAP_EVIDENCE_S = 0.15
"""A silence this long between islands marks a pause around a word (shorter ones can be stop closures)."""


SAME_FILLER_S = 1.0
"""A lexical filler in the text this close to the same filler heard alone in an island is that one, stamped late."""


@dataclass(frozen=True)
class FillerResult:
    items: tuple[FillerItem, ...]
    per_minute: float
    top: tuple[tuple[str, int], ...]

    @property
    def count(self) -> int:
        return len(self.items)

    def to_dict(self) -> dict:
        return {
            "count": self.count,
            "per_minute": round(self.per_minute, 2),
            "top": [[text, n] for text, n in self.top],
            "by_kind": dict(Counter(f.kind for f in self.items)),
            "items": [f.to_dict() for f in self.items],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FillerResult:
        return cls(tuple(FillerItem.from_dict(f) for f in d.get("items", ())), float(d.get("per_minute") or 0.0),
                   tuple((str(t), int(n)) for t, n in d.get("top", ())))


def measure_fillers(
    words: Sequence[Word], islands: Sequence[Span], samples: np.ndarray, speaking_s: float, probe: Probe | None = None
) -> tuple[FillerResult, list[Word]]:
    """Returns the fillers and the words with their `filler` flags set."""
    small = split_islands(samples, list(islands))
    hesitations, accounted = find_hesitations(words, small, samples, probe)
    gaps = [Span(a.end, b.start) for a, b in zip(small, small[1:]) if b.start - a.end >= MIN_GAP_EVIDENCE_S]
    lexical = lexical_fillers(words, gaps)
    heard_alone = [h for h in hesitations if h.kind == "lexical"]  # a filler the probe heard in an island no word explains
    lexical = [f for f in lexical if not any(h.text == f.text and abs(h.start - f.start) <= SAME_FILLER_S for h in heard_alone)]
    flagged = set(accounted) | {k for k, w in enumerate(words) if is_non_lexical(w.text)}
    for i, j in lexical_filler_spans(words, gaps):
        flagged.update(range(i, j + 1))
    marked = [replace(w, filler=k in flagged) for k, w in enumerate(words)]
    items = tuple(sorted([*hesitations, *lexical], key=lambda f: f.start))
    minutes = speaking_s / 60.0
    per_minute = len(items) / minutes if minutes > 0 else 0.0
    top = tuple(Counter(f.text for f in items).most_common(5))
    return FillerResult(items, per_minute, top), marked
