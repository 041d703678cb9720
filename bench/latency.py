"""Time to feedback after answers of 1, 2 and 5 minutes, streamed live versus transcribed afterwards.

Each answer (synthesized: STAR stories, fillers, pauses, pink noise at 30 dB; a different voice and
rate per repetition) is replayed at speaking pace by ArraySource(realtime=True) into
capture_answer -> LiveAnalyzer(background=True), the session's own listening path. The answer ends
either by Enter 0.3 s after the last sound, or by the session's 6 s of silence. Time to feedback
is then measured as the session measures it: from the moment the answer was judged over
(Capture.ended_at) to LiveAnalyzer.finish() returned, the analysis turned into feedback and the
feedback sentence synthesized (speaker.synthesize), ready to play.

Right after each streamed answer, the same recording is analysed the other way, transcribe after
the answer: the file path (LiveAnalyzer(background=False) with the file stretch lengths) runs over
the whole recording only once it is over, then the same feedback steps. Its CPU share while
listening is what it would need then: recording plus voice activity only.

  .venv/bin/python -m bench.latency                       # tiny.en, 1/2/5 min, 5 runs each, both endings
  .venv/bin/python -m bench.latency --model base
  options: --lengths 60,120,300  --reps 5  --ends enter,silence  --no-after
           --realtime-tail S: feed all but the last S seconds fast, wait until the worker has
           transcribed them, then replay the last S seconds in real time (a shortcut, labelled in
           the output; valid only where transcription keeps up with real time)
Raw figures per run go to bench/out/latency/runs_<model>.jsonl; `--table-from FILE` prints their table.

  .venv/bin/python -m bench.latency --turns [--busy] [--turn-tail S]
End of turn: story answers with 2.5-6 s thinking pauses between sentences (one right before the
result in every answer, bench/turn_stories.py), ended by the session's own rule (analysis/turn_end.py
+ CaptureSettings), not by Enter. Reports the time from the last word to feedback ready to play
(judged-over delay on the audio clock + finish/feedback on the wall clock), cut-offs (the answer
judged over before its last word), answer judged over -> feedback, and live-word lag: for each word
Whisper returns, the time from its end in the audio to its first appearance in LiveStats.words,
polled every 0.05 s while the answer is replayed in real time. With --turn-tail S, all but the
last S s of each answer are fed fast with the worker drained after every block (a worker that keeps
up: the cut-off count is exact for the text rule, the lag covers the real-time part only).
--busy keeps one core busy with another process (`python3 -c "while True: pass"`) meanwhile.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from bench.common import OUT, RssSampler, load_average, long_answer, machine_line
from bench.corpus import RATES, VOICES
from voice_coach.analysis.feedback import answer_feedback
from voice_coach.live.capture import CaptureSettings, capture_answer
from voice_coach.audio.file_source import ArraySource
from voice_coach.engines.tts import synthesize
from voice_coach.core.heap import map_large_blocks
from voice_coach.live.analyzer import FILE_STRETCH_S, LiveAnalyzer, Recording
from voice_coach.core.settings import AnalysisSettings
from voice_coach.core.timed import SAMPLE_RATE
from voice_coach.engines.silero_vad import SileroVad, SpeechTracker

ENTER_AFTER_S = 0.3
"""Enter is pressed this long after the last sound."""
SILENCE_TAIL_S = 8.0
"""Audio after the last sound in the silence ending: more than the 6 s that ends the answer."""
BLOCK = int(0.1 * SAMPLE_RATE)
CAPTURE = CaptureSettings(end_silence_s=6.0, max_answer_s=3600.0, no_answer_s=60.0)
"""The session's end-of-answer silence; the maximum length is lifted so a 5-minute answer is whole."""
FEEDBACK_RATE_WPM = 170
RSS_EVERY_S = 0.02
"""The benchmark process's resident size is read this often (its peak is the table's)."""


# ---------------------------------------------------------------- instruments
class TimedTranscriber:
    """Wraps the transcriber and adds up the time spent in it (on whichever thread calls it)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = getattr(inner, "name", "")
        self.busy_s = self.probe_s = 0.0
        self.probes = 0
        self._lock = threading.Lock()

    def _timed(self, fn, *a, probe: bool = False, **kw):
        started = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            with self._lock:
                spent = time.perf_counter() - started
                self.busy_s += spent
                if probe:
                    self.probe_s += spent
                    self.probes += 1

    def reset(self) -> None:
        with self._lock:
            self.busy_s = self.probe_s = 0.0
            self.probes = 0

    def snapshot(self) -> tuple[float, float, int]:
        with self._lock:
            return self.busy_s, self.probe_s, self.probes

    def transcribe(self, samples, offset_s=0.0, prompt=None):
        return self._timed(self.inner.transcribe, samples, offset_s=offset_s, prompt=prompt)

    def probe(self, samples):
        return self._timed(self.inner.probe, samples, probe=True)


class Replay:
    """An AudioSource: ArraySource(realtime=True) over the answer, optionally after a fast prefix.

    Notes when the real-time part starts (wall and process CPU clocks) and sets `enter` as the last
    block is handed over, as the Enter key would be pressed then.
    """

    def __init__(self, samples: np.ndarray, enter: threading.Event | None, fast_until: int = 0,
                 drain=None) -> None:
        self.samples, self.enter, self.fast_until, self.drain = samples, enter, fast_until, drain
        self.live_started = self.cpu_started = 0.0
        self._sources: list[ArraySource] = []

    def blocks(self) -> Iterator[np.ndarray]:
        if self.fast_until:
            fast = ArraySource(self.samples[: self.fast_until], realtime=False)
            self._sources.append(fast)
            yield from fast.blocks()
            if self.drain:
                self.drain()
        paced = ArraySource(self.samples[self.fast_until:], realtime=True)
        self._sources.append(paced)
        self.live_started, self.cpu_started = time.monotonic(), time.process_time()
        total = len(paced.samples)
        handed = 0
        for block in paced.blocks():
            handed += len(block)
            if self.enter is not None and handed >= total:
                self.enter.set()
            yield block

    def close(self) -> None:
        for source in self._sources:
            source.close()


@dataclass(frozen=True)
class Run:
    model: str
    path: str  # "streaming" | "after"
    end: str  # "enter" | "silence"
    length_s: float
    voice: str
    rate_wpm: int
    audio_s: float
    ttf_s: float
    finish_s: float
    """Of ttf: until the analysis was complete (the rest is feedback text and speech synthesis)."""
    finish_whisper_s: float
    """Of finish_s: Whisper calls that ended after the answer did (the last stretch, and probes)."""
    finish_probe_s: float
    """Of finish_whisper_s: hesitation probes (one island each, one encoder pass each)."""
    finish_probes: int
    pending_s: float
    """Audio not yet handed to transcription when the answer ended (streaming)."""
    rtf: float
    """Time inside the transcriber / audio seconds."""
    cpu_share: float
    """Process CPU time / wall time while listening (1.0 = one core busy)."""
    peak_rss_mb: float
    load_1min: float
    words: int
    realtime_s: float


# ---------------------------------------------------------------- one answer, both ways
def feedback_ready(data: dict) -> None:
    """What the session does before the first sound: feedback text, then its speech."""
    text = answer_feedback(data, star_expected=True).text
    samples, _ = synthesize(text, None, FEEDBACK_RATE_WPM)
    if not len(samples):
        raise RuntimeError("feedback synthesis gave no audio")


def streamed(transcriber: TimedTranscriber, samples: np.ndarray, end: str, realtime_tail: float | None,
             settings: AnalysisSettings) -> tuple[dict, np.ndarray]:
    transcriber.reset()
    live = LiveAnalyzer(transcriber, settings, background=True, model_name=transcriber.name)
    enter = threading.Event() if end == "enter" else None
    fast = 0
    if realtime_tail is not None:
        fast = max(0, len(samples) - int(realtime_tail * SAMPLE_RATE)) // BLOCK * BLOCK
    queue = live._queue  # the worker's job queue: the shortcut waits until it is empty
    replay = Replay(samples, enter, fast, drain=queue.join if queue is not None else None)
    with RssSampler(RSS_EVERY_S) as rss:
        cap = capture_answer(replay, live, CAPTURE, enter=enter)
        cpu = time.process_time() - replay.cpu_started
        wall = cap.ended_at - replay.live_started
        pending = live.stats().pending_s
        before = transcriber.snapshot()
        analysis = live.finish(source="bench")
        finished = time.monotonic()
        whisper = [a - b for a, b in zip(transcriber.snapshot(), before)]
        data = analysis.to_dict()
        feedback_ready(data)
        ready = time.monotonic()
    expected = "enter" if end == "enter" else "silence"
    if cap.reason != expected:
        raise RuntimeError(f"the answer ended by {cap.reason}, not {expected}")
    recording = live.recording.float32()
    return {"ttf_s": ready - cap.ended_at, "finish_s": finished - cap.ended_at, "pending_s": pending,
            "finish_whisper_s": whisper[0], "finish_probe_s": whisper[1], "finish_probes": int(whisper[2]),
            "rtf": transcriber.busy_s / cap.duration_s, "cpu_share": cpu / wall, "peak_rss_mb": rss.peak_kib / 1024,
            "words": len(data["words"]), "audio_s": cap.duration_s, "realtime_s": wall}, recording


def after(transcriber: TimedTranscriber, recording: np.ndarray, settings: AnalysisSettings) -> dict:
    """The whole recording analysed only once the answer is over (the file path), then feedback."""
    started = time.process_time()
    tracker, kept = SpeechTracker(SileroVad()), Recording()
    for i in range(0, len(recording), BLOCK):
        kept.append(recording[i:i + BLOCK])
        tracker.insert(recording[i:i + BLOCK])
    listen_cpu = time.process_time() - started  # what listening costs without transcription
    del tracker, kept
    transcriber.reset()
    audio_s = len(recording) / SAMPLE_RATE
    with RssSampler(RSS_EVERY_S) as rss:
        ended = time.monotonic()
        live = LiveAnalyzer(transcriber, settings, background=False, model_name=transcriber.name,
                            stretch_s=FILE_STRETCH_S)
        for i in range(0, len(recording), BLOCK):
            live.insert(recording[i:i + BLOCK])
        analysis = live.finish(source="bench")
        finished = time.monotonic()
        data = analysis.to_dict()
        feedback_ready(data)
        ready = time.monotonic()
    busy, probe_s, probes = transcriber.snapshot()
    return {"ttf_s": ready - ended, "finish_s": finished - ended, "pending_s": audio_s,
            "finish_whisper_s": busy, "finish_probe_s": probe_s, "finish_probes": probes,
            "rtf": transcriber.busy_s / audio_s, "cpu_share": listen_cpu / audio_s, "peak_rss_mb": rss.peak_kib / 1024,
            "words": len(data["words"]), "audio_s": audio_s, "realtime_s": 0.0}


# ---------------------------------------------------------------- answers and table
def answer_samples(length_s: float, rep: int) -> tuple[np.ndarray, float, str, int]:
    """(samples with SILENCE_TAIL_S after the last sound, last sound s, voice, rate); cached as WAV."""
    import soundfile as sf

    voice, rate = VOICES[rep % len(VOICES)], RATES[rep % len(RATES)]
    wav = OUT / "latency" / f"answer_{length_s:g}s_{rep}.wav"
    meta = wav.with_suffix(".json")
    if not (wav.is_file() and meta.is_file()):
        from voice_coach.testing.synth import write_wav

        answer = long_answer(length_s + SILENCE_TAIL_S - ENTER_AFTER_S, voice=voice, rate_wpm=rate,
                             seed=int(length_s) + 101 * rep, tail_s=SILENCE_TAIL_S)  # last sound at ~length_s
        wav.parent.mkdir(parents=True, exist_ok=True)
        write_wav(wav, answer)
        meta.write_text(json.dumps({"last_sound_s": answer.last_speech_s, "voice": voice, "rate": rate}))
    samples, _ = sf.read(str(wav), dtype="float32")
    info = json.loads(meta.read_text())
    return samples, float(info["last_sound_s"]), voice, rate


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def table(runs: list[Run]) -> list[str]:
    header = ("| path | ended by | answer | runs | TTF p50 s | TTF p95 s | TTF max s | of which analysis p50 s | "
              "audio left at end p50 s | Whisper after end p50 s (probes) | transcription RTF | CPU share listening | "
              "peak RSS MB | after/streaming TTF p50 | load avg |")
    lines = [header,
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    keys = sorted({(r.end, r.length_s) for r in runs}, key=lambda k: (k[0], k[1]))
    for path in ("streaming", "after"):
        for end, length in keys:
            group = [r for r in runs if r.path == path and r.end == end and r.length_s == length]
            if not group:
                continue
            ttf = [r.ttf_s for r in group]
            ratio = ""
            base = [r.ttf_s for r in runs if r.path == "streaming" and r.end == end and r.length_s == length]
            if path == "after" and base:
                ratio = f"{statistics.median(ttf) / statistics.median(base):.1f}x"
            lines.append(
                f"| {path} | {end} | {length / 60:g} min | {len(group)} | {pct(ttf, 50):.2f} | {pct(ttf, 95):.2f} | "
                f"{max(ttf):.2f} | {statistics.median(r.finish_s for r in group):.2f} | "
                f"{statistics.median(r.pending_s for r in group):.1f} | "
                f"{statistics.median(r.finish_whisper_s for r in group):.2f} "
                f"({statistics.median(r.finish_probe_s for r in group):.2f}) | {statistics.median(r.rtf for r in group):.3f} | "
                f"{statistics.median(r.cpu_share for r in group):.1%} | {max(r.peak_rss_mb for r in group):.0f} | "
                f"{ratio} | {statistics.mean(r.load_1min for r in group):.1f} |")
    return lines


# ---------------------------------------------------------------- end of turn
TURN_CAPTURE = CaptureSettings(max_answer_s=3600.0, no_answer_s=60.0)
"""The session's capture rules (end of turn on, --end-silence 6 s)."""


def turn_answer(i: int, stories: str = "bench"):
    """(samples, last word s, voice, rate) of story i with thinking pauses; cached as WAV.
    `stories`: "bench" (turn_stories.STORIES) or "heldout" (turn_stories.HELD_OUT, other voices)."""
    import soundfile as sf

    from bench.turn_stories import HELD_OUT, STORIES

    held = stories == "heldout"
    sentences, before = (HELD_OUT if held else STORIES)[i % len(STORIES)]
    voice, rate = VOICES[(i + 3 * held) % len(VOICES)], RATES[(i * 3 + held) % len(RATES)]
    wav = OUT / "latency" / f"turn_{'h' if held else ''}{i}.wav"
    meta = wav.with_suffix(".json")
    if not (wav.is_file() and meta.is_file()):
        from voice_coach.testing.synth import build_answer, write_wav

        rng = np.random.default_rng(500 + i)
        other = int(rng.integers(1, before))  # a second thinking pause earlier in the story
        items: list = []
        for k, sentence in enumerate(sentences):
            if k in (before, other):
                items.append(float(rng.uniform(2.5, 6.0)) if k != before else float(rng.uniform(2.8, 6.0)))
            items.append(sentence)
        answer = build_answer(items, voice=voice, rate_wpm=rate, seed=600 + i, noise_snr_db=30.0, tail_s=SILENCE_TAIL_S)
        wav.parent.mkdir(parents=True, exist_ok=True)
        write_wav(wav, answer)
        meta.write_text(json.dumps({"last_sound_s": answer.last_speech_s, "pauses": answer.pauses(2.0)}))
    samples, _ = sf.read(str(wav), dtype="float32")
    info = json.loads(meta.read_text())
    return samples, float(info["last_sound_s"]), voice, rate, info["pauses"]


class PacedReplay:
    """Fast (worker drained after every block) up to `fast_until`, then in real time; records the
    wall time each real-time block was handed over."""

    def __init__(self, samples: np.ndarray, fast_until: int, drain) -> None:
        self.samples, self.fast_until, self.drain = samples, fast_until, drain
        self.t0 = 0.0  # wall time at which audio sample `fast_until` was handed over
        self._closed = False

    def blocks(self) -> Iterator[np.ndarray]:
        for i in range(0, self.fast_until, BLOCK):
            if self._closed:
                return
            yield self.samples[i:i + BLOCK]
            self.drain()
        self.t0 = time.monotonic()
        for n, i in enumerate(range(self.fast_until, len(self.samples), BLOCK)):
            if self._closed:
                return
            delay = self.t0 + (n + 1) * BLOCK / SAMPLE_RATE - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            yield self.samples[i:i + BLOCK]

    def close(self) -> None:
        self._closed = True


def turn_run(transcriber, i: int, tail_s: float | None, stories: str = "bench") -> dict:
    samples, last, voice, rate, pauses = turn_answer(i, stories)
    transcriber.reset()
    live = LiveAnalyzer(transcriber, AnalysisSettings(expect_star=True), background=True, model_name=transcriber.name)
    live.trace = []
    fast_until = 0 if tail_s is None else max(0, int((last - tail_s) * SAMPLE_RATE)) // BLOCK * BLOCK
    replay = PacedReplay(samples, fast_until, live.drain)
    seen: dict[tuple[str, float], float] = {}
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            now = time.monotonic()
            for w in live.stats().words:
                seen.setdefault((w.text, round(w.end, 1)), now)
            stop.wait(0.05)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    cap = capture_answer(replay, live, TURN_CAPTURE)
    stop.set()
    poller.join()
    analysis = live.finish(source="bench")
    finished = time.monotonic()
    feedback_ready(analysis)
    ready = time.monotonic()
    data = analysis.to_dict()
    start_s = fast_until / SAMPLE_RATE
    lags = [seen_at - (replay.t0 + (end - start_s)) for (text, end), seen_at in seen.items() if end > start_s + 0.2]
    return {"story": i, "voice": voice, "rate": rate, "reason": str(cap.reason), "last_s": last,
            "ended_s": cap.duration_s, "cut": cap.duration_s < last, "judged_s": cap.duration_s - last,
            "after_s": ready - cap.ended_at, "finish_s": finished - cap.ended_at,
            "last_to_feedback_s": cap.duration_s - last + ready - cap.ended_at, "lags": lags,
            "pause_s": [round(b - a, 1) for a, b in pauses], "load_1min": os.getloadavg()[0],
            "transcript": data.get("transcript", ""),
            "work": {"whisper_s": round(transcriber.busy_s, 2), "probes": transcriber.probes,
                     "probe_s": round(transcriber.probe_s, 2), "early": live.early_runs, "early_kept": live.early_kept,
                     "merged": live.jobs.merged, "probes_skipped": live.probes_skipped, "most_queued": live.jobs.most_queued,
                     "answer_s": round(last, 1), "glances": live.glances},
            "jobs_at_end": [(k, round(a, 1), round(b, 1), round(t - replay.t0 + start_s - last, 2), round(d, 2))
                            for k, a, b, t, d in live.trace if t - replay.t0 + start_s > last - 8.0]}


def turn_table(runs: list[dict], label: str) -> list[str]:
    fine = [r for r in runs if not r["cut"]]
    ltf = [r["last_to_feedback_s"] for r in fine]
    after = [r["after_s"] for r in runs]
    lags = [x for r in runs for x in r["lags"]]
    quick = sum(r["judged_s"] < 2.0 for r in fine)
    by_rule = sum(r["judged_s"] < TURN_CAPTURE.end_silence_s - 0.5 for r in fine)
    return [f"| {label} | {len(runs)} | {sum(r['cut'] for r in runs)} | {by_rule}/{len(fine)} | {quick}/{len(fine)} | "
            f"{pct(ltf, 50):.2f} | {max(ltf) if ltf else float('nan'):.2f} | {pct(after, 50):.2f} | {pct(after, 95):.2f} | "
            f"{pct(lags, 50):.2f} | {pct(lags, 95):.2f} | {len(lags)} | "
            f"{statistics.mean(r['load_1min'] for r in runs):.1f} |"]


TURN_HEADER = ["| machine | answers | cut-offs | ended by the turn rule (before the 6 s limit) | judged finished (< 2 s) | last word -> feedback p50 s | worst s | "
               "judged over -> feedback p50 s | p95 s | live-word lag p50 s | p95 s | words timed | load avg |",
               "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]


def turns_main(args) -> int:
    import subprocess
    import sys

    from voice_coach.live.replay import load_transcriber

    print(machine_line())
    n = args.reps
    for i in range(n):
        turn_answer(i, args.stories)
    transcriber = TimedTranscriber(load_transcriber(args.model))
    transcriber.transcribe(turn_answer(0, args.stories)[0][: 5 * SAMPLE_RATE])
    synthesize("Thank you for your answer.", None, FEEDBACK_RATE_WPM)  # the speech engine is warm by then
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if args.busy else None
    runs = []
    try:
        for i in range(n):
            r = turn_run(transcriber, i, args.turn_tail, args.stories)
            runs.append(r)
            w = r["work"]
            print(f"  story {i} {r['voice']} {r['rate']}: {r['reason']} at +{r['judged_s']:.1f} s"
                  f"{' CUT-OFF' if r['cut'] else ''}, last word -> feedback {r['last_to_feedback_s']:.2f} s, "
                  f"over -> feedback {r['after_s']:.2f} s, lag p95 {pct(r['lags'], 95):.2f} s, pauses {r['pause_s']}, "
                  f"load {r['load_1min']:.1f}; Whisper {w['whisper_s']:.1f} s for {w['answer_s']:.0f} s of answer "
                  f"(probes {w['probes']} = {w['probe_s']:.1f} s, early {w['early']} kept {w['early_kept']}, "
                  f"merged {w['merged']}, probes skipped {w['probes_skipped']}, queue max {w['most_queued']}, glances {w['glances']})",
                  flush=True)
            if args.trace:
                print("    jobs near the end (kind, clip s, started s after the last word, wall s):",
                      "; ".join(f"{k} {a}-{b} @{t:+.2f} {d:.2f}" for k, a, b, t, d in r["jobs_at_end"]))
    finally:
        if busy is not None:
            busy.kill()
            busy.wait()
    log = OUT / "latency" / "turns.jsonl"
    with log.open("a") as fh:
        for r in runs:
            fh.write(json.dumps({**r, "busy": bool(args.busy), "tail": args.turn_tail, "stories": args.stories}) + "\n")
    label = ("one core busy" if args.busy else "no extra load") + (", held-out stories" if args.stories == "heldout" else "") + (
        "" if args.turn_tail is None else f", last {args.turn_tail:g} s real time")
    print(f"\nmodel {transcriber.name}; {load_average()}\n")
    print("\n".join(TURN_HEADER + turn_table(runs, label)))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="as voice-coach --model (default: embedded tiny.en)")
    ap.add_argument("--lengths", default="60,120,300", help="answer lengths in s")
    ap.add_argument("--reps", type=int, default=5, help="runs per length and ending (a different voice each)")
    ap.add_argument("--ends", default="enter,silence", help="enter, silence or both")
    ap.add_argument("--no-after", action="store_true", help="skip transcribe-after-the-answer")
    ap.add_argument("--realtime-tail", type=float, default=None, metavar="S",
                    help="shortcut: only the last S seconds in real time (default: the whole answer)")
    ap.add_argument("--table-from", type=Path, metavar="JSONL", help="print the table of saved runs and stop "
                    "(with --turns: bench/out/latency/turns.jsonl, the last --reps runs)")
    ap.add_argument("--turns", action="store_true", help="end-of-turn benchmark (stories with thinking pauses)")
    ap.add_argument("--busy", action="store_true", help="--turns: keep one core busy with another process")
    ap.add_argument("--stories", choices=("bench", "heldout"), default="bench",
                    help="--turns: bench/turn_stories.STORIES or the held-out HELD_OUT")
    ap.add_argument("--trace", action="store_true", help="--turns: print the worker's jobs of the last 8 s of each answer")
    ap.add_argument("--turn-tail", type=float, default=None, metavar="S",
                    help="--turns: feed all but the last S s fast (worker drained), the rest in real time")
    args = ap.parse_args(argv)
    map_large_blocks()  # as the voice-coach command does at start-up
    if args.turns:
        if args.reps == 5 and "--reps" not in (argv or __import__("sys").argv):
            args.reps = 8
        if args.table_from:
            runs = [json.loads(line) for line in args.table_from.read_text().splitlines() if line.strip()][-args.reps:]
            label = ("one core busy" if runs[-1].get("busy") else "no extra load") + (
                ", held-out stories" if runs[-1].get("stories") == "heldout" else "")
            print("\n".join(TURN_HEADER + turn_table(runs, label)))
            return 0
        return turns_main(args)
    if args.table_from:
        runs = [Run(**json.loads(line)) for line in args.table_from.read_text().splitlines() if line.strip()]
        print("\n".join(table(runs)))
        return 0
    from voice_coach.live.replay import load_transcriber

    lengths = [float(v) for v in args.lengths.split(",")]
    ends = [e.strip() for e in args.ends.split(",") if e.strip()]
    print(machine_line())
    for length in lengths:  # synthesize (or find) every answer first, so no run waits for espeak-ng
        for rep in range(args.reps):
            answer_samples(length, rep)
    transcriber = TimedTranscriber(load_transcriber(args.model))
    model = transcriber.name
    settings = AnalysisSettings()
    transcriber.transcribe(answer_samples(lengths[0], 0)[0][: 5 * SAMPLE_RATE])  # warm-up, as during the greeting
    feedback_ready({"no_speech": True})  # the speech engine is warm after the greeting and the question
    replay = "whole answer in real time" if args.realtime_tail is None else \
        f"SHORTCUT: all but the last {args.realtime_tail:g} s fed fast and drained, the rest in real time"
    print(f"model: {model}; {replay}; end-of-answer silence {CAPTURE.end_silence_s:g} s; "
          f"Enter {ENTER_AFTER_S} s after the last sound\n")
    log = OUT / "latency" / f"runs_{model.split()[0]}.jsonl"
    runs: list[Run] = []
    for end in ends:
        for length in lengths:
            for rep in range(args.reps):
                samples, last, voice, rate = answer_samples(length, rep)
                if end == "enter":
                    samples = samples[: int((last + ENTER_AFTER_S) * SAMPLE_RATE)]
                common = {"model": model, "end": end, "length_s": length, "voice": voice, "rate_wpm": rate}
                figures, recording = streamed(transcriber, samples, end, args.realtime_tail, settings)
                done = [Run(path="streaming", load_1min=os.getloadavg()[0], **common, **figures)]
                if not args.no_after:
                    done.append(Run(path="after", load_1min=os.getloadavg()[0], **common,
                                    **after(transcriber, recording, settings)))
                del recording
                with log.open("a") as fh:
                    for r in done:
                        fh.write(json.dumps(asdict(r)) + "\n")
                runs += done
                print("  " + "; ".join(f"{r.path} {r.end} {length:g}s {voice}: TTF {r.ttf_s:.2f} s "
                                       f"(analysis {r.finish_s:.2f}, left {r.pending_s:.1f} s, Whisper after end "
                                       f"{r.finish_whisper_s:.2f} of which {r.finish_probes} probes {r.finish_probe_s:.2f}), RTF {r.rtf:.3f}, "
                                       f"CPU {r.cpu_share:.0%}, RSS {r.peak_rss_mb:.0f} MB" for r in done), flush=True)
    print(f"\nmodel {model}; {load_average()}\n")
    print("\n".join(table(runs)))
    print("\nTTF: answer judged over -> finish() -> feedback text -> feedback speech synthesized, ready to play. "
          "p95 by linear interpolation over the runs (with 5 runs it lies between the two slowest).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
