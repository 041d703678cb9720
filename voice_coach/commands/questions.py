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
    parser.add_argument("ids", nargs="*", metavar="ID",
                        help="show these questions in full: what is judged, the talking points, the follow-up probes")
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
    console = Console()
    if args.ids:
        chosen = [bank.get(i) for i in args.ids]  # an unknown id fails (naming near ids) before output
        for n, q in enumerate(chosen):
            if n:
                console.print()
            console.print(render_question(q), highlight=False)
        return 0
    table = render_table(bank, args.category, details=args.details)  # an unknown category fails before output
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
    """The bank as a rich table, grouped by category in interview order.

    Two columns, so the question keeps the width of the terminal: the id with its kind, STAR and
    target length under it, and the question wrapped at words. At 100 columns nearly every question
    takes two lines (68 questions took 425 lines when kind, STAR and target had columns of their own)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    wanted = [bank.resolve_category(c) for c in categories] if categories else bank.categories()
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False, show_lines=False)
    table.add_column("id, kind, target", no_wrap=True)
    table.add_column("question")
    shown = [c for c in bank.categories() if c in wanted]
    for n, category in enumerate(shown):
        questions = bank.in_category(category)
        table.add_row(Text(bank.label(category), style="bold"),
                      Text(f"{len(questions)} question{'' if len(questions) == 1 else 's'}", style="dim"))
        for k, q in enumerate(questions):
            left = Text(q.id, style="cyan")
            left.append("\n" + describe_question(q), style="dim")
            cell = Text(q.text)
            if details:
                cell.append("\nlistens for: " + "; ".join(q.listen_for), style="dim")
                for part in ("situation", "task", "action", "result"):
                    probe = q.probe(part)
                    if probe and q.star:
                        cell.append(f"\nif no {part}: {probe}", style="dim italic")
            last = k == len(questions) - 1 and n < len(shown) - 1
            table.add_row(left, cell, end_section=last or details)
    return table


def describe_question(q: Any) -> str:
    """"behavioral STAR 60-120 s": the question's kind, whether a STAR story is expected, its target length."""
    return f"{q.kind}{' STAR' if q.star else ''} {q.target_min_s:g}-{q.target_max_s:g} s"


JUDGED = {
    "star": "STAR: situation, task, your own action and the result, as a story of one real time",
    "plan": "the steps you would take, in order, and the outcome you would expect",
    None: "neither STAR nor steps: what you say and how you say it",
}


def render_question(q: Any) -> Any:
    """One question in full: its text, kind and target, what is judged, the talking points (with how many
    example phrasings the checker compares against) and the follow-up probes."""
    from rich.text import Text

    kind = "star" if q.star else ("plan" if q.kind == "situational" else None)
    out = Text(q.id, style="bold cyan")
    out.append(f"  {describe_question(q)}\n", style="dim")
    out.append(q.text + "\n")
    out.append("Judged on: ", style="bold")
    out.append(JUDGED[kind] + "\n")
    if q.listen_for:
        out.append("Talking points (the first ones matter most):\n", style="bold")
        for i, point in enumerate(q.listen_for):
            examples = len(q.examples_for(i))
            out.append(f"  {i + 1}. {point}")
            out.append(f"  ({examples} example phrasing{'s' if examples != 1 else ''})\n" if examples
                       else "  (no example phrasings)\n", style="dim")
    probes = [(part, q.probe(part)) for part in ("situation", "task", "action", "result") if q.star and q.probe(part)]
    if probes:
        out.append("Follow-up probes:\n", style="bold")
        for part, probe in probes:
            out.append(f"  if no {part}: {probe}\n", style="italic")
    out.rstrip()
    return out
