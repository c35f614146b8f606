"""The front of a pass, read from its files."""

from __future__ import annotations

from passmint.pages.card import PassFiles, card_of
from passmint.pages.landing import draw
from passmint.pages.languages import choose
from tests.factories import png


def test_colours_images_and_fields() -> None:
    document = {
        "backgroundColor": "#102030",
        "foregroundColor": "rgb(300, 255, 255)",
        "eventTicket": {
            "headerFields": [{"key": "gate", "label": "Gate", "value": 12.0}],
            "secondaryFields": [{"key": "seat", "value": "A1", "textAlignment": "PKTextAlignmentRight"}],
        },
    }
    files = {"logo.png": png(10, 10), "logo@2x.png": png(20, 20), "fr.lproj/logo.png": png(30, 30)}
    card = card_of(PassFiles(document, files), None)
    assert (card.style, card.background, card.foreground) == (
        "eventTicket",
        "rgb(16,32,48)",
        "rgb(255,255,255)",
    )
    assert card.groups["headerFields"][0].value == "12" and card.groups["secondaryFields"][0].align == "right"
    assert card.barcode is None and card.languages == ("fr",)
    assert card.images["logo"] != card_of(PassFiles(document, files), "fr").images["logo"]  # fr's own logo


def test_no_barcode_no_figure() -> None:
    html = draw(PassFiles({"generic": {}}, {}), choose(None, []), page_url="http://x/p", apple_url=None,
                google_url=None)  # fmt: skip
    assert "data-barcode" not in html and "data-qr" in html


def test_a_message_its_format_cannot_hold_draws_no_barcode() -> None:
    document = {"generic": {}, "barcodes": [{"format": "PKBarcodeFormatQR", "message": "x" * 8000}]}
    html = draw(
        PassFiles(document, {}), choose(None, []), page_url="http://x/p", apple_url=None, google_url=None
    )
    assert "data-barcode" not in html
