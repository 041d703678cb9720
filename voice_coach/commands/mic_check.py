"""`voice-coach mic-check`: a live level meter for a few seconds, then a verdict on the input.

The verdict catches the two failures that spoil a practice session before it starts: a muted or
wrong microphone (silence) and an input gain so high that speech clips.
"""

from __future__ import annotations

import argparse
from typing import Any

BAR_CELLS = 30
BAR_FLOOR_DBFS = -60.0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "mic-check",
        help="show a live microphone level meter and warn when the input is silent or clipping",
        description="Listen to the microphone for a few seconds, showing the level live, then say whether "
        "the input is silent, clipping or OK. Speak as you would in an interview while it runs. "
        "Exit status 0 when OK, 1 when silent or clipping.",
    )
    parser.add_argument("--input-device", metavar="DEVICE",
                        help="microphone number or part of its name (see `voice-coach devices`); default: the system default")
    parser.add_argument("--seconds", type=float, default=5.0, metavar="S", help="how long to listen (default 5)")
    parser.set_defaults(func=run)


def render_meter(level_dbfs: float, peak_dbfs: float, elapsed_s: float, total_s: float) -> Any:
    """One line of the live view: a bar for the current level, the peak so far and the time left."""
    from rich.text import Text

    span = -BAR_FLOOR_DBFS
    filled = round(BAR_CELLS * min(1.0, max(0.0, (level_dbfs - BAR_FLOOR_DBFS) / span)))
    peak_cell = round((BAR_CELLS - 1) * min(1.0, max(0.0, (peak_dbfs - BAR_FLOOR_DBFS) / span)))
    colour = "red" if level_dbfs > -3 else "yellow" if level_dbfs > -12 else "green"
    text = Text("mic ")
    for cell in range(BAR_CELLS):
        if cell < filled:
            text.append("█", style=colour)
        elif cell == peak_cell and peak_dbfs > BAR_FLOOR_DBFS:
            text.append("|", style="bold")
        else:
            text.append("·", style="dim")
    level = " silent    " if _silent(level_dbfs) else f" {level_dbfs:5.1f} dBFS"
    peak = "silent" if _silent(peak_dbfs) else f"{peak_dbfs:5.1f}"
    text.append(f"{level}  peak {peak}  {max(0.0, total_s - elapsed_s):4.1f} s left")
    return text


def _silent(value: float) -> bool:
    """Digital silence: the meter's floor (audio/devices.py dbfs gives -120 for zeros), not a level to print."""
    return value <= -120.0


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.live import Live

    from voice_coach.audio.devices import LevelMeter, dbfs
    from voice_coach.audio.microphone import SounddeviceMicrophone
    from voice_coach.core.errors import VoiceCoachError
    from voice_coach.core.timed import SAMPLE_RATE

    seconds = float(args.seconds)
    if not 0.2 <= seconds <= 600:
        raise VoiceCoachError(f"--seconds must be between 0.2 and 600, not {args.seconds}")
    console = Console()
    mic = SounddeviceMicrophone(args.input_device)
    meter = LevelMeter()
    total = int(seconds * SAMPLE_RATE)
    console.print(f"Listening to {mic.device.name!r} for {seconds:g} s: speak as you would in an interview.",
                  highlight=False)

    def view() -> Any:
        return render_meter(meter.last_block_dbfs, dbfs(meter.peak), meter.samples / SAMPLE_RATE, seconds)

    try:
        with Live(get_renderable=view, console=console, refresh_per_second=4, transient=False):
            for block in mic.blocks():
                meter.push(block[: total - meter.samples])
                if meter.samples >= total:
                    break
    finally:
        mic.close()
    if not console.is_terminal:
        console.line()  # Live ends its last frame with a newline only on a terminal
    verdict = meter.verdict()
    style = "green" if verdict.ok else "bold red"
    console.print(verdict.message, style=style, highlight=False)
    return 0 if verdict.ok else 1
