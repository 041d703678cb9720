"""'like' as a verb or preposition is never a filler; set off as a discourse word it is (issue 12)."""

from voice_coach.analysis.lexical_fillers import lexical_fillers
from voice_coach.core.timed import Span, Word


def _words(text: str, gap_after: dict[int, float] | None = None) -> list[Word]:
    out, t = [], 0.0
    for k, w in enumerate(text.split()):
        out.append(Word(w, t, t + 0.25))
        t += 0.25 + (gap_after or {}).get(k, 0.05)
    return out


def _gaps(words: list[Word], min_s: float = 0.15) -> list[Span]:
    return [Span(a.end, b.start) for a, b in zip(words, words[1:]) if b.start - a.end >= min_s]


def test_like_as_a_verb_is_not_a_filler_even_beside_pauses():
    for text, k in (("I like the moment when someone calls", 0), ("I would like to be a team lead", 1),
                    ("we also like quick answers", 1)):
        w = _words(text, {k: 0.3, k + 1: 0.3})  # pauses on both sides of "like"
        assert [f.text for f in lexical_fillers(w, _gaps(w))] == [], text


def test_like_after_a_noun_needs_silence_right_at_both_edges():
    w = _words("customers like fast replies")
    near = [Span(w[0].end - 0.15, w[0].end - 0.02)]  # a stop closure inside "customers", not at the edge
    assert lexical_fillers(w, near) == []
    w = _words("simple questions like store hours", {1: 0.3, 2: 0.3})
    assert [f.text for f in lexical_fillers(w, _gaps(w))] == ["like"]


def test_like_as_a_discourse_filler_is_still_found():
    w = _words("she was like really annoyed", {1: 0.3, 2: 0.3})
    assert [f.text for f in lexical_fillers(w, _gaps(w))] == ["like"]
    w = _words("and, like, give them a date")
    assert [f.text for f in lexical_fillers(w, [])] == ["like"]


def test_like_before_a_number_is_the_vague_filler_but_not_after_a_verb_of_seeming():
    for text, want in (("customers were waiting like six or seven minutes", ["like"]),
                       ("it took like 20 minutes", ["like"]),
                       ("it looked like two faults at once", []),
                       ("I like five am starts", [])):
        assert [f.text for f in lexical_fillers(_words(text), [])] == want, text


def test_i_mean_set_off_by_a_silence_at_a_clause_start_without_a_comma():
    w = _words("a five star review. I mean it showed me a lot", {3: 0.3, 5: 0.4})
    assert [f.text for f in lexical_fillers(w, _gaps(w))] == []  # "I mean it": the verb and its object
    w = _words("a five star review. I mean the rule is clear", {3: 0.3, 5: 0.4})
    assert [f.text for f in lexical_fillers(w, _gaps(w))] == ["i mean"]
    w = _words("a five star review. I mean the rule is clear")  # no silence after it: not set off
    assert [f.text for f in lexical_fillers(w, _gaps(w))] == []
    w = _words("that is what I mean the rule", {4: 0.4})
    assert [f.text for f in lexical_fillers(w, _gaps(w))] == []
