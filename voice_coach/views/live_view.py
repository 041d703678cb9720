"""The live panel shown while the candidate answers: time, speaking or silent, pace, fillers, dead air, words.

A pure function of the analyzer's LiveStats, so tests render it into a plain Console and read the
text; the session hands it to rich's Live, which redraws it several times a second.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from voice_coach.core import targets as T
from voice_coach.live.analyzer import LiveStats

REFRESH_PER_SECOND = 4
"""Live redraws per second (the target is at least two)."""
SHOWN_WORDS = 40
"""The last confirmed words shown; older ones scroll away."""
SILENCE_SHOWN_S = 1.0
"""Silences shorter than this are ordinary breathing and not timed on screen."""


@dataclass(frozen=True)
class LiveViewSettings:
    """What the panel compares the running figures with."""

    title: str = "Your answer"
    pace_band_wpm: tuple[float, float] = T.PACE_WPM
    dead_air_s: float = T.DEAD_AIR_S
    end_silence_s: float = 6.0
    max_answer_s: float = 180.0
    enter_ends: bool = True


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def _state(stats: LiveStats, s: LiveViewSettings) -> Text:
    if stats.speaking:
        return Text("● speaking", style="bold green")
    if not stats.speech_started:
        return Text(f"○ waiting for you to start  {stats.silence_s:4.1f} s", style="cyan")
    if stats.silence_s < SILENCE_SHOWN_S:
        return Text("○ silent", style="dim")
    style = "bold red" if stats.silence_s >= s.dead_air_s else "yellow"
    label = "dead air" if stats.silence_s >= s.dead_air_s else "silent"
    return Text(f"○ {label} {stats.silence_s:4.1f} s", style=style)


def _pace(stats: LiveStats, s: LiveViewSettings) -> Text:
    if stats.wpm is None:
        return Text("pace   -   ", style="dim")
    lo, hi = s.pace_band_wpm
    style = "green" if lo <= stats.wpm <= hi else "yellow"
    return Text(f"pace {stats.wpm:3.0f} wpm", style=style)


def render_live(stats: LiveStats, settings: LiveViewSettings = LiveViewSettings()) -> RenderableType:
    """The panel for one moment of the answer."""
    head = Text.assemble(
        (clock(stats.elapsed_s), "bold"), "   ", _state(stats, settings), "   ", _pace(stats, settings),
        "   ", (f"fillers {stats.filler_count}", "yellow" if stats.filler_count else ""),
    )
    words = [w.text for w in stats.words]
    shown = " ".join(words[-SHOWN_WORDS:])
    body = Text(("… " if len(words) > SHOWN_WORDS else "") + shown) if shown else Text("(words appear here as they are confirmed)", style="dim")
    if stats.pending_s >= 1.0 and stats.speech_started:
        body.append(f"  [{stats.pending_s:.0f} s being transcribed]", style="dim")
    ends = f"ends after {settings.end_silence_s:g} s of silence or at {clock(settings.max_answer_s)}"
    hint = Text(("Enter ends the answer · " if settings.enter_ends else "") + ends + " · Ctrl-C stops the session",
                style="dim")
    return Panel(Group(head, body, hint), title=Text(settings.title, style="bold"), title_align="left")
