"""What a Google class or object is made from: a template's design, a pass's values, public image URLs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from passmint.google.journeys import is_flight
from passmint.google.modules import Modules, read_modules, text_of

VERTICALS = {
    "loyalty": "loyalty", "memberCard": "loyalty", "coupon": "offer", "giftCard": "giftCard",
    "eventTicket": "eventTicket", "boardingPass": "flight", "generic": "generic",
}  # fmt: skip
"""Google's vertical by the project's type (a boarding pass without flight details is ``transit``)."""
FLIGHT_SLOTS = ("origin", "destination", "carrier", "flightnumber", "departure")
_RGB = re.compile(r"^rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)$", re.IGNORECASE)
_HEX = re.compile(r"^#?([0-9a-f]{6}|[0-9a-f]{3})$", re.IGNORECASE)
Entries = Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class Design:
    """Headers and fields by name (canonical form), and the Google module options."""

    headers: Entries
    fields: Entries
    options: Entries = field(default_factory=dict)

    def header(self, name: str) -> str:
        """A header's value as text; '' when unset."""
        entry = self.headers.get(name)
        return text_of(entry.get("value")) if isinstance(entry, Mapping) else ""

    def option(self, module: str, name: str) -> str:
        return text_of(self.options.get(module, {}).get(name))

    def slot(self, name: str) -> str:
        """The value of the field whose name, without case and separators, is ``name`` ('' if none)."""
        for field_name, entry in self.fields.items():
            if re.sub(r"[^a-z0-9]", "", field_name.lower()) == name:
                return text_of(entry.get("value")) or text_of(entry.get("body"))
        return ""

    def modules(self) -> Modules:
        return read_modules(self.fields, self.options)


@dataclass(frozen=True)
class ClassSource:
    """A template, as its Google class is made from it."""

    class_id: str
    project_type: str
    issuer_name: str
    """The project's name (what Apple passes show as the organization)."""
    template_name: str
    design: Design
    images: Mapping[str, str]
    """Public URLs by image key: a header name (``logo_image``), ``field:<name>`` or ``option:<module>``."""
    default_logo: str
    """The public URL of passmint's plain logo, for a vertical that requires one the design lacks."""
    locations: Sequence[Mapping[str, Any]] = ()
    starts_at: str | None = None
    """When the event starts (ISO 8601): the template's relevant date."""
    callback_url: str | None = None
    """Where Google sends save and delete callbacks (``{PASSMINT_PUBLIC_URL}/google/v1/callbacks``)."""
    journey_kind: str = ""
    """``flight`` or ``event`` when the class is that of a pass's journey (``google.journeys``)."""
    journey: Mapping[str, str] = field(default_factory=dict)
    """The journey's field values by name."""
    redemption_issuers: Sequence[str] = ()
    """Smart Tap: the issuer ids that redeem the passes, set when the project has a Google (or ANY) NFC
    merchant; empty, the class is not Smart Tap enabled."""

    @property
    def vertical(self) -> str:
        vertical = VERTICALS.get(self.project_type, "generic")
        if vertical == "flight" and self.flight_journey:
            return vertical
        if vertical == "flight" and not all(self.design.slot(name) for name in FLIGHT_SLOTS):
            return "transit"
        return vertical

    @property
    def flight_journey(self) -> bool:
        """Whether the class takes its flight from a flight of the flights API."""
        return self.journey_kind == "flight" and is_flight(self.journey)


@dataclass(frozen=True)
class ObjectSource:
    """A pass, as its Google object is made from it."""

    object_id: str
    template: ClassSource
    design: Design
    """The template's design with the pass's own headers and fields over it."""
    images: Mapping[str, str]
    """Public URLs by image key, the pass's own over the template's."""
    barcode_settings: Mapping[str, Any] = field(default_factory=dict)
    """The project's settings (``barcode_type``, ``barcode_default_value``, ``barcode_alt_text``)."""
    valid_until: str | None = None
    """When the pass expires (ISO 8601), if it does."""
    voided: bool = False
    locations: Sequence[Mapping[str, Any]] = ()
    serial_number: str = ""
    nfc_message: str = ""
    """The ``nfc.message`` the pass (else its template) sets, '' when none: its Smart Tap value first."""


def hex_colour(value: str) -> str | None:
    """``#rrggbb`` from ``rgb(r, g, b)``, ``#rrggbb`` or ``#rgb``; None for anything else."""
    if match := _RGB.match(value.strip()):
        parts = [int(part) for part in match.groups()]
        return "#" + "".join(f"{min(part, 255):02x}" for part in parts)
    if match := _HEX.match(value.strip()):
        digits = match[1].lower()
        return "#" + (digits if len(digits) == 6 else "".join(digit * 2 for digit in digits))
    return None


def image_url(images: Mapping[str, str], key: str | None, given: str | None) -> str | None:
    """The public URL of an image: stored by passmint (``images``), else the http(s) URL the design gives."""
    if key is not None and key in images:
        return images[key]
    if given and given.lower().startswith(("https://", "http://")):
        return given
    return None
