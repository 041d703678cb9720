"""`voice-coach devices`: list the audio inputs and outputs PortAudio can see, marking the defaults."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "devices",
        help="list microphones and speakers (numbers and names for --input-device / --output-device)",
        description="List the audio devices this machine offers. Use the number or a part of the name "
        "with --input-device or --output-device.",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from voice_coach.audio.devices import list_devices

    console = Console()
    devices = list_devices()
    if not devices:
        console.print(
            "No audio devices found: PortAudio sees no microphone or speaker (is a sound server such as "
            "PulseAudio running?). Without a microphone, practise with --answers DIR or try `voice-coach demo`.",
            highlight=False,
        )
        return 1
    table = Table(title="Audio devices", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("name")
    table.add_column("host API")
    table.add_column("in", justify="right")
    table.add_column("out", justify="right")
    table.add_column("rate (Hz)", justify="right")
    table.add_column("default")
    for d in devices:
        marks = [m for m, on in (("input", d.default_input), ("output", d.default_output)) if on]
        table.add_row(str(d.index), d.name, d.hostapi, str(d.input_channels), str(d.output_channels),
                      f"{d.default_samplerate:.0f}", "* " + ", ".join(marks) if marks else "")
    console.print(table)
    if not any(d.input_channels for d in devices):
        console.print("No input device: practise with --answers DIR or try `voice-coach demo`.", highlight=False)
    return 0
