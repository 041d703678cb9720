"""The end-of-turn rule read as text (analysis/turn_end.py): does it find the end of a told story,
and does it stay quiet on a story that stops before its result?

Sets: the STAR analyser's labelled answers (tests/data/star_answers_{dev,test}.toml, behavioural
ones with a result; unpunctuated ones get a full stop per sentence, as Whisper writes them), the
8 stories of the audio benchmark (bench/turn_stories.STORIES) and 8 held out
(bench/turn_stories.HELD_OUT). For each story: "finished" = the rule fires on the whole story;
"before the result" = it fires on the story cut right before its first result sentence (a
thinking pause there would be a cut-off); "any prefix" = on any cut before the result.

  .venv/bin/python -m bench.eval_turn_end [--cues]   # --cues: the cue list the stories used before
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

from bench.turn_stories import HELD_OUT, STORIES
from voice_coach.analysis import turn_end

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def labelled(name: str) -> list[tuple[list[str], int]]:
    data = tomllib.loads((DATA / name).read_text())
    out = []
    for a in data["answers"]:
        if a.get("kind", "behavioral") != "behavioral":
            continue
        labels = [lab for lab, _ in a["sentences"]]
        if "R" not in labels:
            continue
        texts = [t if t.rstrip()[-1:] in ".!?" else t.rstrip() + "." for _, t in a["sentences"]]
        out.append((texts, labels.index("R")))
    return out


def cue_rule(text: str) -> bool:
    said = turn_end.sentences(text)
    return (turn_end.closed(text) and len(said) >= turn_end.STORY_MIN_SENTENCES
            and any(turn_end.states_outcome(s) for s in said[-2:]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cues", action="store_true", help="also the cue list stories used before 2026-12-07")
    args = ap.parse_args(argv)
    rules = {"STAR labeller (kept)": lambda text: turn_end.answer_finished(text, expect_star=True)}
    if args.cues:
        rules["cue list (before)"] = cue_rule
    sets = {"STAR dev": labelled("star_answers_dev.toml"), "STAR test": labelled("star_answers_test.toml"),
            "bench stories": list(STORIES), "held out": list(HELD_OUT)}
    print("| rule | set | stories | finished found | fires before the result | fires on any prefix |")
    print("|---|---|---|---|---|---|")
    for rname, rule in rules.items():
        for sname, items in sets.items():
            found = sum(rule(" ".join(t)) for t, _ in items)
            before = sum(rule(" ".join(t[:r])) for t, r in items if r >= 1)
            prefixes = [(t, k) for t, r in items for k in range(1, r + 1)]
            anyp = sum(rule(" ".join(t[:k])) for t, k in prefixes)
            print(f"| {rname} | {sname} | {len(items)} | {found}/{len(items)} | {before}/{len(items)} | "
                  f"{anyp}/{len(prefixes)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
