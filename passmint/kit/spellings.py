"""The several spellings of barcode types and encodings that clients send, read into one canonical form.

The reference writes a barcode type three ways: ``pdf417`` (project settings, v1 templates), ``PDF_417``
(v2 templates, Airship's client libraries) and ``PKBarcodeFormatPDF417`` (pass responses). All are
accepted in any case and with or without ``-``/``_``; the canonical, stored form is the first.
"""

from __future__ import annotations

import re

BARCODE_TYPES = {
    "pdf417": "pdf417", "qr": "qr", "qrcode": "qr", "aztec": "aztec", "code128": "code128",
    "upca": "upc-a", "ean13": "ean-13", "code39": "code-39",
}  # fmt: skip
"""Barcode type by its spelling without case, separators or Apple's prefix → canonical spelling."""
V2_BARCODE_TYPES = {
    "pdf417": "PDF_417", "qr": "QR_CODE", "aztec": "AZTEC", "code128": "CODE_128", "upc-a": "UPC_A",
    "ean-13": "EAN_13", "code-39": "CODE_39",
}  # fmt: skip
"""Canonical barcode type → its spelling in the payload (v2) format."""
BARCODE_ENCODINGS = {"iso88591": "iso-8859-1", "latin1": "iso-8859-1", "utf8": "utf-8"}


def _key(value: str) -> str:
    return re.sub(r"[\s_-]", "", value.lower())


def barcode_type(value: object) -> str | None:
    """The canonical barcode type (``pdf417``…) of any of its spellings; None if it is not one."""
    if not isinstance(value, str):
        return None
    return BARCODE_TYPES.get(_key(value).removeprefix("pkbarcodeformat"))


def barcode_encoding(value: object) -> str | None:
    """``iso-8859-1`` or ``utf-8`` from any case or separators; None if it is neither."""
    return BARCODE_ENCODINGS.get(_key(value)) if isinstance(value, str) else None


def canonical_barcode_type(value: object) -> object:
    """For validators: the canonical spelling when ``value`` is a barcode type, else ``value`` unchanged."""
    return barcode_type(value) or value


def canonical_barcode_encoding(value: object) -> object:
    return barcode_encoding(value) or value


def v2_barcode_type(value: object) -> object:
    """The payload-format spelling of a stored barcode type (anything else unchanged)."""
    canonical = barcode_type(value)
    return V2_BARCODE_TYPES[canonical] if canonical else value
