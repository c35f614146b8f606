"""The landing page's language: chosen from ``Accept-Language`` among English and the pass's own
languages, and the page's few words of its own in that language (``messages.json``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

DEFAULT = "en"
_RANGE = re.compile(
    r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9](?:\.[0-9]{0,3})?))?\s*$"
)


@dataclass(frozen=True)
class Language:
    """The page's language: ``tag`` for ``<html lang>``, ``pass_language`` the pass's ``.lproj`` name
    whose translations apply (None: the pass's own texts), ``messages`` the page's words."""

    tag: str
    pass_language: str | None
    messages: Mapping[str, str]


def preferred(accept_language: str | None) -> list[str]:
    """The language ranges of an ``Accept-Language`` header, most wanted first (RFC 9110 §12.5.4);
    ranges with q=0, and what cannot be read, are left out."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")[:32]):
        match = _RANGE.match(part)
        if match is None:
            continue
        quality = float(match.group(2)) if match.group(2) else 1.0
        if quality > 0:
            weighted.append((-quality, position, match.group(1).lower()))
    return [tag for _, _, tag in sorted(weighted)]


def choose(accept_language: str | None, pass_languages: Iterable[str]) -> Language:
    """The best of English and the pass's languages for the reader: an exact tag first, then the
    same primary language (``fr-CA`` reads ``fr``; ``pt`` reads ``pt-BR``); English when none fits."""
    available = {_normal(name): name for name in pass_languages}
    for wanted in preferred(accept_language):
        if wanted == "*":
            break
        found = _match(wanted, available) or (DEFAULT if wanted.split("-")[0] == DEFAULT else None)
        if found == DEFAULT:
            return Language(DEFAULT, available.get(DEFAULT), catalogue()[DEFAULT])
        if found is not None:
            return Language(found, available[found], messages_for(found))
    return Language(DEFAULT, available.get(DEFAULT), catalogue()[DEFAULT])


def _match(wanted: str, available: Mapping[str, str]) -> str | None:
    if wanted in available:
        return wanted
    primary = wanted.split("-")[0]
    same = sorted(tag for tag in available if tag.split("-")[0] == primary)
    return same[0] if same else None


def _normal(folder: str) -> str:
    """An ``.lproj`` folder name as a language tag in lower case (``pt_BR`` is ``pt-br``)."""
    return folder.replace("_", "-").lower()


def messages_for(tag: str) -> Mapping[str, str]:
    """The page's words in ``tag``'s language, English where the catalogue has no translation."""
    table = catalogue()
    words = table.get(tag) or table.get(tag.split("-")[0]) or {}
    return {**table[DEFAULT], **words}


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """The page's words by language (``messages.json``)."""
    text = resources.files("passmint.pages").joinpath("messages.json").read_text(encoding="utf-8")
    loaded: dict[str, dict[str, str]] = json.loads(text)
    return loaded
