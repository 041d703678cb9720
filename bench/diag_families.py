"""Why hesitations and pauses go wrong per voice family: every miss and false alarm with its context and cause.

Two steps, so the analysis can be changed and judged again in seconds without Whisper:
  capture: each family WAV (bench/out/families) through the product's file path once, keeping what the
           final analysis was given (Silero probabilities, Whisper's words, the probe memo) in
           bench/out/diag/<family>/<stem>.pkl;
  replay:  analyze_answer again on those inputs with today's analysis code (a probe the memo does not
           hold is asked of Whisper and remembered), scored like bench/eval_analyzer.py, with one
           line per missed or false hesitation and pause: the islands there, the word that owns
           them, the island's sound and what the probe heard.

  VOICE_COACH_VOICE_CACHE=bench/out/voice_cache .venv/bin/python -m bench.diag_families capture [--only SUBSTR]
  .venv/bin/python -m bench.diag_families replay [--only SUBSTR] [--quiet]

Replay is an approximation of the product (the words were transcribed with the spans of the capture
run); the figures to report come from bench/eval_analyzer.py --families.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path

import numpy as np

from bench.common import OUT
from bench.eval_analyzer import FAMILIES, aggregate, family_row
from bench.scoring import score_file

DIAG = OUT / "diag"


def _wavs(only: str | None) -> list[tuple[str, Path, dict]]:
    out = []
    for fam in FAMILIES:
        for wav in sorted((OUT / "families" / fam).glob("*.wav")):
            if only and only not in f"{fam}/{wav.stem}":
                continue
            out.append((fam, wav, json.loads((wav.parent / f"{wav.stem}.truth.json").read_text())))
    return out


def capture(only: str | None) -> None:
    import voice_coach.live.analyzer as live
    from voice_coach.live.replay import analyze_file, load_transcriber

    tr = load_transcriber()
    saved: dict = {}
    real = live.analyze_answer

    def grab(samples, probs, words, settings, model_name, source, probe):
        saved.update(probs=list(probs), words=list(words), seen=list(probe._seen) if probe else [],
                     settled=probe.settled_before_s if probe else None)
        return real(samples, probs, words, settings, model_name, source, probe)

    live.analyze_answer = grab
    for fam, wav, _ in _wavs(only):
        target = DIAG / fam / f"{wav.stem}.pkl"
        if target.exists():
            continue
        saved.clear()
        analyze_file(wav, transcriber=tr)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pickle.dumps(dict(saved)))
        print(f"captured {fam}/{wav.stem}", file=sys.stderr, flush=True)


class CachedProbe:
    """The capture's probe memo; islands it never heard are asked of Whisper (once) and remembered."""

    def __init__(self, samples: np.ndarray, seen: list, settled: float | None, store: Path, faithful: bool) -> None:
        self.samples, self.seen, self.settled, self.store, self.faithful = samples, seen, settled, store, faithful
        self.extra: list = pickle.loads(store.read_bytes()) if store.exists() else []
        self.log: list = []

    def __call__(self, span) -> str:
        for seen, text in list(self.seen) + self.extra:
            overlap = min(seen.end, span.end) - max(seen.start, span.start)
            if overlap >= 0.5 * max(seen.duration, span.duration):
                self.log.append((span, text))
                return text
        if self.faithful and self.settled is not None and span.end <= self.settled:
            self.log.append((span, ""))
            return ""
        from voice_coach.core.timed import SAMPLE_RATE

        text = _transcriber().probe(self.samples[int(span.start * SAMPLE_RATE): int(span.end * SAMPLE_RATE)].astype(np.float32) / 32768)
        self.extra.append((span, text))
        self.store.write_bytes(pickle.dumps(self.extra))
        self.log.append((span, text))
        return text


_TR = None


def _transcriber():
    global _TR
    if _TR is None:
        from voice_coach.live.replay import load_transcriber

        _TR = load_transcriber()
    return _TR


def replay(only: str | None, quiet: bool, faithful: bool) -> None:
    import soundfile as sf

    import voice_coach.analysis.fillers as fillers_mod
    from voice_coach.analysis.answer import analyze_answer
    from voice_coach.analysis.hesitations import assign_words, island_sound
    from voice_coach.core.settings import AnalysisSettings

    seen_islands: dict = {}
    real_find = fillers_mod.find_hesitations

    def spy(words, islands, samples, probe=None):
        seen_islands.update(words=list(words), islands=list(islands))
        return real_find(words, islands, samples, probe)

    fillers_mod.find_hesitations = spy
    rows: dict[str, list] = {}
    for fam, wav, truth in _wavs(only):
        pkl = DIAG / fam / f"{wav.stem}.pkl"
        if not pkl.exists():
            continue
        cap = pickle.loads(pkl.read_bytes())
        samples, _ = sf.read(str(wav), dtype="int16")
        probe = CachedProbe(samples, cap["seen"], cap["settled"], pkl.with_suffix(".probes"), faithful)
        res = analyze_answer(samples, cap["probs"], cap["words"], AnalysisSettings(), "tiny.en", str(wav), probe).to_dict()
        sc = score_file(wav.stem, truth, res, {"family": fam})
        rows.setdefault(fam, []).append(sc)
        if quiet:
            continue
        islands, words = seen_islands["islands"], seen_islands["words"]
        owner = assign_words(words, islands)
        info = {r["start"]: r for r in truth.get("filler_renders", [])}
        print(f"\n== {fam}/{wav.stem} ({truth['voice']}, {truth['level']}, {truth['noise']})  fillers "
              f"{sc.filler_tp}/{sc.filler_true} pred {sc.filler_pred}; pauses {sc.pause_tp}/{sc.pause_true} pred {sc.pause_pred}; "
              f"latency {res['pauses']['response_latency_s']} vs {truth['first_speech_s']:.3f}")

        def near(a: float, b: float) -> str:
            parts = []
            for k, isl in enumerate(islands):
                if isl.end < a - 0.3 or isl.start > b + 0.3:
                    continue
                ws = [words[i].text for i, o in enumerate(owner) if o == k]
                snd = island_sound(samples, isl)
                heard = next((t for s, t in probe.log if abs(s.start - isl.start) < 0.05), None)
                parts.append(f"[{isl.start:.2f}-{isl.end:.2f} {' '.join(ws)!r} v{snd.voiced:.2f} lo{snd.low_share:.2f}"
                             f"{' probe=' + repr(heard) if heard is not None else ''}]")
            return " ".join(parts) or "(no island)"

        def ctx(a: float, b: float) -> str:
            return " ".join(w.text for w in words if w.end >= a - 0.6 and w.start <= b + 0.6)

        for line in sc.misses + sc.false_alarms:
            what, *rest = line.split()
            if what not in ("filler", "pause"):
                continue
            a, b = map(float, rest[-1].split("-"))
            tag = "MISS " if line in sc.misses else "FALSE"
            extra = ""
            if line in sc.misses and what == "filler":
                r = next((v for k, v in info.items() if abs(k - a) < 0.01), {})
                extra = f" spelled {r.get('spelling')} {r.get('duration_s', 0):.2f}s lvl {r.get('level_db')}"
            print(f"  {tag} {line}{extra}\n        words: {ctx(a, b)!r}\n        islands: {near(a, b)}")
    print("\n" + "replay (approximate), per family")
    for fam, scs in rows.items():
        print(family_row(fam, aggregate(scs), None))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("step", choices=("capture", "replay"))
    ap.add_argument("--only", help="files whose family/stem contains this")
    ap.add_argument("--quiet", action="store_true", help="replay: the table only")
    ap.add_argument("--all-probes", action="store_true",
                    help="replay: ask Whisper about every island (not only those the live path would have)")
    args = ap.parse_args(argv)
    if args.step == "capture":
        capture(args.only)
    else:
        replay(args.only, args.quiet, not args.all_probes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
