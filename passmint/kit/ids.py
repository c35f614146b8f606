"""Whole numbers from clients: ids and page numbers that a signed 64-bit database column can hold."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

MAX_ID = 2**63 - 1
"""The largest value of a BIGINT (PostgreSQL) or INTEGER (SQLite) column."""

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""An id or a page number as a client sends it (path, query or body): from 1 to ``MAX_ID``."""


def is_ascii_digits(text: str) -> bool:
    """Whether ``text`` is one or more of ``0``-``9`` and nothing else (``str.isdigit`` also takes
    ``²`` and other digits ``int()`` refuses or reads differently)."""
    return text.isascii() and text.isdigit()


def parse_id(text: str) -> int | None:
    """The number ``text`` writes in ASCII digits if it fits ``MAX_ID``, else None."""
    if not is_ascii_digits(text) or len(text.lstrip("0")) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if number <= MAX_ID else None
