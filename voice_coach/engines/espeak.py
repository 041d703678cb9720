"""The one launcher of the espeak-ng command: text in, (float32 mono samples, sample rate) out.

Used by the interviewer's voice when pyttsx3 cannot run (engines/tts.py) and by the synthetic
answers of the tests, the benchmarks and the demo (testing/synth.py). Each call is a fresh
process: libespeak-ng keeps state from one synthesis to the next inside a process, a new command
does not, so the same text, voice, rate and pitch always give the same samples.
"""

from __future__ import annotations

import shutil
import struct
import subprocess

import numpy as np

from voice_coach.core.errors import VoiceCoachError

ESPEAK_TIMEOUT_S = 20.0


class EspeakError(VoiceCoachError):
    """espeak-ng is missing, took too long, or refused the text or the voice."""


def espeak_wav(text: str, voice: str | None = None, rate_wpm: int = 175, pitch: int | None = None,
               timeout_s: float = ESPEAK_TIMEOUT_S) -> tuple[np.ndarray, int]:
    """`text` spoken by espeak-ng as (float32 mono samples in [-1, 1), sample rate: 22050 for espeak-ng's voices).

    `voice` and `pitch` (0-99) left as None use espeak-ng's defaults. The text goes in on stdin, so
    a line starting with "-" is spoken, not taken for an option; "[[...]]" spells phonemes.
    """
    exe = shutil.which("espeak-ng")
    if not exe:
        raise EspeakError("espeak-ng is not installed (apt-get install espeak-ng)")
    command = [exe]
    if voice:
        command += ["-v", voice]
    command += ["-s", str(int(rate_wpm))]
    if pitch is not None:
        command += ["-p", str(int(pitch))]
    command += ["--stdout", "--stdin"]
    try:
        proc = subprocess.run(command, input=text.encode(), capture_output=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        raise EspeakError(f"espeak-ng took more than {timeout_s:g} s") from None
    except OSError as exc:
        raise EspeakError(f"espeak-ng could not be started ({exc})") from None
    stderr = proc.stderr.decode(errors="replace").strip()
    if proc.returncode != 0:
        raise EspeakError(f"espeak-ng failed for voice {voice!r}: {stderr or f'exit status {proc.returncode}'}")
    try:
        return _parse_wav(proc.stdout)
    except ValueError as exc:
        raise EspeakError(f"espeak-ng gave no audio for voice {voice!r} ({stderr or exc})") from None


def _parse_wav(data: bytes) -> tuple[np.ndarray, int]:
    """16-bit PCM from a WAV streamed to stdout (its data size field cannot be trusted: read to the end)."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a WAV stream")
    pos, channels, rate, bits = 12, 0, 0, 0
    while pos + 8 <= len(data):
        chunk_id, size = struct.unpack_from("<4sI", data, pos)
        if chunk_id == b"fmt ":
            _, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", data, pos + 8)
        elif chunk_id == b"data":
            if bits != 16 or channels < 1 or rate <= 0:
                raise ValueError(f"unexpected format: {channels} channels, {bits}-bit, {rate} Hz")
            body = data[pos + 8:]
            frames = len(body) // (2 * channels)
            pcm = np.frombuffer(body, dtype="<i2", count=frames * channels).reshape(frames, channels)
            mono = pcm[:, 0] if channels == 1 else pcm.mean(axis=1)
            return mono.astype(np.float32) / 32768.0, int(rate)
        pos += 8 + size + (size & 1)
    raise ValueError("no audio data in the WAV stream")
