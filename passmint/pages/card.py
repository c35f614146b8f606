"""The pass as Wallet shows its front, read from the delivered .pkpass: colours, images, the front
fields and the barcode, in one of the pass's own languages (its ``xx.lproj/pass.strings``)."""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from passmint.apple.strings import decode_strings

FRONT_GROUPS = ("headerFields", "primaryFields", "secondaryFields", "auxiliaryFields")
STYLES = ("boardingPass", "coupon", "eventTicket", "generic", "storeCard")
IMAGES = ("logo", "strip", "thumbnail", "icon")
_RGB = re.compile(r"^\s*rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)\s*$")
_HEX = re.compile(r"^\s*#([0-9a-fA-F]{6})\s*$")
_LPROJ = re.compile(r"^([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\.lproj/")
DEFAULT_COLOURS = ("rgb(255,255,255)", "rgb(0,0,0)", "rgb(0,0,0)")


@dataclass(frozen=True)
class Field:
    label: str
    value: str
    align: str = "natural"


@dataclass(frozen=True)
class Barcode:
    format: str
    message: str
    encoding: str
    alt_text: str


@dataclass(frozen=True)
class Card:
    """What the landing page draws of a pass (texts already in the chosen language)."""

    style: str
    organization: str
    description: str
    logo_text: str
    background: str
    foreground: str
    label: str
    images: Mapping[str, str]
    """data: URLs by image name (logo, strip, thumbnail, icon): the sharpest scale the pass holds."""
    groups: Mapping[str, list[Field]]
    barcode: Barcode | None
    languages: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class PassFiles:
    """A delivered pass's pass.json, images and translations."""

    pass_json: Mapping[str, Any]
    files: Mapping[str, bytes]

    @property
    def size(self) -> int:
        """About how many bytes the files take."""
        return sum(len(data) for data in self.files.values()) + 1

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages of the pass's ``xx.lproj`` folders, as their folders name them."""
        found = {match.group(1) for name in self.files if (match := _LPROJ.match(name))}
        return tuple(sorted(found))

    def strings(self, language: str | None) -> dict[str, str]:
        """The pass's translations into ``language`` (none: an empty table)."""
        data = self.files.get(f"{language}.lproj/pass.strings") if language else None
        if data is None:
            return {}
        try:
            return decode_strings(data)
        except ValueError:
            return {}

    def image(self, name: str, language: str | None) -> str | None:
        """The image as a data: URL, the language's own first, the sharpest scale first."""
        folders = ([f"{language}.lproj/"] if language else []) + [""]
        for folder in folders:
            for scale in ("@3x", "@2x", ""):
                if data := self.files.get(f"{folder}{name}{scale}.png"):
                    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")
        return None


def read_pkpass(data: bytes) -> PassFiles:
    """The files of a .pkpass (a zip archive)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
    return PassFiles(json.loads(files.pop("pass.json")), files)


def card_of(files: PassFiles, language: str | None) -> Card:
    """The front of the pass in ``language`` (one of ``files.languages``, or None for its own texts)."""
    document, table = files.pass_json, files.strings(language)

    def local(value: object) -> str:
        text = _text(value)
        return table.get(text, text)

    style = next((name for name in STYLES if isinstance(document.get(name), dict)), "generic")
    body: Mapping[str, Any] = document.get(style) or {}
    groups = {name: _fields(body.get(name), local) for name in FRONT_GROUPS}
    images = {name: url for name in IMAGES if (url := files.image(name, language))}
    background, foreground, label = (
        _colour(document.get(key), default)
        for key, default in zip(
            ("backgroundColor", "foregroundColor", "labelColor"), DEFAULT_COLOURS, strict=True
        )
    )
    return Card(
        style=style,
        organization=local(document.get("organizationName")),
        description=local(document.get("description")),
        logo_text=local(document.get("logoText")),
        background=background,
        foreground=foreground,
        label=label,
        images=images,
        groups=groups,
        barcode=_barcode(document, local),
        languages=files.languages,
    )


def _fields(items: object, local: Any) -> list[Field]:
    return [_field(item, local) for item in items or [] if isinstance(item, dict)]  # type: ignore[attr-defined]


def _field(item: Mapping[str, Any], local: Any) -> Field:
    align = str(item.get("textAlignment", "")).removeprefix("PKTextAlignment").lower() or "natural"
    return Field(label=local(item.get("label")), value=local(item.get("value")), align=align)


def _barcode(document: Mapping[str, Any], local: Any) -> Barcode | None:
    found = document.get("barcodes")
    candidates = [*found] if isinstance(found, list) else []
    if isinstance(document.get("barcode"), dict):
        candidates.append(document["barcode"])
    for item in candidates:
        if isinstance(item, dict) and isinstance(item.get("message"), str) and item.get("format"):
            return Barcode(
                format=str(item["format"]),
                message=item["message"],
                encoding=str(item.get("messageEncoding") or "iso-8859-1"),
                alt_text=local(item.get("altText")),
            )
    return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _colour(value: object, default: str) -> str:
    """A CSS colour from Apple's ``rgb(r, g, b)`` (or ``#rrggbb``); anything else is the default, so
    only digits ever reach the page's stylesheet."""
    text = str(value or "")
    if match := _RGB.match(text):
        channels = [min(int(part), 255) for part in match.groups()]
        return "rgb({},{},{})".format(*channels)
    if match := _HEX.match(text):
        digits = match.group(1)
        return "rgb({},{},{})".format(*(int(digits[i : i + 2], 16) for i in (0, 2, 4)))
    return default
