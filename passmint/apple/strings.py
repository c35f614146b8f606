"""Reading and writing ``xx.lproj/pass.strings`` files (UTF-16 with a byte order mark)."""

from __future__ import annotations

import codecs
from collections.abc import Mapping

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNESCAPES = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t", "'": "'", "0": "\0"}

MESSAGES = {
    "not_text": "is not text in UTF-16 (with a byte order mark) or UTF-8",
    "not_string": "every key and value must be a string",
    "unencodable": "holds characters that cannot be written in UTF-16",
    "syntax": 'expected {expected} at character {position}; lines look like "key" = "value";',
    "escape": "unknown escape \\{char} at character {position}",
}


class StringsSyntaxError(ValueError):
    """A pass.strings file that does not follow the ``"key" = "value";`` layout."""


def encode_strings(table: Mapping[str, str]) -> bytes:
    """Write a table of translations as pass.strings: UTF-16 little-endian with a BOM, keys sorted."""
    lines = []
    for key, value in sorted(table.items()):
        if not isinstance(key, str) or not isinstance(value, str):
            raise ValueError(MESSAGES["not_string"])
        lines.append(f'"{_escape(key)}" = "{_escape(value)}";\n')
    try:
        return codecs.BOM_UTF16_LE + "".join(lines).encode("utf-16-le")
    except UnicodeEncodeError:
        raise ValueError(MESSAGES["unencodable"]) from None


def decode_text(data: bytes) -> str:
    """Decode a pass.strings file: UTF-16 with a BOM (either byte order), else UTF-8."""
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(MESSAGES["not_text"]) from None


def decode_strings(data: bytes) -> dict[str, str]:
    """Read a pass.strings file back into a table; comments are skipped."""
    text = decode_text(data)
    table: dict[str, str] = {}
    position = _skip_blank(text, 0)
    while position < len(text):
        key, position = _read_quoted(text, position)
        position = _expect(text, _skip_blank(text, position), "=")
        value, position = _read_quoted(text, _skip_blank(text, position))
        position = _expect(text, _skip_blank(text, position), ";")
        table[key] = value
        position = _skip_blank(text, position)
    return table


def _escape(text: str) -> str:
    return "".join(_ESCAPES.get(char, char) for char in text)


def _skip_blank(text: str, position: int) -> int:
    while position < len(text):
        if text[position].isspace():
            position += 1
        elif text.startswith("/*", position):
            end = text.find("*/", position + 2)
            position = len(text) if end < 0 else end + 2
        elif text.startswith("//", position):
            end = text.find("\n", position)
            position = len(text) if end < 0 else end + 1
        else:
            break
    return position


def _expect(text: str, position: int, token: str) -> int:
    if not text.startswith(token, position):
        raise StringsSyntaxError(MESSAGES["syntax"].format(expected=repr(token), position=position))
    return position + len(token)


def _read_quoted(text: str, position: int) -> tuple[str, int]:
    position = _expect(text, position, '"')
    parts: list[str] = []
    while position < len(text):
        char = text[position]
        if char == '"':
            return "".join(parts), position + 1
        if char == "\\" and position + 1 < len(text):
            parts.append(_unescape(text, position + 1))
            position += 2
            continue
        parts.append(char)
        position += 1
    raise StringsSyntaxError(MESSAGES["syntax"].format(expected="a closing quote", position=position))


def _unescape(text: str, position: int) -> str:
    char = text[position]
    if char not in _UNESCAPES:
        raise StringsSyntaxError(MESSAGES["escape"].format(char=char, position=position))
    return _UNESCAPES[char]
