"""Ids typed or posted by people (or by anyone probing the app) read safely."""

from __future__ import annotations

# The largest id every database we run on can store; a longer number is no id of ours.
MAX_ID = 2**63 - 1


def id_from(value: object) -> int | None:
    """The positive id a form field holds, or None for anything else: empty, words, "²" (a digit to
    str.isdigit(), not to int()), negative numbers or numbers too large for the database."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
