"""Synthetic interview answers with sample-exact truth, built from espeak-ng pieces.

Each piece (a sentence, a hesitation, a look-alike phrase) is synthesized on its own, resampled to
16 kHz, trimmed to its first and last audible sample and laid on a timeline with known gaps. The
clean TTS signal makes the trimmed ends the true onsets, so every piece's start and end is exact to
the sample. The benchmark scores the analyzer against these times; `demo` uses the same module to
play a simulated candidate.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Union

import numpy as np

from voice_coach.analysis.lexical_fillers import is_non_lexical
from voice_coach.audio.resample import resample
from voice_coach.core.errors import VoiceCoachError
from voice_coach.core.timed import SAMPLE_RATE
from voice_coach.engines.espeak import EspeakError, espeak_wav

# A filler is a hesitation (not a word) when the product's own list says so: analysis/lexical_fillers.NON_LEXICAL.
LEXICAL = ("like", "you know", "i mean", "kind of", "sort of")
"""Real words used as fillers; the same words elsewhere are ordinary speech."""

# espeak-ng phoneme spellings that come out as drawn-out hesitations rather than words. Checked
# without listening: in a carrier sentence, 4 voices x 2 rates, tiny.en wrote nothing or um/uh/erm
# for these, while the plain spellings "err", "uhh" and "hmm" came out as "air", "who" and "home".
_HESITATION_PHONEMES: Mapping[str, tuple[str, ...]] = {
    "um": ("[[@m]]", "[[V:m]]", "[[@:m:]]"),
    "uh": ("[[V:]]", "[[@:]]"),
    "er": ("[[3:]]",),
    "erm": ("[[3:m]]",),
    "hmm": ("[[hm:]]",),
}
_TRIM_LEVEL = 1e-3
"""A sample louder than this (-60 dBFS) is sound; espeak's silence is exact zeros."""
_BABBLE_TEXTS = (
    "Could you send the invoice again, the last one never arrived at our office.",
    "We moved the meeting to Thursday because half the team is travelling.",
    "The printer on the second floor keeps jamming whenever someone prints labels.",
    "I think the parcel went to the old address, can you check the tracking number.",
    "She said the new schedule starts next week and nobody has seen it yet.",
    "Our order was supposed to ship on Monday but the warehouse was closed.",
)
_BABBLE_VOICES = ("en-us+f2", "en-gb+m4", "en-us+m7", "en-gb-x-rp+f4")


class SynthError(VoiceCoachError):
    """espeak-ng is missing or refused a piece."""


@dataclass(frozen=True)
class Filler:
    """A hesitation ("um") or a word used as a filler ("like") inside a script."""

    text: str

    @property
    def lexical(self) -> bool:
        return not is_non_lexical(self.text)


@dataclass(frozen=True)
class Speech:
    """Speech with labels: `star` is S/T/A/R (or None); `lookalike` marks a phrase that resembles a filler."""

    text: str
    star: str | None = None
    lookalike: bool = False


ScriptItem = Union[str, float, int, Filler, Speech]


@dataclass(frozen=True)
class Piece:
    """One stretch of the answer with its truth; times in seconds from the start of the file."""

    kind: str  # "speech" | "filler" | "silence"
    text: str
    start: float
    end: float
    star: str | None = None
    lookalike: bool = False

    @property
    def sounding(self) -> bool:
        return self.kind != "silence"

    @property
    def lexical(self) -> bool:
        return self.kind == "filler" and not is_non_lexical(self.text)


@dataclass(frozen=True, eq=False)
class SyntheticAnswer:
    """Samples (float32, 16 kHz mono) and the exact pieces they were built from."""

    samples: np.ndarray
    pieces: tuple[Piece, ...]
    info: Mapping[str, object] = field(default_factory=dict)

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    @property
    def sounding(self) -> list[Piece]:
        return [p for p in self.pieces if p.sounding]

    @property
    def words_without_fillers(self) -> int:
        return sum(len(count_words(p.text)) for p in self.pieces if p.kind == "speech")

    @property
    def first_speech_s(self) -> float | None:
        s = self.sounding
        return s[0].start if s else None

    @property
    def last_speech_s(self) -> float | None:
        s = self.sounding
        return s[-1].end if s else None

    @property
    def fillers(self) -> list[Piece]:
        return [p for p in self.pieces if p.kind == "filler"]

    def pauses(self, min_s: float = 1.0) -> list[tuple[float, float]]:
        """Silences of at least `min_s` between two sounding pieces (lead-in and tail excluded)."""
        s = self.sounding
        return [(a.end, b.start) for a, b in zip(s, s[1:]) if b.start - a.end >= min_s - 1e-9]

    def reference_text(self, lexical_fillers: bool = True) -> str:
        """What was said, without hesitations; lexical fillers kept unless asked otherwise."""
        parts = [p.text for p in self.pieces if p.kind == "speech" or (lexical_fillers and p.lexical)]
        return " ".join(parts)

    @property
    def wpm(self) -> float | None:
        a, b = self.first_speech_s, self.last_speech_s
        if a is None or b is None or b <= a:
            return None
        return self.words_without_fillers / ((b - a) / 60.0)


def count_words(text: str) -> list[str]:
    """Whitespace tokens that hold a letter or digit (the unit of pace)."""
    return [t for t in text.split() if re.search(r"[A-Za-z0-9]", t)]


# ---------------------------------------------------------------- espeak-ng and signal helpers
@functools.lru_cache(maxsize=4096)
def _speak_cached(text: str, voice: str, rate_wpm: int, pitch: int) -> np.ndarray:
    try:
        pcm, rate = espeak_wav(text, voice, rate_wpm, pitch, timeout_s=60)
    except EspeakError as exc:
        raise SynthError(str(exc)) from None
    out = trim(resample(pcm, rate, SAMPLE_RATE))
    out.setflags(write=False)
    return out


def speak(text: str, voice: str = "en-us", rate_wpm: int = 160, pitch: int = 50) -> np.ndarray:
    """`text` spoken by espeak-ng as 16 kHz float32, trimmed to its first and last audible sample."""
    return _speak_cached(text, voice, int(rate_wpm), int(pitch)).copy()


def trim(x: np.ndarray, level: float = _TRIM_LEVEL) -> np.ndarray:
    """Cut leading and trailing samples quieter than `level`."""
    loud = np.flatnonzero(np.abs(x) > level)
    if loud.size == 0:
        return x[:0].astype(np.float32)
    return x[loud[0] : loud[-1] + 1].astype(np.float32)


def _pink(n: int, rng: np.random.Generator) -> np.ndarray:
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spec), dtype=np.float64)
    f[0] = 1.0
    return np.fft.irfft(spec / np.sqrt(f), n)


@functools.lru_cache(maxsize=2)
def _babble_bed(seconds: int = 40) -> np.ndarray:
    """Several espeak talkers at once: a stand-in for a busy room behind the candidate."""
    n = seconds * SAMPLE_RATE
    bed = np.zeros(n)
    for k, voice in enumerate(_BABBLE_VOICES):
        track: list[np.ndarray] = []
        total, i = 0, k
        while total < n:
            chunk = speak(_BABBLE_TEXTS[i % len(_BABBLE_TEXTS)], voice=voice, rate_wpm=150 + 10 * k, pitch=30 + 12 * k)
            track += [chunk, np.zeros(int(0.15 * SAMPLE_RATE), np.float32)]
            total += len(chunk) + int(0.15 * SAMPLE_RATE)
            i += 1
        bed += np.concatenate(track)[:n]
    return bed


def make_noise(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """Unit-less noise of `kind` ("white", "pink" or "babble"), `n` samples."""
    if kind == "white":
        return rng.standard_normal(n)
    if kind == "pink":
        return _pink(n, rng)
    if kind == "babble":
        bed = _babble_bed()
        start = int(rng.integers(0, len(bed)))
        reps = int(math.ceil((n + start) / len(bed)))
        return np.tile(bed, reps)[start : start + n]
    raise SynthError(f"unknown noise kind {kind!r} (white, pink, babble)")


def speech_power(samples: np.ndarray, pieces: Sequence[Piece]) -> float:
    """Mean power over the sounding pieces only: the 'signal' of the SNR."""
    spans = [samples[round(p.start * SAMPLE_RATE) : round(p.end * SAMPLE_RATE)] for p in pieces if p.sounding]
    joined = np.concatenate(spans) if spans else samples
    return float(np.mean(np.square(joined, dtype=np.float64))) if joined.size else 0.0


# ---------------------------------------------------------------- building answers
def _as_item(item: ScriptItem) -> Speech | Filler | float:
    if isinstance(item, (Speech, Filler)):
        return item
    if isinstance(item, str):
        return Speech(item)
    if isinstance(item, (int, float)) and not isinstance(item, bool):
        if item < 0:
            raise SynthError(f"a silence cannot be negative ({item})")
        return float(item)
    raise SynthError(f"cannot use {item!r} in a script (str, float, Filler or Speech)")


def _render_filler(f: Filler, voice: str, rate_wpm: int, pitch: int, rng: np.random.Generator) -> np.ndarray:
    key = f.text.lower()
    if key in _HESITATION_PHONEMES:
        variants = _HESITATION_PHONEMES[key]
        spelling = variants[int(rng.integers(len(variants)))]
        slow = max(80, int(rate_wpm * rng.uniform(0.5, 0.85)))
        return speak(spelling, voice=voice, rate_wpm=slow, pitch=max(0, pitch - int(rng.integers(0, 10))))
    return speak(f.text, voice=voice, rate_wpm=rate_wpm, pitch=pitch)


def _natural_gap(prev_text: str, rng: np.random.Generator) -> float:
    """A breath between pieces: longer after a full stop, never near a 1 s pause."""
    if prev_text.rstrip().endswith((".", "?", "!")):
        return float(rng.uniform(0.3, 0.6))
    return float(rng.uniform(0.05, 0.25))


Renderer = Callable[[Union[Speech, Filler], np.random.Generator], tuple[np.ndarray, Optional[dict]]]
"""One piece as samples, plus what was made for a hesitation (or None); draws only from the generator it is given."""


def lay_out(items: Sequence[Speech | Filler | float], render: Renderer, rng_gap: np.random.Generator,
            lead_in_s: float, tail_s: float) -> tuple[np.ndarray, tuple[Piece, ...], list[dict]]:
    """The script's pieces on one timeline with exact silences: the clean signal, the pieces and each
    hesitation's render notes. One builder for every synthesizer family: `render` makes each piece, and
    draws from `rng_gap` before the natural gap after the previous piece is drawn (the order every
    cached corpus was made with)."""
    chunks: list[np.ndarray] = [np.zeros(int(round(lead_in_s * SAMPLE_RATE)), np.float32)]
    cursor = len(chunks[0])
    pieces: list[Piece] = []
    notes: list[dict] = []
    prev_sound: Piece | None = None
    silence_since_sound = False
    for item in items:
        if isinstance(item, float):
            n = int(round(item * SAMPLE_RATE))
            if n:
                chunks.append(np.zeros(n, np.float32))
                pieces.append(Piece("silence", "", cursor / SAMPLE_RATE, (cursor + n) / SAMPLE_RATE))
                cursor += n
            silence_since_sound = True
            continue
        audio, meta = render(item, rng_gap)
        if isinstance(item, Filler):
            kind, text, star, look = "filler", item.text, None, False
        else:
            kind, text, star, look = "speech", item.text, item.star, item.lookalike
        if prev_sound is not None and not silence_since_sound:
            n = int(round(_natural_gap(prev_sound.text, rng_gap) * SAMPLE_RATE))
            chunks.append(np.zeros(n, np.float32))
            cursor += n
        piece = Piece(kind, text, cursor / SAMPLE_RATE, (cursor + len(audio)) / SAMPLE_RATE, star, look)
        chunks.append(audio)
        cursor += len(audio)
        pieces.append(piece)
        if meta is not None:
            notes.append({"start": round(piece.start, 4), **meta})
        prev_sound, silence_since_sound = piece, False
    chunks.append(np.zeros(int(round(tail_s * SAMPLE_RATE)), np.float32))
    return np.concatenate(chunks).astype(np.float64), tuple(pieces), notes


def add_noise(clean: np.ndarray, pieces: Sequence[Piece], noise_kind: str, noise_snr_db: float | None,
              rng_noise: np.random.Generator) -> np.ndarray:
    """`clean` plus noise at `noise_snr_db` against the speech power (None: unchanged), so noisy - clean is the noise."""
    if noise_snr_db is None:
        return clean
    noise = make_noise(noise_kind, len(clean), rng_noise)
    p_sig = speech_power(clean, pieces)
    p_noise = float(np.mean(noise**2))
    if p_sig > 0 and p_noise > 0:
        return clean + noise * math.sqrt(p_sig / (p_noise * 10 ** (noise_snr_db / 10)))
    return clean


def build_answer(
    script: Sequence[ScriptItem],
    voice: str = "en-us",
    rate_wpm: int = 160,
    pitch: int = 50,
    lead_in_s: float = 0.5,
    tail_s: float = 0.5,
    noise_snr_db: float | None = None,
    seed: int = 0,
    noise_kind: str = "pink",
    gain_db: float = 0.0,
) -> SyntheticAnswer:
    """Lay the script's pieces on one timeline: str = speech, float = silence (s), Filler = hesitation.

    Gaps, filler spellings and noise come from `seed`; the clean signal does not depend on the noise
    settings, so `noisy - clean` is exactly the added noise.
    """

    def render(item: Speech | Filler, rng: np.random.Generator) -> tuple[np.ndarray, dict | None]:
        if isinstance(item, Filler):
            audio = _render_filler(item, voice, rate_wpm, pitch, rng)
        else:
            audio = speak(item.text, voice=voice, rate_wpm=rate_wpm, pitch=pitch)
        if audio.size == 0:
            raise SynthError(f"espeak-ng made no sound for {item.text!r}")
        return audio, None

    items = [_as_item(i) for i in script]
    rng_gap = np.random.default_rng([seed, 1])
    rng_noise = np.random.default_rng([seed, 2])
    clean, pieces, _ = lay_out(items, render, rng_gap, lead_in_s, tail_s)
    samples = add_noise(clean, pieces, noise_kind, noise_snr_db, rng_noise)
    if gain_db:
        samples = samples * 10 ** (gain_db / 20)
    info = {
        "voice": voice,
        "rate_wpm": rate_wpm,
        "pitch": pitch,
        "noise": "none" if noise_snr_db is None else f"{noise_kind}@{noise_snr_db:g}dB",
        "seed": seed,
        "gain_db": gain_db,
    }
    return SyntheticAnswer(samples.astype(np.float32), pieces, info)


def write_wav(path: str | Path, answer_or_samples: SyntheticAnswer | np.ndarray, subtype: str = "PCM_16") -> None:
    """Write 16 kHz mono; samples beyond full scale are clipped (PCM) rather than wrapped."""
    import soundfile as sf

    x = answer_or_samples.samples if isinstance(answer_or_samples, SyntheticAnswer) else answer_or_samples
    x = np.asarray(x, dtype=np.float32)
    if subtype.startswith("PCM"):
        x = np.clip(x, -1.0, 32767 / 32768)
    sf.write(str(path), x, SAMPLE_RATE, subtype=subtype)
