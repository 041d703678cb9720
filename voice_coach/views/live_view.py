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
BEHIND_S = 6.0
"""Speech waiting this long for its words: the panel says transcription is behind."""


class Finishing:
    """While the analysis is finished after the answer: "Analysing the last 12 s of your answer
    (about 3 s left) ..." on screen, redrawn from `live.backlog()`, so the screen is never silent.
    A context manager; on a console that is not a terminal it prints the line once."""

    def __init__(self, live, console) -> None:
        self.live, self.console = live, console
        self._status = None

    def __rich__(self) -> Text:
        left_s, eta_s = self.live.backlog()
        if left_s <= 0:
            return Text("Preparing your feedback ...", style="cyan")
        eta = f", about {max(1, round(eta_s))} s left" if eta_s >= 0.5 else ""
        return Text(f"Analysing the last {max(1, round(left_s))} s of your answer{eta} ...", style="cyan")

    def __enter__(self) -> "Finishing":
        left_s, _ = self.live.backlog()
        if getattr(self.console, "is_terminal", False):
            self._status = self.console.status(self, spinner="dots")
            self._status.__enter__()
        elif left_s >= 1.0:
            self.console.print(self.__rich__(), highlight=False)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._status is not None:
            self._status.__exit__(None, None, None)
            self._status = None


@dataclass(frozen=True)
class LiveViewSettings:
    """What the panel compares the running figures with."""

    title: str = "Your answer"
    pace_band_wpm: tuple[float, float] = T.PACE_WPM
    dead_air_s: float = T.DEAD_AIR_S
    end_silence_s: float = 6.0
    max_answer_s: float = 180.0
    enter_ends: bool = True
    turn_silence_s: float = 1.0


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
    if stats.pending_s >= BEHIND_S and stats.speech_started:
        body.append(f"  [transcription is {stats.pending_s:.0f} s behind, catching up]", style="yellow")
    elif stats.pending_s >= 1.0 and stats.speech_started:
        body.append(f"  [{stats.pending_s:.0f} s being transcribed]", style="dim")
    ends = (f"ends {settings.turn_silence_s:g} s after a finished answer, after {settings.end_silence_s:g} s "
            f"of silence or at {clock(settings.max_answer_s)}")
    hint = Text(("Enter ends the answer · " if settings.enter_ends else "") + "Ctrl-C stops the session\n" + ends,
                style="dim")
    return Panel(Group(head, body, hint), title=Text(settings.title, style="bold"), title_align="left")
