"""The transcription worker's queue (live/jobs.py), Whisper's fallback check (engines/whisper.passes)
and the one line reader of the Enter key (live/stop.read_lines)."""

from __future__ import annotations

import io
import os
import threading
from types import SimpleNamespace

from voice_coach.core.timed import SAMPLE_RATE
from voice_coach.engines.whisper import DEFAULT_BOUNDS, passes
from voice_coach.live.jobs import MERGE_MAX_S, Job, JobQueue
from voice_coach.live.stop import EnterKey, read_lines

S = SAMPLE_RATE


def test_a_worker_behind_takes_following_stretches_in_one_call():
    q = JobQueue()
    for job in [("stretch", 0, 10 * S), ("stretch", 10 * S + S // 2, 18 * S), ("final", 18 * S + S // 4, 24 * S),
                ("stretch", 24 * S, 30 * S)]:
        q.put_job(*job)
    assert q.most_queued == 4
    first = q.get()
    merged, taken = q.take_following(first)
    assert merged == Job("final", 0, 24 * S) and taken == 3  # the fourth would pass one 30 s window
    assert q.merged == 2 and q.qsize() == 1


def test_no_merge_across_a_long_silence_or_an_early_job():
    q = JobQueue()
    q.put_job("stretch", 0, 5 * S)
    q.put_job("stretch", 8 * S, 12 * S)  # 3 s of silence between: Whisper would have room to invent words
    merged, taken = q.take_following(q.get())
    assert taken == 1 and merged.end == 5 * S
    q.get()
    q.put_job("stretch", 0, 5 * S)
    q.put_job("early", 5 * S, 8 * S)
    assert q.take_following(q.get())[1] == 1
    assert MERGE_MAX_S < 30.0


def test_fallback_check_matches_faster_whisper_thresholds():
    good = SimpleNamespace(compression_ratio=1.6, avg_logprob=-0.3, no_speech_prob=0.01)
    looping = SimpleNamespace(compression_ratio=3.1, avg_logprob=-0.2, no_speech_prob=0.01)
    unlikely = SimpleNamespace(compression_ratio=1.5, avg_logprob=-1.4, no_speech_prob=0.1)
    silence = SimpleNamespace(compression_ratio=1.5, avg_logprob=-1.4, no_speech_prob=0.9)
    assert passes(good, DEFAULT_BOUNDS) and passes(silence, DEFAULT_BOUNDS)
    assert not passes(looping, DEFAULT_BOUNDS) and not passes(unlikely, DEFAULT_BOUNDS)


def test_lines_are_read_from_a_descriptor_and_from_a_plain_stream():
    read_fd, write_fd = os.pipe()
    os.write(write_fd, "first\r\nsecond\nlast".encode())
    os.close(write_fd)
    with os.fdopen(read_fd, "r") as stream:
        assert list(read_lines(stream)) == ["first", "second", "last"]
    assert list(read_lines(io.StringIO("a\nb\n"))) == ["a", "b"]


def test_enter_key_uses_the_same_reader():
    read_fd, write_fd = os.pipe()
    with os.fdopen(read_fd, "r") as stream:
        key = EnterKey(stream)
        key.enabled = True  # a pipe stands in for the terminal
        pressed = key.arm()
        os.write(write_fd, b"\n")
        assert pressed.wait(5.0)
        os.close(write_fd)
        key._thread.join(5.0)
        assert not key._thread.is_alive()
        assert isinstance(pressed, threading.Event)


class HalfSure:
    """A transcriber whose one-decode early text stops halfway and is not sure; `transcribe` hears all."""

    name = "fake"

    def __init__(self) -> None:
        self.full_calls = 0

    def _words(self, samples, offset_s, upto=1.0):
        from voice_coach.core.timed import Word

        dur = len(samples) / SAMPLE_RATE * upto
        return [Word(f"w{k}.", offset_s + k * 0.4, offset_s + k * 0.4 + 0.3) for k in range(int(dur / 0.4))]

    def transcribe(self, samples, offset_s=0.0, prompt=None):
        self.full_calls += 1
        return self._words(samples, offset_s)

    def once(self, samples, offset_s=0.0, prompt=None):
        return self._words(samples, offset_s, upto=0.4), False


def test_early_text_that_stopped_short_does_not_count_as_the_whole_answer():
    """The end of turn must not read an early text whose last words are missing as the answer so far;
    the stretch is then transcribed again for good."""
    from voice_coach.live.analyzer import LiveAnalyzer
    from voice_coach.testing.synth import build_answer

    answer = build_answer(["I opened a second counter for simple refunds and trained two colleagues to use it."],
                          voice="en-us", rate_wpm=160, seed=3, tail_s=1.2)
    fake = HalfSure()
    live = LiveAnalyzer(fake, background=True)
    for k in range(0, len(answer.samples), 1600):
        live.insert(answer.samples[k:k + 1600])
        live.drain()
    assert live.early_runs >= 1
    words, covered = live.heard_words()
    assert words and not covered  # read, but not as reaching the last speech
    before = fake.full_calls
    analysis = live.finish()
    assert fake.full_calls > before and live.early_kept == 0
    assert len(analysis.words) >= int(answer.last_speech_s / 0.4) - 3
