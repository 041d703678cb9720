"""What the hesitation count does with the probe's evidence (issue 12), on voiced islands synthesized here.

The probe stands in for Whisper hearing one island alone; what it writes in each case is what tiny.en
wrote on the voice-family corpus (bench/diag_families.py): "And..." for a held "uh", "Um..." on the
island while the transcript stamps its "Um," on the next word, "You know." for a filler the
transcript dropped, "Uh," for an island the transcript gave one word that belongs to the next island.
"""

from __future__ import annotations

import numpy as np
import pytest

from voice_coach.analysis.fillers import measure_fillers
from voice_coach.analysis.hesitations import find_hesitations
from voice_coach.core.timed import SAMPLE_RATE, Span, Word


def _voiced(seconds: float, hz: float = 120.0, harmonics: int = 20) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    x = sum(np.sin(2 * np.pi * k * hz * t) / k for k in range(1, harmonics + 1))
    return (0.1 * x / np.max(np.abs(x))).astype(np.float32)


def _answer(islands: list[Span], total_s: float) -> np.ndarray:
    x = np.zeros(int(total_s * SAMPLE_RATE), np.float32)
    for s in islands:
        a = int(s.start * SAMPLE_RATE)
        seg = _voiced(s.duration)
        x[a : a + len(seg)] = seg
    return x


def _probe(heard: dict[float, str]):
    return lambda span: next((text for start, text in heard.items() if abs(span.start - start) < 0.02), "")


SPEECH = [Span(0.5, 2.0), Span(4.0, 5.5)]
WORDS = [Word(w, 0.5 + 0.3 * i, 0.75 + 0.3 * i) for i, w in enumerate("we checked the whole list".split())] + \
        [Word(w, 4.0 + 0.3 * i, 4.25 + 0.3 * i) for i, w in enumerate("and fixed every account".split())]


@pytest.mark.parametrize("heard, counted", [("And...", True), ("Or.", True), ("Patience.", False), ("Okay.", True)])
def test_a_lone_reduced_word_from_the_probe_is_a_hesitation_a_real_word_is_not(heard, counted):
    hes = Span(2.6, 3.2)
    islands = [SPEECH[0], hes, SPEECH[1]]
    items, _ = find_hesitations(WORDS, islands, _answer(islands, 6.0), _probe({2.6: heard}))
    assert [(f.start, f.end) for f in items] == ([(2.6, 3.2)] if counted else [])


def test_a_lone_and_stamped_beside_the_island_is_that_word():
    """The transcript's own "and" starts right after the island: the probe heard that "and", stamped late."""
    hes = Span(3.3, 3.7)
    islands = [SPEECH[0], hes, SPEECH[1]]
    items, _ = find_hesitations(WORDS, islands, _answer(islands, 6.0), _probe({3.3: "And"}))
    assert items == []


def test_one_um_not_two_when_whisper_stamps_it_on_the_next_island():
    hes, stamped = Span(2.6, 3.2), Span(3.45, 3.7)
    islands = [SPEECH[0], hes, stamped, SPEECH[1]]
    words = WORDS[:5] + [Word("Um,", 3.45, 3.7)] + WORDS[5:]
    items, marked = find_hesitations(words, islands, _answer(islands, 6.0), _probe({2.6: "Um..."}))
    assert [(f.start, f.end) for f in items] == [(2.6, 3.2)]
    assert 5 in marked  # Whisper's "Um," is still a filler word, not a word of the answer


def test_a_filler_the_transcript_dropped_and_the_probe_heard_alone_is_lexical():
    hes = Span(2.6, 3.0)
    islands = [SPEECH[0], hes, SPEECH[1]]
    samples = _answer(islands, 6.0)
    result, _ = measure_fillers(WORDS, islands, samples, 3.0, _probe({2.6: "You know."}))
    assert [(f.text, f.kind, f.start) for f in result.items] == [("you know", "lexical", 2.6)]


def test_an_island_whose_one_word_the_probe_hears_as_only_a_hesitation():
    """Whisper stamped "around" on the "um" island; the probe hears the island alone as "Uh,": it is the hesitation."""
    um = Span(2.4, 3.3)
    islands = [SPEECH[0], um, Span(3.5, 3.8), SPEECH[1]]
    words = WORDS[:5] + [Word("around", 2.55, 3.18)] + WORDS[5:]
    items, _ = find_hesitations(words, islands, _answer(islands, 6.0), _probe({2.4: "Uh,", 3.5: "Round."}))
    assert [(f.start, f.end) for f in items] == [(2.4, 3.3)]
