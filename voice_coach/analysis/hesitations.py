"""Non-lexical hesitations (um, uh, er, hmm) found in the samples, not only in Whisper's text.

Whisper leaves most hesitations out, or stamps them at the wrong time. But a hesitation is still a
stretch of voiced sound that voice activity sees: an island of speech that no transcribed word
accounts for. Each Whisper word is assigned to the speech island it overlaps most; an island left
with no word, or with only non-lexical words, is a hesitation if it sounds like one (voiced, steady,
short). Whisper's own "um"s are moved onto the nearest unexplained island so nothing counts twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from voice_coach.analysis.lexical_fillers import FillerItem, is_non_lexical
from voice_coach.core.timed import SAMPLE_RATE, Span, Word

MIN_HESITATION_S = 0.18
MAX_HESITATION_S = 2.0
SNAP_DISTANCE_S = 1.2


@dataclass(frozen=True)
class IslandSound:
    """What an island of speech sounds like, for telling a hesitation from a dropped word or a breath."""

    voiced: float  # share of 40 ms frames with a clear pitch
    low_share: float  # share of energy below 1 kHz: vowels and nasal murmurs high, breaths and hiss low
    nasal_end: bool  # ends in a murmur with little energy above 1 kHz ("um", "hmm")
    nasal_all: bool

    @property
    def hesitation_like(self) -> bool:
        """Voiced, or a low murmur (some voices hum "hmm" without a clear pitch); not hiss, breath or a click."""
        return self.voiced >= 0.5 or self.low_share >= 0.6


def _lowpass(x: np.ndarray, cutoff_hz: float = 1000.0) -> np.ndarray:
    spec = np.fft.rfft(x)
    spec[np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE) > cutoff_hz] = 0
    return np.fft.irfft(spec, n=len(x))


def voiced_share(x: np.ndarray) -> float:
    """Share of 40 ms frames (among the louder ones) with a clear pitch period between 60 and 400 Hz.

    Normalised autocorrelation on the band below 1 kHz, where voicing lives and most noise does not.
    Every lag of every frame at once (FFT cross-correlation, running sums for the energies): the
    final analysis runs this on each candidate island while the candidate waits for feedback.
    """
    frame, hop = 640, 320
    lo_lag, hi_lag = SAMPLE_RATE // 400, SAMPLE_RATE // 60
    if len(x) < frame + hi_lag:
        x = np.pad(x, (0, frame + hi_lag - len(x)))
    y = _lowpass(x - x.mean())
    seg_len = frame + hi_lag
    segs = np.lib.stride_tricks.sliding_window_view(y, seg_len)[::hop]
    heads = segs[:, :frame]
    energies = np.einsum("ij,ij->i", heads, heads)
    if not len(energies) or energies.max() <= 0:
        return 0.0
    loud = energies >= energies.max() * 0.03
    segs, heads, ea = segs[loud], heads[loud], energies[loud]
    n = 1 << int(np.ceil(np.log2(seg_len + frame)))
    spectrum = np.conj(np.fft.rfft(heads, n, axis=1)) * np.fft.rfft(segs, n, axis=1)
    corr = np.fft.irfft(spectrum, n, axis=1)[:, lo_lag:hi_lag]
    running = np.concatenate([np.zeros((len(segs), 1)), np.cumsum(segs**2, axis=1)], axis=1)
    lags = np.arange(lo_lag, hi_lag)
    denom = np.sqrt(ea[:, None] * (running[:, lags + frame] - running[:, lags]))
    ratio = np.divide(corr, denom, out=np.zeros_like(corr), where=denom > 0)
    return float(np.mean(np.maximum(ratio.max(axis=1), 0.0) >= 0.7))


def island_sound(samples: np.ndarray, span: Span) -> IslandSound:
    a, b = int(span.start * SAMPLE_RATE), int(span.end * SAMPLE_RATE)
    x = samples[a:b].astype(np.float64)
    frame = 320
    if len(x) < frame * 2:
        return IslandSound(0.0, 0.0, False, False)
    frames = x[: len(x) // frame * frame].reshape(-1, frame)
    spec = np.abs(np.fft.rfft(frames * np.hanning(frame), axis=1)) ** 2
    freqs = np.fft.rfftfreq(frame, 1 / SAMPLE_RATE)
    high = spec[:, freqs >= 1000].sum(axis=1) / (spec.sum(axis=1) + 1e-12)
    third = max(1, len(high) // 3)
    low_share = float(spec[:, freqs < 1000].sum() / (spec.sum() + 1e-12))
    return IslandSound(voiced_share(x), low_share, bool(high[-third:].mean() < 0.08), bool(high.mean() < 0.08))


def plausible_s(text: str) -> float:
    """An upper bound on how long a word takes to say (about 11 letters a second, plus an onset)."""
    letters = sum(ch.isalnum() for ch in text)
    return 0.1 + 0.09 * letters


def word_cores(words: Sequence[Word]) -> list[tuple[float, float]]:
    """Word spans with Whisper's stretch removed.

    Whisper stretches a word into the silence beside it (the first word often starts at 0.0, the
    word before a pause runs into the pause). A word longer than it could plausibly be is cut back
    from the side with the larger gap to its neighbour, which is the side it was stretched into.
    """
    cores = []
    for i, w in enumerate(words):
        limit = plausible_s(w.text)
        if w.end - w.start <= limit:
            cores.append((w.start, w.end))
            continue
        before = w.start - words[i - 1].end if i else float("inf")
        after = words[i + 1].start - w.end if i + 1 < len(words) else float("inf")
        cores.append((w.end - limit, w.end) if before > after else (w.start, w.start + limit))
    return cores


def assign_words(words: Sequence[Word], islands: Sequence[Span]) -> list[int]:
    """For each word, the index of the island its core overlaps most (or the nearest one); -1 if no islands."""
    if not islands:
        return [-1] * len(words)
    starts = np.array([s.start for s in islands])
    ends = np.array([s.end for s in islands])
    out = []
    for (w_start, w_end), w in zip(word_cores(words), words):
        w = Word(w.text, w_start, w_end)
        overlap = np.minimum(ends, w.end) - np.maximum(starts, w.start)
        if overlap.max() > 0:
            out.append(int(overlap.argmax()))
        else:
            mid = (w.start + w.end) / 2
            out.append(int(np.minimum(np.abs(starts - mid), np.abs(ends - mid)).argmin()))
    return out


MERGED_EXCESS_S = 0.3
"""An island this much longer than its words could take holds something more: often a hesitation run into a word."""


def speaker_s_per_letter(words: Sequence[Word], owner: list[int], islands: Sequence[Span]) -> float:
    """This speaker's own time per written letter in this answer: islands with words over their letters."""
    letters = [sum(ch.isalnum() for ch in w.text) for w in words]
    talk_s = sum(islands[k].duration for k in {o for o in owner if o >= 0})
    return talk_s / max(1, sum(n for n, o in zip(letters, owner) if o >= 0)) if talk_s else 0.07


def _uncovered(span: Span, cores: list[tuple[float, float]]) -> tuple[float, float]:
    """The longest part of `span` that none of `cores` covers (the island's time its words do not explain)."""
    best, cursor = (span.start, span.start), span.start
    for a, b in sorted(cores):
        if a - cursor > best[1] - best[0]:
            best = (cursor, a)
        cursor = max(cursor, b)
    if span.end - cursor > best[1] - best[0]:
        best = (cursor, span.end)
    return best


def _merged_hesitations(
    words: Sequence[Word], owner: list[int], islands: Sequence[Span], samples: np.ndarray,
    probe: Probe, done: set[int], filler_words: dict[int, list[int]], s_per_letter: float,
) -> list[FillerItem]:
    """Hesitations spoken with no silence before or after a word ("uh-she thanked me").

    Such an island owns a word, so the gap test cannot see the hesitation; but it is longer than its
    words. When Whisper, hearing the island alone, writes a hesitation in it, the hesitation is the
    longest part of the island that the words' own times do not cover.
    """
    found = []
    letters = [sum(ch.isalnum() for ch in w.text) for w in words]
    cores = word_cores(words)
    for k, span in enumerate(islands):
        if k in done or k in filler_words:
            continue
        mine = [i for i, o in enumerate(owner) if o == k and not is_non_lexical(words[i].text)]
        if not mine:
            continue
        excess = span.duration - sum(letters[i] for i in mine) * s_per_letter
        if excess < MERGED_EXCESS_S:
            continue
        tokens = ["".join(ch for ch in t.lower() if ch.isalpha()) for t in probe(span).split()]
        said = [t for t in tokens if t and is_non_lexical(t)]
        if not said:
            continue
        a, b = _uncovered(span, [(max(span.start, cores[i][0]), min(span.end, cores[i][1])) for i in mine])
        if b - a < MIN_HESITATION_S and len(mine) == 1 and len(said) == len([t for t in tokens if t]):
            a, b = span.start, span.end  # heard alone it is only a hesitation: Whisper stamped its one word on it
        if b - a >= MIN_HESITATION_S:
            found.append(FillerItem(said[0], a, min(b, a + MAX_HESITATION_S), "hesitation"))
    return found


def _label(sound: IslandSound) -> str:
    return "hmm" if sound.nasal_all else "um" if sound.nasal_end else "uh"


Probe = Callable[[Span], str]
"""What Whisper hears in one island on its own (prompted to write hesitations): a second opinion."""

INTERJECTIONS = frozenset({"okay", "ok", "cool", "well", "hi", "hey", "oh", "ah", "ahh", "aww", "ooh", "yeah", "mmm", "mm", "huh", "hm"})


HESITATION_SPELLINGS = frozenset({"and", "or", "her", "a", "an", "the", "in", "then"})
"""Short words with a reduced vowel or a nasal that Whisper writes for a lone "uh", "er" or "um" it hears on its own.
Written alone for an island the whole answer's transcript left unexplained, they are not evidence of a dropped word."""


def probe_says_word(text: str) -> bool:
    """True when the probe heard a real word first (a word Whisper dropped, or one stamped elsewhere), not a hesitation.

    Whisper writes a lone hesitation as "Um..." or "Er," and sometimes as "Okay." or "Cool."; a lone word
    comes back as itself ("Patience.", "And...", "Like.").
    """
    for token in text.split():
        bare = "".join(ch for ch in token.lower() if ch.isalpha() or ch == "'")
        if not bare:
            continue
        return not (is_non_lexical(bare) or bare in INTERJECTIONS or bare.strip("-") in INTERJECTIONS)
    return False


def heard_as_hesitation(text: str, span: Span, words: Sequence[Word]) -> bool:
    """The probe wrote one of HESITATION_SPELLINGS alone, and the transcript has no such word right beside the
    island (where Whisper would have stamped the same word late or early: then it is that word)."""
    tokens = _bare_words(text)
    if len(tokens) != 1 or tokens[0] not in HESITATION_SPELLINGS:
        return False
    return not any(_bare_words(w.text) == tokens and w.start < span.end + SAME_HESITATION_GAP_S
                   and w.end > span.start - SAME_HESITATION_GAP_S for w in words)


LONE_FILLERS = frozenset({"you know", "i mean", "like", "basically", "literally", "actually", "sort of", "kind of"})
"""Lexical fillers that, heard alone in an island no word of the transcript explains, can only be fillers."""


def _bare_words(text: str) -> list[str]:
    return [b for b in ("".join(ch for ch in t.lower() if ch.isalpha() or ch == "'") for t in text.split()) if b]


SAME_HESITATION_GAP_S = 0.6
"""Whisper's one "um" stamped this close to a hesitation island found on its own is that hesitation, not a second one."""


def _one_per_hesitation(items: list[FillerItem], n_text: int) -> list[FillerItem]:
    """Drop a hesitation taken from Whisper's text when an island it does not sit on, heard on its own, is the same
    hesitation right beside it ("um Um"): Whisper stamps its "um" late, on the next word's first island."""
    text, found = items[:n_text], items[n_text:]
    dropped: set[int] = set()
    for f in found:
        if f.kind != "hesitation":
            continue
        near = [i for i, t in enumerate(text) if i not in dropped and max(t.start - f.end, f.start - t.end) < SAME_HESITATION_GAP_S]
        if near:
            dropped.add(min(near, key=lambda i: abs(text[i].start - f.start)))
    return [t for i, t in enumerate(text) if i not in dropped] + found


def find_hesitations(
    words: Sequence[Word], islands: Sequence[Span], samples: np.ndarray, probe: Probe | None = None
) -> tuple[list[FillerItem], set[int]]:
    """Hesitations with their times, and the indexes of Whisper words they account for (to mark as fillers).

    `probe` is asked only about islands that no word, not even a Whisper "um", accounts for.
    """
    owner = assign_words(words, islands)
    lexical_in = [0] * len(islands)
    filler_words: dict[int, list[int]] = {}
    for wi, (w, isl) in enumerate(zip(words, owner)):
        if isl < 0:
            continue
        if is_non_lexical(w.text):
            filler_words.setdefault(isl, []).append(wi)
        else:
            lexical_in[isl] += 1

    candidates: dict[int, IslandSound] = {}
    for k, span in enumerate(islands):
        if lexical_in[k] or not (MIN_HESITATION_S <= span.duration <= MAX_HESITATION_S):
            continue
        sound = island_sound(samples, span)
        if sound.hesitation_like:
            candidates[k] = sound

    items: list[FillerItem] = []
    used_words: set[int] = set()
    taken: set[int] = set()
    # Whisper's own non-lexical words: first those sitting on a candidate island, then snapped to the nearest free one.
    for k, wis in filler_words.items():
        if k in candidates:
            taken.add(k)
            used_words.update(wis)
            items.append(FillerItem(words[wis[0]].text.strip(",.?!").lower(), islands[k].start, islands[k].end, "hesitation"))
    for wi, w in enumerate(words):
        if not is_non_lexical(w.text) or wi in used_words:
            continue
        free = [k for k in candidates if k not in taken and abs((islands[k].start + islands[k].end) / 2 - (w.start + w.end) / 2) <= SNAP_DISTANCE_S]
        used_words.add(wi)
        if free:
            k = min(free, key=lambda k: abs((islands[k].start + islands[k].end) / 2 - (w.start + w.end) / 2))
            taken.add(k)
            items.append(FillerItem(w.text.strip(",.?!").lower(), islands[k].start, islands[k].end, "hesitation"))
        else:
            items.append(FillerItem(w.text.strip(",.?!").lower(), w.start, w.end, "hesitation"))
    n_text = len(items)  # items[:n_text] come from Whisper's words
    rate = speaker_s_per_letter(words, owner, islands)
    for k, sound in candidates.items():
        if k in taken:
            continue
        heard = probe(islands[k]) if probe else ""
        phrase = " ".join(_bare_words(heard))
        if phrase in LONE_FILLERS:  # Whisper dropped it from the text; alone between silences it is the filler
            items.append(FillerItem(phrase, islands[k].start, islands[k].end, "lexical"))
        elif not probe_says_word(heard) or heard_as_hesitation(heard, islands[k], words):
            items.append(FillerItem(_label(sound), islands[k].start, islands[k].end, "hesitation"))
    items = _one_per_hesitation(items, n_text)
    if probe:
        items.extend(_merged_hesitations(words, owner, islands, samples, probe, taken | set(candidates), filler_words, rate))
    items.sort(key=lambda f: f.start)
    return items, used_words
