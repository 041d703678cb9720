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
