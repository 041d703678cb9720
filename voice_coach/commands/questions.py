"""`voice-coach questions`: browse a question bank, and check a bank file of your own before practising."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.table import Table

    from voice_coach.interview.bank import QuestionBank


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "questions",
        help="list the interview questions of a bank (and check your own bank file)",
        description="List the questions of the shipped customer-service bank, or of your own bank file, "
        "with id, category, kind, whether a STAR answer is expected and the target length. "
        "A broken bank file is reported as one line with the file, the line and the fault.",
    )
    parser.add_argument("--bank", type=Path, metavar="PATH", help="a TOML question bank of your own (default: the customer-service bank)")
    parser.add_argument(
        "--category", action="append", metavar="C",
        help="only this category (id or label, e.g. teamwork or 'problem solving'); repeat for several",
    )
    parser.add_argument("--details", action="store_true", help="also show what the interviewer listens for and the STAR follow-up probes")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from voice_coach.interview.bank_loader import load_bank

    bank = load_bank(args.bank)
    table = render_table(bank, args.category, details=args.details)  # an unknown category fails before output
    console = Console()
    console.print(table)
    console.print(describe(bank))
    return 0


def describe(bank: QuestionBank) -> str:
    """One summary line: what the bank is, how many questions, where it came from."""
    star = sum(q.star for q in bank.questions)
    return (
        f"{bank.title} ({bank.role}, language {bank.language}): {len(bank)} questions in "
        f"{len(bank.categories())} categories, {star} expecting a STAR answer. File: {bank.path}"
    )


def render_table(bank: QuestionBank, categories: Sequence[str] | None = None, details: bool = False) -> Table:
    """The bank as a rich table, grouped by category in interview order."""
    from rich.table import Table
    from rich.text import Text

    wanted = [bank.resolve_category(c) for c in categories] if categories else bank.categories()
    table = Table(show_lines=details, expand=False)
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("category")
    table.add_column("kind")
    table.add_column("STAR", justify="center")
    table.add_column("target", justify="right", no_wrap=True)
    table.add_column("question")
    for category in bank.categories():
        if category not in wanted:
            continue
        for q in bank.in_category(category):
            cell = Text(q.text)
            if details:
                cell.append("\nlistens for: " + "; ".join(q.listen_for), style="dim")
                for part in ("situation", "task", "action", "result"):
                    probe = q.probe(part)
                    if probe and q.star:
                        cell.append(f"\nif no {part}: {probe}", style="dim italic")
            target = f"{q.target_min_s:g}-{q.target_max_s:g} s"
            table.add_row(q.id, bank.label(category), q.kind, "yes" if q.star else "", target, cell)
    return table
