"""`review --format html`: one page per session with every answer's recording, checked as a file and in a real browser.

The browser is Debian's `chromium`, headless (`.ci/run` installs it); the browser tests are skipped,
saying why, where it is missing.
"""

from __future__ import annotations

import base64
import hashlib
import html.parser
import io
import random
import re
import shutil
import stat
import subprocess
from pathlib import Path

import numpy as np
import pytest

from voice_coach import cli
from voice_coach.store import Store
from voice_coach.testing.synthetic_store import synthetic_analysis
from voice_coach.views.transcript import answer_tokens

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium): the review page's browser test needs it"
)


@pytest.fixture(autouse=True)
def only_review(monkeypatch):
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["review"])


@pytest.fixture
def home(tmp_path) -> Path:
    """One session of two answers whose audio is as long as their analysis says (a quiet tone under each word)."""
    home = tmp_path / "home"
    rng = random.Random(4)
    with Store.open(home) as store:
        sid = store.start_session(bank="default", model="tiny.en", settings={})
        for q, star in enumerate(("STAR", "SA")):
            a = synthetic_analysis(rng, words=40, wpm=150, fillers=3, pauses=(1.4, 3.4), star=star)
            audio = np.zeros(int(a.duration_s * 16000), np.float32)
            for w in a.words:
                i, j = int(w.start * 16000), int(w.end * 16000)
                audio[i:j] = 0.2 * np.sin(2 * np.pi * (180 if w.filler else 240) * np.arange(j - i) / 16000)
            store.save_answer(sid, question={"id": f"q{q}", "category": "behavioral", "star": True,
                                             "text": f"Question {q + 1}: tell me about a hard call."},
                              audio=audio, sample_rate=16000, analysis=a, feedback=f"Feedback {q + 1}.")  # fmt: skip
        store.finish_session(sid, complete=True)
    return home


def answers(home: Path):
    with Store.open(home, readonly=True) as s:
        sid = s.resolve_session("last")
        return sid, s.answers(sid)


def write_page(home: Path, out: Path, capsys) -> str:
    code = cli.main(["review", "last", "--home", str(home), "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert f"Wrote {out} (html)" in " ".join(captured.out.split())
    return out.read_text(encoding="utf-8")


class _Page(html.parser.HTMLParser):
    """Sections, audio sources, word buttons and well-formedness of the page."""

    VOID = {"meta", "br", "hr", "img", "input", "source", "link"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.sources: list[str] = []
        self.buttons: list[dict[str, str | None]] = []
        self.sections: list[str] = []
        self.classes: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag not in self.VOID:
            self.stack.append(tag)
        self.classes.update((a.get("class") or "").split())
        if tag == "audio":
            self.sources.append(a.get("src") or "")
        if tag == "button":
            self.buttons.append(a)
        if tag == "section":
            self.sections.append(a.get("id") or "")

    def handle_endtag(self, tag):
        assert self.stack.pop() == tag


def test_page_embeds_every_answers_recording_and_a_button_per_word(home, tmp_path, capsys):
    page = write_page(home, tmp_path / "review.html", capsys)
    assert stat.S_IMODE((tmp_path / "review.html").stat().st_mode) == 0o600
    parsed = _Page()
    parsed.feed(page)
    assert parsed.stack == []
    _, records = answers(home)
    assert parsed.sections == [f"answer-{a.number}" for a in records]  # one page, every answer
    assert len(parsed.sources) == len(records)
    for src, a in zip(parsed.sources, records):
        prefix = "data:audio/flac;base64,"
        assert src.startswith(prefix)
        data = base64.b64decode(src[len(prefix):])
        assert data == a.audio_path.read_bytes() and hashlib.sha256(data).hexdigest() == a.audio_sha256
    tokens = [t for a in records for t in answer_tokens(a.analysis)]
    assert len(parsed.buttons) == len(tokens)
    assert [float(b["data-t"] or "nan") for b in parsed.buttons] == [round(t.start, 2) for t in tokens]
    # fillers, pauses, dead air and STAR parts are marked; the hedge class is styled, ready for the record
    assert page.count('<mark class="filler">') == sum(t.kind == "filler" for t in tokens)
    assert {"pause", "dead", "star-s", "star-t", "star-a", "star-r", "figures"} <= parsed.classes
    assert ".w.hedge{" in page
    assert "<td>Pace</td>" in page and "Feedback 2." in page
    # nothing is fetched: no address anywhere, and the policy forbids it
    assert not re.search(r"(src|href)=\"(?!data:)", page) and "://" not in page and "url(" not in page
    assert "default-src 'none'" in page


def test_page_without_a_recording_still_has_its_transcript(home, tmp_path, capsys):
    sid, records = answers(home)
    records[1].audio_path.unlink()
    out = tmp_path / "r.html"
    code = cli.main(["review", sid, "--home", str(home), "--out", str(out)])
    _, err = capsys.readouterr()
    assert code == 0
    assert err.strip().splitlines() == [f"voice-coach: answer 2: the recording is missing ({records[1].audio_path}); "
                                        "the page shows its transcript without audio"]  # fmt: skip
    parsed = _Page()
    page = out.read_text()
    parsed.feed(page)
    assert len(parsed.sources) == 1 and "No audio: the recording is missing" in page
    assert len(parsed.buttons) == len(answer_tokens(records[0].analysis))  # answer 2's words are plain text


def chromium(tmp_path: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp_path / "chromium-profile"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
           "--hide-scrollbars", *args]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def _attr(tag: str, name: str) -> str | None:
    m = re.search(rf'\b{name}="([^"]*)"', tag)
    return m.group(1) if m else None


@pytest.mark.slow
@needs_chromium
def test_in_chromium_the_script_indexes_the_words_and_the_audio_plays(home, tmp_path, capsys):
    page = tmp_path / "review.html"
    write_page(home, page, capsys)
    dom = chromium(tmp_path, "--virtual-time-budget=8000", "--dump-dom", page.as_uri()).stdout
    _, records = answers(home)
    html_tag = re.search(r"<html[^>]*>", dom).group(0)
    assert _attr(html_tag, "data-ready") == str(sum(len(answer_tokens(a.analysis)) for a in records))
    for a in records:
        tag = re.search(rf'<section[^>]*id="answer-{a.number}"[^>]*>', dom).group(0)
        assert _attr(tag, "data-words") == str(len(answer_tokens(a.analysis)))
        duration = _attr(tag, "data-duration")  # set once Chromium decoded the embedded FLAC's header
        assert duration is not None, "the browser did not load the embedded audio"
        assert float(duration) == pytest.approx(a.audio_frames / a.sample_rate, abs=0.05)


_DRIVE = """<script>
window.addEventListener("load", function () {
  var b = document.body, sec = document.getElementById("answer-1"), audio = sec.querySelector("audio");
  function now() { return Array.prototype.map.call(sec.querySelectorAll(".w.now"), function (w) { return w.textContent; }).join("|"); }
  audio.addEventListener("seeking", function () { b.setAttribute("data-seeking", audio.currentTime.toFixed(2)); });
  sec.querySelectorAll(".w[data-t]")[CLICK].click();  /* as a person clicks a word */
  b.setAttribute("data-clicked-now", now());
  b.setAttribute("data-clicked-time", audio.currentTime.toFixed(2));
  audio.currentTime = LATER;  /* the audio has played on to a later word */
  audio.dispatchEvent(new Event("timeupdate"));
  b.setAttribute("data-later-now", now());
});
</script></body>"""


@pytest.mark.slow
@needs_chromium
def test_in_chromium_a_click_on_a_word_plays_from_it_and_the_spoken_word_is_highlighted(home, tmp_path, capsys):
    page = tmp_path / "review.html"
    text = write_page(home, page, capsys)
    _, records = answers(home)
    tokens = answer_tokens(records[0].analysis)
    n = next(i for i, t in enumerate(tokens) if t.kind == "word" and i > 10)
    m = next(i for i, t in enumerate(tokens) if t.kind == "word" and i > n + 15)
    later = (tokens[m].start + tokens[m].end) / 2
    driver = _DRIVE.replace("CLICK", str(n)).replace("LATER", f"{later:.3f}")
    driven = tmp_path / "driven.html"  # the page as written, plus a script that acts as the person and the player
    driven.write_text(text.replace("</body>", driver, 1), encoding="utf-8")
    dom = chromium(tmp_path, "--autoplay-policy=no-user-gesture-required", "--virtual-time-budget=5000",
                   "--dump-dom", driven.as_uri()).stdout  # fmt: skip
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert html.unescape(_attr(body, "data-clicked-now") or "") == tokens[n].text  # one word highlighted: the clicked one
    assert float(_attr(body, "data-clicked-time") or "nan") == pytest.approx(round(tokens[n].start, 2), abs=0.01)
    assert _attr(body, "data-seeking") is not None  # the player took the jump
    assert html.unescape(_attr(body, "data-later-now") or "") == tokens[m].text  # the highlight follows the audio


@pytest.mark.slow
@needs_chromium
def test_in_chromium_the_page_renders(home, tmp_path, capsys):
    from PIL import Image

    page = tmp_path / "review.html"
    write_page(home, page, capsys)
    shot = tmp_path / "shot.png"
    chromium(tmp_path, "--window-size=1200,900", "--virtual-time-budget=5000", f"--screenshot={shot}", page.as_uri())
    assert shot.stat().st_size > 20_000
    with Image.open(io.BytesIO(shot.read_bytes())) as img:
        assert img.size == (1200, 900)
        px = np.asarray(img.convert("RGB")).astype(int)
    assert px.std() > 20 and len(np.unique(px.reshape(-1, 3), axis=0)) > 200  # not blank: text, player, marks
    yellow = np.all(np.abs(px - (255, 216, 77)) <= 6, axis=2).sum()  # the filler highlight (#ffd84d)
    assert yellow > 100


def test_the_review_page_script_is_small_and_self_contained():
    from voice_coach.views.review_export import _SCRIPT

    assert len(_SCRIPT) < 4000 and "fetch" not in _SCRIPT and "XMLHttpRequest" not in _SCRIPT and "import" not in _SCRIPT

