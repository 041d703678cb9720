"""Reading a bank file safely: a regular file of sensible size, TOML errors with their line, and the
line of each table and id (found once, in one pass, so a 60,000-question bank loads in linear time)."""

from __future__ import annotations

import bisect
import functools
import os
import re
import stat
from pathlib import Path
from typing import Any, NoReturn

from voice_coach.interview.bank import BankError

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser as a package
    try:
        import tomli as tomllib  # type: ignore[no-redef]
    except ModuleNotFoundError:
        tomllib = None  # type: ignore[assignment]

# Characters a speech engine reads out literally or stumbles over ("slash", "percent").
UNSPOKEN_CHARS = "#*_<>[]{}|\\~^@$%&/+=`"

MAX_BANK_BYTES = 4 * 1024 * 1024
"""A bank file larger than this is refused before it is read: the shipped bank, 68 questions with
their probes and comments, is 30 kB, so 4 MB is room for about 9,000 questions, and nothing
the size of a disk image (or an endless /dev/zero) is read into memory."""



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
