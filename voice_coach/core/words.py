"""Counts in words, one way for every line the product prints or speaks ("1 answer", "two fillers")."""

from __future__ import annotations

NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "eleven", "twelve")


def plural(n: int, noun: str, many: str | None = None) -> str:
    """'1 answer', '3 answers', '0 sessions': digits, for printed lines."""
    return f"{n} {noun if n == 1 else (many or noun + 's')}"


def number_word(n: int) -> str:
    """'no', 'one' ... 'twelve', then digits: small counts as people say them."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def count_words(n: int, noun: str, many: str | None = None) -> str:
    """'two long silences', 'one filler', '14 fillers': for spoken lines."""
    return f"{number_word(n)} {noun if n == 1 else (many or noun + 's')}"
