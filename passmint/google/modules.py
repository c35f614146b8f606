"""A template's Google modules (titleModule, textModulesData, pointsModule...) read into Google's slots.

Fields arrive in passmint's canonical form: one entry per field, ``fieldType`` naming its module, the
v1 keys (``header``/``body``, ``description``/``uri``, ``image``) or the v2 ones (``label``/``value``),
with a pass's own ``value``/``label`` over the template's. Slots that take one field (the loyalty
points, the account name) take them by ``order``, then ``col``, then ``row``, then name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

LANGUAGE = "en-US"
MAX_MODULES = 10
"""Google shows at most 10 text (and 10 link) modules per class and per object."""
_URL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_HOST = re.compile(r"^(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?$", re.IGNORECASE)
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
Field = Mapping[str, Any]


def localized(value: str) -> dict[str, Any]:
    """Google's LocalizedString of one text."""
    return {"defaultValue": {"language": LANGUAGE, "value": value}}


def image(uri: str, description: str | None = None) -> dict[str, Any]:
    """Google's Image of a public URL."""
    out: dict[str, Any] = {"sourceUri": {"uri": uri}}
    if description:
        out["contentDescription"] = localized(description)
    return out


def text_of(value: object) -> str:
    """A field's value as text (numbers as JSON writes them); '' for nothing."""
    if value is None or isinstance(value, bool | dict | list):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def as_uri(value: str) -> str | None:
    """An absolute URI, with ``https://`` added to a bare host (``www.metro.com.sg``); None if not a link."""
    if _URL.match(value):
        return value
    return f"https://{value}" if _HOST.match(value) else None


def safe_id(name: str) -> str:
    """A module id from a field name: ``Program Details`` → ``Program_Details``."""
    return _UNSAFE.sub("_", name)[:64] or "field"


def _position(item: tuple[str, Field]) -> tuple[int, int, int, str]:
    name, entry = item
    return (_int(entry.get("order")), _int(entry.get("col")), _int(entry.get("row")), name)


def _grid(item: tuple[str, Field]) -> tuple[int, int, int, str]:
    name, entry = item
    return (_int(entry.get("row")), _int(entry.get("col")), _int(entry.get("order")), name)


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 1 << 30


@dataclass
class Modules:
    """What a design's fields become: named slots, and the text, link and image modules."""

    title: str | None = None
    logo: str | None = None
    """The logo's URL as the design gives it (the ``image`` of titleModule)."""
    logo_key: str | None = None
    """The image key (``ImageKeys``) of the logo."""
    points: list[tuple[str, Field]] = field(default_factory=list)
    accounts: list[tuple[str, Field]] = field(default_factory=list)
    texts: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    images: list[tuple[str, str, str | None]] = field(default_factory=list)
    """Image modules: (image key, URL as given, description)."""


def read_modules(fields: Mapping[str, Field], options: Mapping[str, Mapping[str, Any]]) -> Modules:
    """The design's fields, module by module."""
    out = Modules()
    title = options.get("titleModule", {})
    if isinstance(title.get("image"), str) and title["image"].strip():
        out.logo, out.logo_key = title["image"], "option:titleModule"
    texts: list[tuple[str, Field]] = []
    for name, entry in sorted(fields.items(), key=_grid):
        kind = entry.get("fieldType")
        if kind == "titleModule":
            _title(out, name, entry)
        elif kind in ("pointsModule", "loyaltyPoints"):
            out.points.append((name, entry))
        elif kind == "acctModule":
            out.accounts.append((name, entry))
        elif kind == "linksModuleData":
            _link(out, name, entry)
        elif kind == "imageModulesData":
            _image(out, name, entry)
        elif kind in ("textModulesData", "infoModuleData"):
            texts.append((name, entry))
    out.points.sort(key=_position)
    out.accounts.sort(key=_position)
    out.links.sort(key=lambda link: link.pop("_order"))
    out.texts = [text for name, entry in texts if (text := text_module(name, entry))]
    return out


def text_module(name: str, entry: Field) -> dict[str, Any] | None:
    """A field as a text module: header from ``label``/``header``, body from ``value``/``body``."""
    header = text_of(entry.get("label")) or text_of(entry.get("header"))
    body = text_of(entry.get("value")) or text_of(entry.get("body"))
    if not body and not header:
        return None
    module: dict[str, Any] = {"id": safe_id(name), "body": body or header}
    if header and body:
        module["header"] = header
    return module


def _title(out: Modules, name: str, entry: Field) -> None:
    label, value = text_of(entry.get("label")), text_of(entry.get("value"))
    picture = text_of(entry.get("image")) or (label if _URL.match(label) else "")
    if picture and (name == "image" or not value):
        out.logo, out.logo_key = picture, f"field:{name}"
        return
    if out.title is None and (value or label):
        out.title = value or label


def _link(out: Modules, name: str, entry: Field) -> None:
    label, value = text_of(entry.get("label")), text_of(entry.get("value"))
    uri = text_of(entry.get("uri"))
    description = text_of(entry.get("description"))
    if not uri:
        for candidate, other in ((label, value), (value, label)):
            if candidate and as_uri(candidate):
                uri, description = candidate, description or other
                break
    target = as_uri(uri) if uri else None
    if target is None:
        return
    order = _int(entry.get("order"))
    link = {"_order": (order, name), "id": safe_id(name), "uri": target}
    link["description"] = description or name
    out.links.append(link)


def _image(out: Modules, name: str, entry: Field) -> None:
    url = text_of(entry.get("image")) or next(
        (text for key in ("value", "label") if _URL.match(text := text_of(entry.get(key)))), ""
    )
    if url:
        description = text_of(entry.get("imageDescription")) or None
        out.images.append((f"field:{name}", url, description))


def balance(entry: Field) -> dict[str, Any]:
    """A points field's value as Google's LoyaltyPointsBalance: int, double or string."""
    value = entry.get("value")
    if isinstance(value, str):
        try:
            number: float = float(value)
        except ValueError:
            return {"string": value}
        value = int(number) if number.is_integer() and "." not in value else number
    if isinstance(value, bool) or value is None:
        return {"string": text_of(value)}
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return {"int": int(value)}
    if isinstance(value, float):
        return {"double": value}
    return {"string": text_of(value)}


def points(entry: Field) -> dict[str, Any]:
    label = text_of(entry.get("label")) or text_of(entry.get("header"))
    out: dict[str, Any] = {"balance": balance(entry)}
    if label:
        out["label"] = label
    return out
