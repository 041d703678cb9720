"""Reading a question bank: the human-editable TOML file, checked on load.

Users write their own banks (`--bank PATH`), so a broken file must stop with one line that names
the file, the line and the fault; a traceback or a silently skipped question would tell them nothing.
The format is documented at the top of prompts/customer_service.toml.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import os
import re
import stat
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
# Characters a speech engine reads out literally or stumbles over ("slash", "percent").
UNSPOKEN_CHARS = "#*_<>[]{}|\\~^@$%&/+=`"


MAX_BANK_BYTES = 4 * 1024 * 1024
"""A bank file larger than this is refused before it is read: the shipped bank, 68 questions with
their probes and comments, is 30 kB, so 4 MB is room for about 9,000 questions, and nothing
the size of a disk image (or an endless /dev/zero) is read into memory."""


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


def _read(path: Path) -> str:
    """The file's text, after checking that it is a regular file of a sensible size: a device
    (/dev/zero) would be read forever, and opening a FIFO would wait for a writer."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise BankError(f"bank file {path} does not exist") from None
    except OSError as exc:
        raise BankError(f"bank file {path} cannot be read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise BankError(f"bank file {path} is a folder; give the path of a .toml file")
    _check_regular(path, info)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise BankError(f"bank file {path} cannot be read: {exc.strerror or exc}") from None
    try:
        _check_regular(path, os.fstat(fd))  # what was opened, in case the path changed since
        with os.fdopen(fd, "rb", closefd=False) as fh:
            raw = fh.read(MAX_BANK_BYTES + 1)
    except OSError as exc:
        raise BankError(f"bank file {path} cannot be read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_BANK_BYTES:
        _too_large(path, len(raw))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BankError(f"bank file {path}, line {line}: not UTF-8 text; save the file as UTF-8") from None


def _check_regular(path: Path, info: os.stat_result) -> None:
    mode = info.st_mode
    if not stat.S_ISREG(mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        raise BankError(f"bank file {path} is {kind}, not a file; give the path of a .toml file")
    if info.st_size > MAX_BANK_BYTES:
        _too_large(path, info.st_size)


def _too_large(path: Path, size: int) -> NoReturn:
    raise BankError(f"bank file {path} is {_size(size)}: more than a question bank can be "
                    f"(at most {_size(MAX_BANK_BYTES)}; the shipped bank of 68 questions is 30 kB)")


def _size(n: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}".replace(".0 ", " ")
        n /= 1024
    return f"{n:.1f} TB"


def _toml_error_position(exc: Exception, text: str) -> tuple[int, str]:
    """tomllib puts the position in the message ('... (at line 3, column 7)'); 3.14 also has attributes."""
    message = str(exc)
    lineno = getattr(exc, "lineno", None)
    colno = getattr(exc, "colno", None)
    detail = getattr(exc, "msg", None)
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)\s*$", message)
    if match:
        lineno, colno = lineno or int(match.group(1)), colno or int(match.group(2))
        detail = detail or message[: match.start()]
    elif re.search(r"\(at end of document\)\s*$", message):
        lineno = lineno or max(1, len(text.splitlines()))
        detail = detail or re.sub(r"\s*\(at end of document\)\s*$", "", message) + " at the end of the file"
    detail = (detail or message).rstrip(".")
    for cryptic, plain in _TOML_HINTS.items():
        detail = detail.replace(cryptic, plain)
    detail = detail[0].lower() + detail[1:] if detail else "invalid TOML"
    return int(lineno or 1), detail + (f" (column {colno})" if colno else "")


_TOML_HINTS = {
    "Illegal character '\\n'": "a quoted string is not closed before the end of the line",
    "Unclosed array": "a list opened with [ is never closed with ]",
    "Cannot overwrite a value": "this key is set twice",
}


def spoken_problems(text: str) -> list[str]:
    """Characters in a question text that a speech engine would read out or stumble over."""
    return sorted({ch for ch in text if ch in UNSPOKEN_CHARS})


_HEADER_RE = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


@functools.lru_cache(maxsize=256)
def _key_pattern(keys: tuple[str, ...]) -> re.Pattern[str]:
    """`a.b = ` at the start of a line (keys quoted or not, spaces around the dots)."""
    parts = r"\s*\.\s*".join(r"[\"']?" + re.escape(k) + r"[\"']?" for k in keys)
    return re.compile(r"^\s*" + parts + r"\s*=")


_ID_RE = re.compile(r"""(?:^\s*(?:\{\s*)?|[{,]\s*)id\s*=\s*["']([^"']*)["']""")


class _Locator:
    """Finds the line of a table or key in the bank text: tomllib returns values without positions.

    Linear in the size of the file: the headers are indexed once (by path, and each [[question]]
    with the line its block ends on), so finding a key reads only the lines of its own table. (It
    used to scan every header for every question: 4,000 questions took 4.6 s, 60,000 a quarter of
    an hour.)
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[tuple[int, tuple[str, ...], bool]] = []
        quote: str | None = None
        for n, line in enumerate(self.lines, 1):
            if quote:  # inside a multi-line string: nothing here is a header
                quote = None if line.count(quote) % 2 else quote
                continue
            quote = next((q for q in ('"""', "'''") if line.count(q) % 2), None)
            match = None if quote else _HEADER_RE.match(line)
            if match:
                path = tuple(p.strip().strip("\"'") for p in match.group(2).split("."))
                self.headers.append((n, path, match.group(1) == "[["))
        self._header_lines = [n for n, _, _ in self.headers]
        self._by_path: dict[tuple[str, ...], list[int]] = {}
        for n, path, _ in self.headers:
            self._by_path.setdefault(path, []).append(n)
        # The block of a [[question]] runs to the line before the next header that is not one of its
        # own sub-tables ([question.probes]), or that starts the next question.
        ends_at = len(self.lines)
        block_end: dict[int, int] = {}
        for n, path, arr in reversed(self.headers):
            if path == ("question",) and arr:
                block_end[n] = ends_at
            if path[:1] != ("question",) or (arr and path == ("question",)):
                ends_at = n - 1
        self.question_starts = [n for n, p, arr in self.headers if arr and p == ("question",)]
        self._question_ends = [block_end[n] for n in self.question_starts]
        self._ids: dict[str, int] | None = None

    def _next_header(self, after: int) -> int:
        i = bisect.bisect_right(self._header_lines, after)
        return self._header_lines[i] if i < len(self._header_lines) else len(self.lines) + 1

    def _key(self, first: int, stop: int, keys: tuple[str, ...]) -> int | None:
        """First line in [first, stop) that assigns the dotted key `keys` (or starts it inline)."""
        for depth in range(len(keys), 0, -1):
            pattern = _key_pattern(keys[:depth])
            for n in range(max(first, 1), min(stop, len(self.lines) + 1)):
                if pattern.match(self.lines[n - 1]):
                    return n
        return None

    def _first_header(self, path: tuple[str, ...], lo: int, hi: int) -> int | None:
        """The first line in [lo, hi] with the header `path`."""
        lines = self._by_path.get(path)
        if not lines:
            return None
        i = bisect.bisect_left(lines, lo)
        return lines[i] if i < len(lines) and lines[i] <= hi else None

    def locate(self, keys: tuple[str, ...], question: int | None = None) -> int | None:
        """Line of `keys` (relative to question number `question` if given), or of its nearest table."""
        base: tuple[str, ...] = ()
        lo, hi = 0, len(self.lines)
        if question is not None:
            if question >= len(self.question_starts):
                return None
            base, lo, hi = ("question",), self.question_starts[question], self._question_ends[question]
        full = base + keys
        depth, start = 0, 0
        for d in range(len(full), 0, -1):  # the deepest table on the key's path, the first of them
            line = self._first_header(full[:d], lo, hi)
            if line is not None:
                depth, start = d, line
                break
        rest = full[depth:]
        if not rest:
            return start or None
        return self._key(start + 1, self._next_header(start), rest) or start or None

    def find_id(self, qid: Any) -> int | None:
        """The first line that sets `id = "qid"` (a [[question]] table or an inline table)."""
        if not isinstance(qid, str):
            return None
        if self._ids is None:
            self._ids = {}
            for n, line in enumerate(self.lines, 1):
                for match in _ID_RE.finditer(line):
                    self._ids.setdefault(match.group(1), n)
        return self._ids.get(qid)


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

