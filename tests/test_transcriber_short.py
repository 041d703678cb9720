"""A ~1 s stretch with the 40 previous words as its prompt: Whisper writes what was said, not a loop.

Real tiny.en (the embedded model), real espeak-ng audio made here. In live mode a short stretch is
transcribed with the previous ~40 words as its prompt; on a nearly empty 30 s window Whisper can
continue the prompt or loop on a phrase ("Calls about a 5th over the next quarter. Calls about a
6th ...") and then decode the window again at every fallback temperature. The bounds in
`voice_coach.engines.whisper.decode_options` keep the output (and so the time) proportional to the clip.
No time is asserted: the number of words is, and what they are. Timings: bench/short_clips.py.
"""

from __future__ import annotations

import re

import pytest

from voice_coach.testing.synth import build_answer
from voice_coach.core.timed import SAMPLE_RATE

pytestmark = pytest.mark.slow

STORIES = {
    "router": (
        "I was on a support line for an internet provider, and an older customer could not get online after "
        "an outage. She had a kind of router I had not seen before, and she was not comfortable with technical "
        "words. I stopped using terms like reset and firmware."
    ),
    "queue": (
        "In a retail chat queue I often had five or six chats open at once. If somebody could not log in to pay "
        "a bill that was due today, that came first. Simple questions like store hours I answered with a short "
        "saved reply."
    ),
}
LEAD_S = 0.25
TAIL_S = 0.3
MAX_WORDS_PER_S = 6.0


@pytest.fixture(scope="module")
def tiny():
    from voice_coach.live.replay import load_transcriber

    return load_transcriber(None)


def _words(text: str) -> list[str]:
    return [w for w in re.sub(r"[^a-z' ]", " ", text.lower()).split() if w]


# Before the bounds, tiny.en wrote "Sure. Thank you very much.", "Sure. Thank you for watching." and
# "I say so. Thank you." for the three "queue" clips: text made up in the silence after the word.
@pytest.mark.parametrize(("story", "phrase", "voice", "rate"), [
    ("router", "That worked.", "en-us", 160),
    ("queue", "Sure.", "en-us", 160),
    ("queue", "Sure.", "en+m3", 130),
    ("queue", "I say so.", "en-gb", 175),
])
def test_one_second_clip_with_a_prompt(tiny, story: str, phrase: str, voice: str, rate: int) -> None:
    # the story, a pause, then the short phrase: the stretch is the phrase alone, as the live path
    # cuts it (0.25 s before the speech, 0.3 s of silence after it); the prompt is the story's last 40 words
    text = STORIES[story]
    prompt = " ".join(text.split()[-40:])
    answer = build_answer([text, 1.5, phrase], voice=voice, rate_wpm=rate, tail_s=TAIL_S, noise_snr_db=30.0, seed=3)
    piece = answer.sounding[-1]
    start = piece.start - LEAD_S
    clip = answer.samples[round(start * SAMPLE_RATE):]
    duration = len(clip) / SAMPLE_RATE
    assert 0.8 <= duration <= 1.6  # a ~1 s stretch

    words = list(tiny.transcribe(clip, offset_s=start, prompt=prompt))

    said = set(_words(phrase))
    written = [w for word in words for w in _words(word.text)]
    assert written, "nothing transcribed"
    assert len(written) <= MAX_WORDS_PER_S * duration, f"{len(written)} words in {duration:.2f} s: {written}"
    assert all(start - 1e-3 <= w.start <= w.end <= start + duration + 1e-3 for w in words), words
    heard = [w for w in written if w in said]  # one word may be misheard ("works" for "worked"), no more
    assert len(heard) >= max(1, len(written) - 1), f"{written} (said: {sorted(said)})"
