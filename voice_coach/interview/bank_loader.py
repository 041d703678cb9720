"""Reading a question bank: the human-editable TOML file, checked on load.

Users write their own banks (`--bank PATH`), so a broken file must stop with one line that names
the file, the line and the fault; a traceback or a silently skipped question would tell them nothing.
The format is documented at the top of prompts/customer_service.toml.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from voice_coach.core.targets import LENGTH_BY_KIND_S
from voice_coach.interview.bank import (
    DEFAULT_CATEGORIES,
    KINDS,
    STAR_COMPONENTS,
    BankError,
    Probes,
    Question,
    QuestionBank,
    loose_name,
)
from voice_coach.interview.bank_file import UNSPOKEN_CHARS  # noqa: F401 - the loader is where banks are checked
from voice_coach.interview.bank_file import _LANGUAGE_RE, _Locator, _read, _toml_error_position, spoken_problems

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser as a package
    try:
        import tomli as tomllib  # type: ignore[no-redef]
    except ModuleNotFoundError:
        tomllib = None  # type: ignore[assignment]


def _prompts_dir() -> Path:
    """prompts/ beside the package in a checkout (editable install); share/voice-coach/prompts in a wheel install."""
    here = Path(__file__).resolve().parents[2] / "prompts"
    if here.is_dir():
        return here
    return Path(sys.prefix) / "share" / "voice-coach" / "prompts"


PROMPTS_DIR = _prompts_dir()
DEFAULT_BANK_PATH = PROMPTS_DIR / "customer_service.toml"

# Language-neutral fallbacks; probe wording has none, so it is always in the bank's own language.
BUILTIN_STAR = {"behavioral": True, "situational": False, "general": False}
BUILTIN_TARGET_S = LENGTH_BY_KIND_S
MAX_TARGET_S = 600.0
QUESTION_KEYS = ("id", "category", "kind", "text", "listen_for", "star", "target_s", "probes", "examples")
BANK_KEYS = ("title", "role", "language", "terms")
DEFAULT_KEYS = ("star", "target_s", "probes")
TOP_KEYS = ("bank", "categories", "defaults", "question")
ID_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")




def load_bank(path: Path | str | None = None) -> QuestionBank:
    """Read and validate a bank file; None loads the shipped customer-service bank."""
    path = DEFAULT_BANK_PATH if path is None else Path(path)
    text = _read(path)
    if tomllib is None:
        raise BankError("reading a question bank on Python 3.10 needs the 'tomli' package: pip install tomli")
    try:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line, detail = _toml_error_position(exc, text)
            raise BankError(f"bank file {path}, line {line}: TOML syntax error: {detail}") from None
        return _Builder(path, text).bank(data)
    except RecursionError:
        raise BankError(f"bank file {path}: lists or tables are nested too deeply to read "
                        "(a question bank needs three or four levels at most)") from None


class _Builder:
    """Turns parsed TOML into a QuestionBank, naming file and line for the first fault it meets."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.where = _Locator(text)

    def fail(self, line: int | None, message: str) -> NoReturn:
        raise BankError(f"bank file {self.path}, line {line or 1}: {message}")

    def bank(self, data: dict[str, Any]) -> QuestionBank:
        for key in data:
            if key not in TOP_KEYS:
                self.fail(self.where.locate((key,)), f"unknown table '{key}' (a bank has {', '.join(TOP_KEYS)})")
        meta = data.get("bank")
        if not isinstance(meta, dict):
            self.fail(self.where.locate(("bank",)), "missing [bank] table with title, role and language")
        for key in meta:
            if key not in BANK_KEYS:
                self.fail(self.where.locate(("bank", key)), f"unknown key '{key}' in [bank] ({', '.join(BANK_KEYS)})")
        title, role, language = (
            self.text(meta.get(k), self.where.locate(("bank", k)), f"[bank] {k}") for k in ("title", "role", "language")
        )
        if not _LANGUAGE_RE.match(language):
            self.fail(self.where.locate(("bank", "language")), f"language must be a tag such as 'en' or 'es-MX', not '{language}'")
        categories = self.categories(data.get("categories"))
        defaults = self.defaults(data.get("defaults"), [c for c, _ in categories])
        raw = data.get("question")
        if not raw:
            self.fail(self.where.locate(("question",)), "the bank has no questions: add [[question]] tables")
        if not isinstance(raw, list) or not all(isinstance(q, dict) for q in raw):
            self.fail(self.where.locate(("question",)), "questions must be written as [[question]] tables")
        seen: dict[str, int] = {}
        questions = []
        for index, item in enumerate(raw):
            q = self.question(index, item, [c for c, _ in categories], defaults)
            if q.id in seen:
                self.fail(q.line, f"duplicate question id '{q.id}' (first used on line {seen[q.id]})")
            seen[q.id] = q.line
            questions.append(q)
        terms = content_strings(self, meta.get("terms"), self.where.locate(("bank", "terms")), "[bank] terms")
        return QuestionBank(title, role, language, tuple(questions), categories, self.path, terms)

    def text(self, value: Any, line: int | None, name: str) -> str:
        if value is None:
            self.fail(line, f"{name} is missing")
        if not isinstance(value, str) or not value.strip():
            self.fail(line, f"{name} must be a non-empty string in quotes, not {_show(value)}")
        return value.strip()

    def categories(self, raw: Any) -> tuple[tuple[str, str], ...]:
        if raw is None:
            return DEFAULT_CATEGORIES
        line = self.where.locate(("categories",))
        if not isinstance(raw, dict) or not raw:
            self.fail(line, "[categories] must list at least one category as: id = \"Label\"")
        for cat, label in raw.items():
            where = self.where.locate(("categories", cat))
            if not ID_RE.match(cat):
                self.fail(where, f"category id '{cat}' must use lower-case letters, digits, '-' or '_'")
            self.text(label, where, f"label of category '{cat}'")
        return tuple((cat, label.strip()) for cat, label in raw.items())

    def defaults(self, raw: Any, categories: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
        out: dict[tuple[str, str], dict[str, Any]] = {}
        if raw is None:
            return out
        if not isinstance(raw, dict):
            self.fail(self.where.locate(("defaults",)), "defaults must be tables such as [defaults.kind.behavioral]")
        for group, table in raw.items():
            where = self.where.locate(("defaults", group))
            if group not in ("kind", "category"):
                self.fail(where, f"unknown table [defaults.{group}] (use defaults.kind or defaults.category)")
            allowed = KINDS if group == "kind" else categories
            if not isinstance(table, dict):
                self.fail(where, f"defaults.{group} must hold tables such as [defaults.{group}.{allowed[0]}]")
            for name, values in table.items():
                keys = ("defaults", group, name)
                if name not in allowed:
                    self.fail(self.where.locate(keys), f"[defaults.{group}.{name}]: unknown {group} '{name}' ({', '.join(allowed)})")
                if not isinstance(values, dict):
                    self.fail(self.where.locate(keys), f"defaults.{group}.{name} must be a table")
                out[(group, name)] = self.settings(values, f"[defaults.{group}.{name}]", lambda *k, _b=keys: self.where.locate(_b + k))
        return out

    def settings(self, raw: dict[str, Any], name: str, loc: Any, allowed: Sequence[str] = DEFAULT_KEYS) -> dict[str, Any]:
        """Check star / target_s / probes wherever they appear (defaults or a question)."""
        for key in raw:
            if key not in allowed:
                near = difflib.get_close_matches(loose_name(key), allowed, n=1, cutoff=0.6)
                hint = f"did you mean {near[0]}?" if near else f"allowed: {', '.join(allowed)}"
                self.fail(loc(key), f"{name}: unknown key '{key}' ({hint})")
        out: dict[str, Any] = {}
        if "star" in raw:
            if not isinstance(raw["star"], bool):
                self.fail(loc("star"), f"{name}: star must be true or false, not {_show(raw['star'])}")
            out["star"] = raw["star"]
        if "target_s" in raw:
            out["target_s"] = self.target(raw["target_s"], loc("target_s"), name)
        if "probes" in raw:
            probes = raw["probes"]
            if not isinstance(probes, dict):
                self.fail(loc("probes"), f"{name}: probes must be a table of {', '.join(STAR_COMPONENTS)}")
            for part, probe in probes.items():
                if part not in STAR_COMPONENTS:
                    self.fail(loc("probes", part), f"{name}: unknown probe '{part}' (use {', '.join(STAR_COMPONENTS)})")
                self.spoken(self.text(probe, loc("probes", part), f"{name}: probe '{part}'"), loc("probes", part), f"{name}: probe '{part}'")
            out["probes"] = {part: probe.strip() for part, probe in probes.items()}
        return out

    def target(self, value: Any, line: int | None, name: str) -> tuple[float, float]:
        ok = isinstance(value, list) and len(value) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        if not ok:
            self.fail(line, f"{name}: target_s must be two numbers of seconds [min, max], not {_show(value)}")
        low, high = float(value[0]), float(value[1])
        if not 0 < low <= high <= MAX_TARGET_S:
            self.fail(line, f"{name}: target_s [{value[0]}, {value[1]}] must satisfy 0 < min <= max <= {MAX_TARGET_S:g} seconds")
        return low, high

    def spoken(self, text: str, line: int | None, name: str) -> None:
        bad = spoken_problems(text)
        if bad:
            self.fail(line, f"{name} contains {' '.join(bad)}, which a speech engine reads out literally; write it in words")

    def question(self, index: int, raw: dict[str, Any], categories: list[str], defaults: dict) -> Question:
        def loc(*keys: str) -> int | None:
            return self.where.locate(keys, index) or self.where.find_id(raw.get("id")) or self.where.locate(("question",))

        id_line = loc("id")
        if "id" not in raw:
            self.fail(id_line, f"question number {index + 1} has no 'id'")
        qid = raw["id"]
        if not isinstance(qid, str) or not ID_RE.match(qid):
            self.fail(id_line, f"question id must be a slug such as 'difficult-customer' (lower-case letters, digits, '-', '_'), not {_show(qid)}")
        name = f"question '{qid}'"
        own = self.settings(raw, name, loc, QUESTION_KEYS)
        for key in ("category", "kind", "text", "listen_for"):
            if key not in raw:
                self.fail(id_line, f"{name} is missing '{key}'")
        category, kind = raw["category"], raw["kind"]
        if category not in categories:
            self.fail(loc("category"), f"{name}: unknown category {_show(category)} (this bank has {', '.join(categories)})")
        if kind not in KINDS:
            self.fail(loc("kind"), f"{name}: unknown kind {_show(kind)} (use {', '.join(KINDS)})")
        text = self.text(raw["text"], loc("text"), f"{name}: text")
        self.spoken(text, loc("text"), f"{name}: text")
        listen = raw["listen_for"]
        if not isinstance(listen, list) or not listen or not all(isinstance(p, str) and p.strip() for p in listen):
            self.fail(loc("listen_for"), f"{name}: listen_for must be a list of talking points in quotes, not {_show(listen)}")
        merged: dict[str, Any] = {"star": BUILTIN_STAR[kind], "target_s": BUILTIN_TARGET_S[kind]}
        probes: dict[str, str] = {}
        for layer in (defaults.get(("kind", kind), {}), defaults.get(("category", category), {}), own):
            merged.update({k: v for k, v in layer.items() if k != "probes"})
            probes.update(layer.get("probes", {}))
        result = Question(
            id=qid, category=category, kind=kind, star=merged["star"], target_s=merged["target_s"], text=text,
            listen_for=tuple(p.strip() for p in listen), probes=Probes(**probes), line=id_line or 0,
            examples=content_examples(self, raw.get("examples"), len(listen), loc("examples"), name),
        )
        missing = [c for c in STAR_COMPONENTS if result.probe(c) is None]
        if result.star and missing:
            self.fail(id_line, f"{name} expects a STAR answer but has no probe for {', '.join(missing)}: add [question.probes] or a default")
        return result


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# ---------------------------------------------------------------- content fields (issue 14)
def content_strings(builder: _Builder, value: Any, line: int | None, name: str) -> tuple[str, ...]:
    """An optional list of non-empty strings ([bank] terms, one point's examples); absent is empty."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        builder.fail(line, f"{name} must be a list of phrases in quotes, not {_show(value)}")
    return tuple(v.strip() for v in value)


def content_examples(builder: _Builder, value: Any, points: int, line: int | None, name: str) -> tuple[tuple[str, ...], ...]:
    """`examples`: one list of example phrasings per talking point, in listen_for order ([] for none)."""
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) != points:
        builder.fail(line, f"{name}: examples must be a list of {points} lists, one per listen_for point, "
                           f"not {_show(value)}")
    return tuple(content_strings(builder, v, line, f"{name}: examples for point {i + 1}") for i, v in enumerate(value))

