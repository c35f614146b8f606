"""Barcodes drawn as inline SVG by libzint (``zint-bindings``): the four formats Apple Wallet shows,
and the QR code of a page's own address."""

from __future__ import annotations

import re
from functools import lru_cache

import zint

SYMBOLOGIES = {
    "PKBarcodeFormatQR": zint.Symbology.QRCODE,
    "PKBarcodeFormatPDF417": zint.Symbology.PDF417,
    "PKBarcodeFormatAztec": zint.Symbology.AZTEC,
    "PKBarcodeFormatCode128": zint.Symbology.CODE128,
}
"""zint's symbology of each of Apple's barcode formats."""
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_DESC = re.compile(r"\s*<desc>.*?</desc>", re.DOTALL)
_GROUP_ID = re.compile(r' id="barcode"')
_SIZE = re.compile(r'<svg width="([0-9.]+)" height="([0-9.]+)"')


class BarcodeError(ValueError):
    """A message that the barcode format cannot hold."""


@lru_cache(maxsize=1024)
def barcode_svg(apple_format: str, message: str, encoding: str = "iso-8859-1") -> str:
    """An ``<svg>`` element (no XML prologue) drawing ``message`` in Apple's ``apple_format``, with the
    standard quiet zones, its bytes in the pass's ``messageEncoding`` as Wallet encodes them."""
    symbology = SYMBOLOGIES.get(apple_format)
    if symbology is None:
        raise BarcodeError(f"no drawing for {apple_format}")
    symbol = zint.Symbol()
    symbol.symbology = symbology
    symbol.show_text = False
    symbol.output_options = zint.OutputOptions.BARCODE_MEMORY_FILE | zint.OutputOptions.BARCODE_QUIET_ZONES
    symbol.outfile = "barcode.svg"
    if symbology == zint.Symbology.CODE128:
        symbol.height = 40
    try:
        symbol.encode(_bytes(message, encoding))
        symbol.print()
    except RuntimeError as exc:  # zint reports data it cannot encode this way
        raise BarcodeError(str(exc)) from exc
    drawn = symbol.memfile
    if drawn is None:
        raise BarcodeError(symbol.errtxt or "nothing drawn")
    return _inline(bytes(drawn).decode())


def qr_svg(text: str) -> str:
    """An ``<svg>`` QR code of ``text`` (a URL), with its quiet zone."""
    return barcode_svg("PKBarcodeFormatQR", text, "utf-8")


def _bytes(message: str, encoding: str) -> bytes:
    try:
        return message.encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return message.encode("utf-8")


def _inline(svg: str) -> str:
    """zint's SVG file as an element to put in HTML: scalable (a viewBox), crisp, and hidden from
    assistive technology (the page names the barcode in text beside it)."""
    svg = _GROUP_ID.sub("", _DESC.sub("", _PROLOGUE.sub("", svg, count=1), count=1))
    return _SIZE.sub(
        r'<svg width="\1" height="\2" viewBox="0 0 \1 \2" preserveAspectRatio="xMidYMid meet"'
        r' shape-rendering="crispEdges" aria-hidden="true" focusable="false"',
        svg,
        count=1,
    ).strip()
