"""Pure rendering: transcript tokens and STAR blocks, subtitles, trends, sparklines, SVG and PNG charts."""

from __future__ import annotations

from dataclasses import replace

import itertools
from pathlib import Path
import random
import struct
import time
import xml.etree.ElementTree as ET
import zlib

import numpy as np
import pytest
from rich.console import Console

from voice_coach.store.records import SessionSummary
from voice_coach.analysis.lexical_fillers import FillerItem
from voice_coach.analysis.session_figures import AnswerTotals
from voice_coach.testing.synthetic_store import synthetic_analysis
from voice_coach.views.chart_layout import layout, nice_ticks
from voice_coach.views.charts_png import BAND, Canvas, progress_png
from voice_coach.views.charts_svg import metric_svg, progress_html
from voice_coach.views.progress_data import points, trend_sentence
from voice_coach.views.progress_view import bar_chart, render_progress, sparkline
from voice_coach.views.review_export import subtitle_cues
from voice_coach.views.targets import FILLERS, STAR, all_targets, pace_target
from voice_coach.views.transcript import answer_tokens, star_blocks


def session(i: int, wpm: float | None, fpm: float = 2.0, ts: float | None = None, answers: int = 3) -> SessionSummary:
    """A session of `answers` one-minute answers at `wpm` with `fpm` fillers a minute."""
    speaking = 60.0 * answers if wpm is not None else 0.0
    totals = AnswerTotals(answers=answers, speech_answers=answers if wpm is not None else 0,
                          words=round((wpm or 0) * answers), speaking_s=speaking, fillers=round(fpm * answers),
                          dead_air=1, latency_sum_s=1.0 * answers, star_answers=answers, star_complete_sum=0.75 * answers,
                          duration_s=60.0 * answers)
    return SessionSummary(id=f"s{i}", started_ts=ts if ts is not None else 1_790_000_000 + i * 86400, finished_ts=None,
                          complete=True, kind="practice", bank=None, model="m", totals=totals)  # fmt: skip


def render(renderable, width: int = 100) -> str:
    console = Console(width=width, color_system=None, record=True)
    console.print(renderable)
    return console.export_text()


def test_tokens_put_pauses_between_the_right_words_and_add_acoustic_fillers():
    a = synthetic_analysis(random.Random(5), words=40, fillers=2, pauses=(1.5, 3.2))
    heard = (*a.fillers.items, FillerItem("hmm", 0.1, 0.4, "hesitation"))  # heard, not transcribed
    a = replace(a, fillers=replace(a.fillers, items=heard))
    tokens = answer_tokens(a)
    assert [t.start for t in tokens] == sorted(t.start for t in tokens)
    pauses = [t for t in tokens if t.kind == "pause"]
    assert [t.text for t in pauses] == ["[1.5 s]", "[3.2 s]"]
    assert [t.dead_air for t in pauses] == [False, True]
    for p in pauses:
        i = tokens.index(p)
        assert tokens[i - 1].end <= p.start + 1e-6 and tokens[i + 1].start >= p.end - 1e-6
    assert sum(t.kind == "filler" for t in tokens) == 3
    assert sum(t.kind == "word" for t in tokens) == 40


def test_star_blocks_follow_the_segments():
    a = synthetic_analysis(random.Random(1), words=60, star="STAR")
    blocks = star_blocks(a, answer_tokens(a))
    assert [b.label for b in blocks] == ["Situation", "Task", "Action", "Result"]
    for block, seg in zip(blocks, a.star.segments):
        assert all(seg.start - 1e-6 <= t.mid < seg.end + 0.5 for t in block.tokens)
    assert sum(len(b.tokens) for b in blocks) == len(answer_tokens(a))
    no_star = replace(a, star=replace(a.star, segments=()))
    assert [b.label for b in star_blocks(no_star, answer_tokens(a))] == [None]


def test_subtitle_cues_break_at_pauses_and_stay_short():
    a = synthetic_analysis(random.Random(2), words=90, fillers=3, pauses=(2.0,))
    tokens = answer_tokens(a)
    cues = subtitle_cues(tokens)
    assert sum(len(c[2]) for c in cues) == 93  # every word and filler appears once
    pause = next(t for t in tokens if t.kind == "pause")
    assert any(abs(end - pause.start) < 0.5 for _, end, _ in cues)
    assert all(end - start <= 6.0 + 1e-6 and len(toks) <= 12 for start, end, toks in cues)
    assert all(c1[1] <= c2[0] + 1e-6 for c1, c2 in itertools.pairwise(cues))


def test_trend_sentence_reads_first_and_last_against_the_band():
    pts = points([session(i, w) for i, w in enumerate([182, 176, 170, 165, 158, 151])])
    pace = pace_target()
    assert trend_sentence(pace, pts) == (
        "pace went from 182 to 151 wpm over your 6 sessions; now inside the target band (130-160 wpm)")
    many = points([session(i, w) for i, w in enumerate([190] * 5 + [185, 184, 183, 182, 181, 180, 179, 178, 177, 176])])
    assert trend_sentence(pace, many, window=6).startswith("pace went from 181 to 176 wpm over your last 6 sessions; still above")
    steady = points([session(i, 150 + (i % 2)) for i in range(4)])
    assert "held steady at about 151 wpm" in trend_sentence(pace, steady)
    one = points([session(0, 150)])
    assert "not enough data for a trend" in trend_sentence(pace, one)


def test_points_group_by_day_and_week_with_answer_weights():
    base = time.mktime((2026, 11, 16, 9, 0, 0, 0, 0, -1))  # a Monday
    sums = [session(0, 100, ts=base, answers=1), session(1, 160, ts=base + 3600, answers=3),
            session(2, 140, ts=base + 86400 * 2, answers=2), session(3, 120, ts=base + 86400 * 8, answers=2)]  # fmt: skip
    days = points(sums, "day")
    assert [p.answers for p in days] == [4, 2, 2]
    assert days[0].values["wpm"] == pytest.approx((100 * 1 + 160 * 3) / 4)
    weeks = points(sums, "week")
    assert [p.label for p in weeks] == ["week of 2026-11-16", "week of 2026-11-23"]
    assert weeks[0].values["wpm"] == pytest.approx((100 + 480 + 280) / 6)
    assert weeks[1].values["dead_air_per_answer"] == pytest.approx(0.5)


def test_sparkline_and_bars_show_the_band_without_colour():
    pace = pace_target((130, 160))
    line = sparkline(pace, [200, 145, None, 120])
    assert line.plain[2] == " " and len(line.plain) == 4
    assert line.plain[0] == "█" and line.plain[3] == "▁"
    styles = [str(span.style) for span in line.spans]
    assert styles == ["yellow", "green", "yellow"]
    pts = points([session(i, w) for i, w in enumerate([180, 150])])
    text = render(bar_chart(pace, pts, width=40))
    rows = text.strip().splitlines()
    assert rows[0].count("█") > rows[1].count("█") and "┊" in rows[1]


def test_progress_terminal_mentions_every_metric():
    pts = points([session(i, w) for i, w in enumerate([182, 151])])
    text = render(render_progress(all_targets(), pts))
    for label in ("pace (wpm)", "fillers (per min)", "dead air (per answer)", "response latency (s)", "STAR completeness"):
        assert label in text
    assert "pace went from 182 to 151 wpm" in text
    assert "not enough data for a trend" in render(render_progress(all_targets(), pts[:1]), width=200).lower()


def test_nice_ticks_cover_the_range():
    for lo, hi in ((0, 163.8), (0, 1.05), (0, 7.3), (2, 3)):
        ticks = nice_ticks(lo, hi)
        assert ticks[0] <= lo and ticks[-1] >= hi and len(ticks) <= 8


def test_svg_is_well_formed_with_band_and_a_dot_per_point():
    pts = points([session(i, w, fpm=f) for i, (w, f) in enumerate([(182, 6.0), (170, 4.0), (151, 2.5)])])
    svg = metric_svg(FILLERS, pts)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    circles = root.findall(f"{ns}circle")
    assert len(circles) == 3
    assert [c.get("fill") for c in circles] == ["#d08000", "#d08000", "#2a8a2a"]  # outside, outside, inside ≤ 3
    band = root.find(f"{ns}rect[@class='band']")
    lay = layout(FILLERS, pts)
    assert float(band.get("y")) == pytest.approx(lay.y(3.0), abs=0.1)
    page = progress_html(all_targets(), pts)
    assert page.count("<svg") == len(all_targets()) == 6 and "<script" not in page and "http://" not in page.replace("http://www.w3.org", "")


def _decode_png(data: bytes) -> np.ndarray:
    """Check the PNG's signature and every chunk's CRC, then decode its pixels (Pillow undoes the row filters)."""
    import io

    from PIL import Image

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, kinds = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        assert struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0] == zlib.crc32(kind + body)
        kinds.append(kind)
        pos += 12 + length
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds
    with Image.open(io.BytesIO(data)) as img:
        assert img.mode == "RGB"
        return np.asarray(img)


def test_png_is_valid_and_draws_bands_and_points():
    from voice_coach.views.charts_png import CHART_H, HEAD, WIDTH

    pts = points([session(i, w) for i, w in enumerate([182, 170, 151])])
    img = _decode_png(progress_png(all_targets(), pts, "3 sessions"))
    assert img.shape == (HEAD + CHART_H * 6, WIDTH, 3)
    band_pixels = np.all(img == BAND, axis=2)
    per_chart = [band_pixels[HEAD + i * CHART_H: HEAD + (i + 1) * CHART_H].sum() for i in range(5)]
    assert all(n > 1000 for n in per_chart)
    charts = img[HEAD:]
    assert np.all(charts[:, :, :] == (42, 138, 42), axis=2).sum() > 0  # green dots (inside a band)
    assert np.all(charts == (208, 128, 0), axis=2).sum() > 0  # orange dot (182 wpm is above)


def test_canvas_text_and_lines_land_where_asked():
    from voice_coach.views.charts_png import font

    c = Canvas(60, 20)
    c.text(1, 1, "A1", (0, 0, 0), size=12)
    px = np.asarray(c.picture())
    ink = np.argwhere(px.max(axis=2) < 128)
    assert ink[:, 0].min() >= 1 and ink[:, 0].max() <= 1 + 12 and ink[:, 1].min() >= 1
    assert ink[:, 1].max() <= 1 + c.text_width("A1", 12) + 1
    c2 = Canvas(50, 50)
    c2.line(5, 5, 45, 45, (255, 0, 0), width=1)
    px2 = np.asarray(c2.picture()).astype(int)
    red = (px2[:, :, 0] > 200) & (px2[:, :, 1] < 160)
    assert red[25, 25] and red[6, 6] and not red[5, 45]
    from PIL import ImageFont

    assert isinstance(font(12), ImageFont.FreeTypeFont)  # a real font (Pillow's embedded Aileron), not bitmap capitals


def test_star_target_shows_percent():
    assert STAR.fmt(0.75) == "75%" and STAR.fmt(0.5, unit=False) == "50%"
    assert STAR.band_text() == "75-100%"


# ---- history: start time, width, footer ---------------------------------------------------------


def _evening(kinds: tuple[str, ...] = ("practice",) * 4) -> list[SessionSummary]:
    """Four sessions of one evening (18:02, 18:20, 18:41, 19:05 local time), newest first as history lists them."""
    day = time.mktime((2026, 12, 4, 0, 0, 0, 0, 0, -1))
    starts = [day + 18 * 3600 + 2 * 60, day + 18 * 3600 + 20 * 60, day + 18 * 3600 + 41 * 60, day + 19 * 3600 + 5 * 60]
    out = [replace(session(i, w, ts=ts), id=time.strftime("%Y-%m-%d-%H%M", time.localtime(ts)), kind=kind)
           for i, (w, ts, kind) in enumerate(zip([182, 170, 151, 149], starts, kinds))]  # fmt: skip
    return out[::-1]


@pytest.mark.parametrize("width", [80, 100])
def test_history_rows_show_the_start_time_and_fit_the_terminal(width):
    from voice_coach.views.history_view import history_footer, history_table

    sessions = _evening()
    text = render(history_table(sessions, width=width), width=width)
    lines = text.rstrip("\n").splitlines()
    assert len(lines) == 1 + len(sessions) and all(len(line) <= width for line in lines)
    assert lines[0].split() == ["session", "started", "Qs", "wpm", "fillers/min", "dead", "air", "STAR", "status"]
    for line, clock in zip(lines[1:], ["19:05", "18:41", "18:20", "18:02"]):
        assert f"04 Dec {clock}" in line  # sessions of one evening told apart
    assert "Fri 04 Dec 19:05" in lines[1]  # the weekday fits in 80 columns without a kind column
    footer = render(history_footer(sessions, home=Path("/data/voice-coach"), width=width), width=width)
    assert all(len(line) <= width for line in footer.splitlines())
    assert footer.splitlines()[-1] == "Data folder: /data/voice-coach"
    assert "4 sessions, 12 answers." in footer and "STAR 75-100%." in " ".join(footer.split())


@pytest.mark.parametrize("width", [80, 100])
def test_history_with_kind_and_unfinished_still_one_line_per_session(width):
    from voice_coach.views.history_view import history_table

    sessions = _evening(("demo", "practice", "import", "practice"))
    sessions[0] = replace(sessions[0], complete=None)
    lines = render(history_table(sessions, width=width), width=width).rstrip("\n").splitlines()
    assert len(lines) == 5 and all(len(line) <= width for line in lines)
    assert lines[0].split()[2] == "kind" and lines[1].rstrip().endswith("unfinished")
    assert ("Fri 04 Dec 19:05" in lines[1]) == (width == 100)  # at 80 the weekday and the date go (the id has it)
    assert lines[1].split()[:2] == ["2026-12-04-1905", "Fri" if width == 100 else "19:05"]


# ---- progress charts: time labels, fitted axes, legend ------------------------------------------


def test_x_labels_tell_sessions_of_one_evening_apart():
    sessions = sorted(_evening(), key=lambda s: s.started_ts)
    earlier = replace(session(9, 175, ts=sessions[0].started_ts - 3 * 86400 + 58 * 60), id="2026-12-01-1900")
    pts = points([earlier, *sessions])
    lay = layout(pace_target(), pts)
    assert [x.text for x in lay.x_labels] == ["19:00", "18:02", "18:20", "18:41", "19:05"]
    assert [x.day for x in lay.x_labels] == ["Tue 01 Dec", "Fri 04 Dec", None, None, None]  # the day where it changes
    assert [x.x for x in lay.x_labels] == list(lay.xs)
    days = layout(pace_target(), points([earlier, *sessions], "day"), by="day")
    assert [x.text for x in days.x_labels] == ["Tue 01 Dec", "Fri 04 Dec"]


def test_x_labels_thin_out_without_overlapping_and_keep_both_ends():
    pts = points([session(i, 150, ts=1_790_000_000 + i * 3000) for i in range(90)])
    lay = layout(pace_target(), pts)
    xs = [x.x for x in lay.x_labels]
    assert xs[0] == lay.xs[0] and xs[-1] == lay.xs[-1] and 4 <= len(xs) < 30
    assert all(b - a >= 5 * 6.6 for a, b in itertools.pairwise(xs))  # "18:20" never runs into the next one


def test_value_axis_fits_the_data_around_the_band():
    pts = points([session(i, w) for i, w in enumerate([178, 171, 166, 160, 154, 149, 146])])
    pace = pace_target((130, 160))
    lay = layout(pace, pts)
    assert 120 <= lay.y_min <= 130 and 178 <= lay.y_max <= 185  # not 0-200: a change of 30 wpm fills the chart
    assert all(lay.y_min <= t <= lay.y_max for t in lay.ticks) and len(lay.ticks) >= 3
    assert abs(lay.y(178) - lay.y(146)) > 0.4 * (lay.bottom - lay.top)
    band = lay.band(pace)
    assert band is not None and band[1] - band[0] > 0.25 * (lay.bottom - lay.top)  # the band is always in view
    fillers = layout(FILLERS, points([session(i, 150, fpm=f) for i, f in enumerate([8.0, 6.5, 5.0])]))
    assert -0.15 * fillers.y_max < fillers.y_min <= 0 and fillers.ticks[0] == 0 and 8.0 <= fillers.y_max <= 10  # a band with no floor reaches 0
    assert fillers.band(FILLERS)[1] == pytest.approx(fillers.y(0.0))  # ... and stops there
    star = layout(STAR, pts)  # all at 75%
    assert 0.5 <= star.y_min <= 0.75 and 1.0 <= star.y_max <= 1.05 and star.ticks[-1] == 1.0
    assert lay.latest() == (lay.xs[-1], 146)


def test_every_colour_is_in_the_legend_of_the_png_and_the_html():
    from voice_coach.views import chart_layout as L
    from voice_coach.views.charts_png import COLORS, HEAD, rgb

    pts = points([session(i, w) for i, w in enumerate([182, 170, 151])])
    img = _decode_png(progress_png(all_targets(), pts, "3 sessions"))
    head = img[:HEAD]
    for hex_color in (L.BAND_FILL, L.IN_DOT, L.OUT_DOT, L.LINE):
        assert np.all(head == rgb(hex_color), axis=2).sum() >= 8, hex_color  # a swatch of each colour in the legend
        assert COLORS[hex_color] == rgb(hex_color)
    page = progress_html(all_targets(), pts)
    legend = page[page.index('<p class="legend">'):page.index("</p>", page.index('<p class="legend">'))]
    for hex_color, words in ((L.BAND_FILL, "target band"), (L.IN_DOT, "inside the band"),
                             (L.OUT_DOT, "outside the band"), (L.LINE, "your sessions")):  # fmt: skip
        assert hex_color in legend and words in legend
    assert page.index('class="legend"') < page.index("<svg")  # read before the charts
    svg = metric_svg(pace_target(), pts)
    assert svg.count('class="x"') == 3 and "<title>s0 (" in svg


def test_progress_charts_do_not_import_pillow_until_a_png_is_asked_for(tmp_path):
    import subprocess
    import sys

    code = ("import sys; from voice_coach import cli; code = cli.main(sys.argv[1:]); "
            "print('PIL' in sys.modules); sys.exit(code)")  # fmt: skip
    for argv, expect in ((["progress", "--home", str(tmp_path / "none")], "False"),
                         (["history", "--home", str(tmp_path / "none")], "False")):  # fmt: skip
        proc = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=60, check=False)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip().splitlines()[-1] == expect
