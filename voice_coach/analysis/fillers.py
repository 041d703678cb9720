"""All fillers of an answer: hesitations found acoustically or in Whisper's text, lexical fillers, repetitions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np

from voice_coach.analysis.hesitations import find_hesitations
from voice_coach.analysis.speech_spans import split_islands
from voice_coach.analysis.lexical_fillers import FillerItem, is_non_lexical, lexical_filler_spans, lexical_fillers
from voice_coach.timed import Span, Word


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


def measure_fillers(
    words: Sequence[Word], islands: Sequence[Span], samples: np.ndarray, speaking_s: float
) -> tuple[FillerResult, list[Word]]:
    """Returns the fillers and the words with their `filler` flags set."""
    hesitations, accounted = find_hesitations(words, split_islands(samples, list(islands)), samples)
    lexical = lexical_fillers(words)
    flagged = set(accounted) | {k for k, w in enumerate(words) if is_non_lexical(w.text)}
    for i, j in lexical_filler_spans(words):
        flagged.update(range(i, j + 1))
    marked = [replace(w, filler=k in flagged) for k, w in enumerate(words)]
    items = tuple(sorted([*hesitations, *lexical], key=lambda f: f.start))
    minutes = speaking_s / 60.0
    per_minute = len(items) / minutes if minutes > 0 else 0.0
    top = tuple(Counter(f.text for f in items).most_common(5))
    return FillerResult(items, per_minute, top), marked
