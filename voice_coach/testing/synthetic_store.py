"""Synthetic analysed answers with self-consistent figures, for the store's tests and benchmark.

The figures are computed from the generated words and pauses (not typed in), so a test can check
that what the store and the views report follows from the words.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from voice_coach.analysis.answer import AnswerAnalysis
from voice_coach.core.targets import PACE_WPM

_VOCAB = ["the", "customer", "called", "about", "a", "late", "order", "and", "I", "listened", "first", "then", "checked", "the", "account", "found", "the", "problem", "fixed", "it", "and", "followed", "up", "the", "next", "day", "so", "they", "stayed", "with", "us"]  # fmt: skip
_PART = {"S": "situation", "T": "task", "A": "action", "R": "result"}


def synthetic_analysis(
    rng: random.Random,
    *,
    words: int = 120,
    wpm: float = 150.0,
    fillers: int = 3,
    pauses: Sequence[float] = (1.4, 3.6),
    latency_s: float = 0.8,
    star: str = "STAR",
    dead_air_s: float = 3.0,
) -> AnswerAnalysis:
    """A typed answer record spoken at `wpm` with the given fillers and pauses (built through its JSON form)."""
    step = 60.0 / wpm
    total = words + fillers
    filler_at = set(rng.sample(range(1, total), fillers)) if fillers else set()
    pause_after = sorted(rng.sample(range(5, words - 5), len(pauses))) if pauses else []
    pause_len = dict(zip(pause_after, pauses))
    t = latency_s
    out_words: list[dict[str, Any]] = []
    pause_items: list[dict[str, Any]] = []
    filler_items: list[dict[str, Any]] = []
    spoken = 0
    for i in range(total):
        if i in filler_at:
            text = rng.choice(("um", "uh"))
            out_words.append({"text": text, "start": round(t, 3), "end": round(t + 0.3, 3), "filler": True})
            filler_items.append({"text": text, "start": round(t, 3), "end": round(t + 0.3, 3), "kind": "hesitation"})
            t += 0.35
            continue
        text = rng.choice(_VOCAB) + ("." if spoken % 12 == 11 else "")
        out_words.append({"text": text, "start": round(t, 3), "end": round(t + step * 0.8, 3), "filler": False})
        t += step
        if spoken in pause_len:
            gap = pause_len[spoken]
            pause_items.append({"start": round(t, 3), "end": round(t + gap, 3), "duration": gap})
            t += gap
        spoken += 1
    first, last = out_words[0]["start"], out_words[-1]["end"]
    minutes = (last - first) / 60.0
    duration = last + 1.5
    parts = [p for p in star if p in _PART]
    span = (last - first) / max(1, len(parts))
    segments = [{"label": _PART[p], "start": round(first + k * span, 3), "end": round(first + (k + 1) * span, 3), "text": ""}
                for k, p in enumerate(parts)]  # fmt: skip
    silence = sum(p["duration"] for p in pause_items) + latency_s + 1.5
    dead_air = [p for p in pause_items if p["duration"] >= dead_air_s]
    return AnswerAnalysis.from_dict({
        "duration_s": round(duration, 3),
        "speech": [{"start": first, "end": last}],
        "no_speech": False,
        "transcript": " ".join(w["text"] for w in out_words if not w["filler"]),
        "words": out_words,
        "pace": {
            "wpm": round(words / minutes, 1),
            "articulation_wpm": round(wpm * 1.1, 1),
            "word_count": words,
            "verdict": "slow" if words / minutes < PACE_WPM[0] else "fast" if words / minutes > PACE_WPM[1] else "good",
            "band": list(PACE_WPM),
            "windows": [],
        },
        "fillers": {"count": fillers, "per_minute": round(fillers / minutes, 2), "items": filler_items},
        "pauses": {
            "items": pause_items,
            "response_latency_s": latency_s,
            "dead_air": dead_air,
            "dead_air_s": dead_air_s,
            "longest_s": max((p["duration"] for p in pause_items), default=0.0),
            "silence_share": round(silence / duration, 3),
        },
        "star": {
            "segments": segments,
            "present": {v: k in parts for k, v in _PART.items()},
            "complete": len(set(parts)) / 4,
            "coaching": [] if len(set(parts)) == 4 else ["Say what the result was."],
        },
        "length": {"speaking_s": round(last - first, 2), "verdict": "good", "band": [30.0, 600.0]},
        "model": "synthetic",
    })
