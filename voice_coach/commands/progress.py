"""`voice-coach progress`: pace, fillers, dead air, response latency, STAR and talking points covered over sessions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

METRICS = {"pace": "wpm", "fillers": "fillers_per_min", "dead-air": "dead_air_per_answer", "latency": "response_latency_s",
           "star": "star_complete", "points": "points_covered"}
"""--metric name -> the Target key it charts."""
OPTIONAL = ("points_covered",)
"""Shown only once some session has data: sessions without questions that list talking points have none."""


def register(subparsers: argparse._SubParsersAction) -> None:
    from voice_coach.commands.analyze import parse_band
    from voice_coach.core.targets import PACE_WPM
    from voice_coach.store.cli_support import add_date_filters, add_home_argument

    p = subparsers.add_parser(
        "progress",
        help="chart your pace, fillers, dead air, latency, STAR and talking points over sessions",
        description="How each metric moved over your sessions (or days, or weeks), against its target band, "
        "with a sentence on each trend. --png and --html write a picture.",
    )
    add_home_argument(p)
    add_date_filters(p)
    p.add_argument("--by", choices=("session", "day", "week"), default="session", help="one point per ... (default: session)")
    p.add_argument("--metric", choices=tuple(METRICS), default="pace", help="metric for the bar chart (default: pace)")
    p.add_argument("--pace-band", type=parse_band, metavar="LOW-HIGH",
                   help=f"target pace in wpm (default {PACE_WPM[0]:g}-{PACE_WPM[1]:g})")
    p.add_argument("--png", type=Path, metavar="FILE", help="also write the charts as a PNG picture")
    p.add_argument("--html", type=Path, metavar="FILE", help="also write a self-contained HTML report (inline SVG)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from voice_coach.store import Store
    from voice_coach.store.cli_support import write_private
    from voice_coach.views.progress_data import points, summary_sentence
    from voice_coach.views.progress_view import render_progress
    from voice_coach.views.targets import all_targets

    with Store.open(args.home, readonly=True) as store:
        sessions = store.sessions(since=args.since, until=args.until, category=args.category)
    pts = points(sessions, args.by)
    every = all_targets(args.pace_band)
    targets = [t for t in every if t.key not in OPTIONAL or any(p.values.get(t.key) is not None for p in pts)]
    chart = next(t for t in every if t.key == METRICS[args.metric])
    console = Console()
    console.print(render_progress(targets, pts, args.by, chart=chart))
    if (args.html or args.png) and not pts:
        print("voice-coach: nothing to chart yet, so no picture was written", file=sys.stderr)
        return 0
    if args.html:
        from voice_coach.views.charts_svg import progress_html

        write_private(args.html, progress_html(targets, pts, args.by))
        console.print(f"Wrote {args.html}", highlight=False)
    if args.png:
        from voice_coach.views.charts_png import progress_png

        title = summary_sentence(pts, args.by).split(".")[0]
        write_private(args.png, progress_png(targets, pts, title, by=args.by))
        console.print(f"Wrote {args.png}", highlight=False)
    return 0
