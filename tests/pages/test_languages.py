"""The landing page's language: Accept-Language read, English or one of the pass's ``.lproj`` languages
chosen, the pass's own translations and the page's words applied."""

from __future__ import annotations

import pytest

from passmint.apple.strings import encode_strings
from passmint.pages.card import PassFiles
from passmint.pages.landing import draw
from passmint.pages.languages import choose, preferred

PASS_JSON = {
    "organizationName": "Loyalty",
    "description": "card",
    "logoText": "Logo Text",
    "backgroundColor": "rgb(0,61,122)",
    "storeCard": {"primaryFields": [{"key": "Coupon", "label": "coupon", "value": "20%"}]},
    "barcodes": [{"format": "PKBarcodeFormatQR", "message": "M-1", "messageEncoding": "iso-8859-1"}],
}
FILES = {
    "fr.lproj/pass.strings": encode_strings({"coupon": "bon", "card": "Carte de fidélité"}),
    "pt_BR.lproj/pass.strings": encode_strings({"coupon": "cupom"}),
}


class TestPreferred:
    def test_by_quality_then_order(self) -> None:
        assert preferred("de;q=0.5, fr-CA, en;q=0.8, *;q=0.1") == ["fr-ca", "en", "de", "*"]

    @pytest.mark.parametrize("header", [None, "", ";;;", "en;q=abc", "x" * 20])
    def test_nothing_readable(self, header: str | None) -> None:
        assert preferred(header) == []

    def test_q_zero_refuses(self) -> None:
        assert preferred("fr;q=0, de") == ["de"]


class TestChoose:
    @pytest.mark.parametrize(
        ("header", "tag", "folder"),
        [
            ("fr-FR,fr;q=0.9", "fr", "fr"),
            ("pt", "pt-br", "pt_BR"),
            ("de, fr;q=0.5", "fr", "fr"),  # the pass has no German: the reader's next choice
            ("de", "en", None),  # nothing fits: English, the pass's own texts
            ("en-US, fr;q=0.9", "en", None),
            (None, "en", None),
        ],
    )
    def test_english_or_a_language_of_the_pass(
        self, header: str | None, tag: str, folder: str | None
    ) -> None:
        language = choose(header, ["fr", "pt_BR"])
        assert (language.tag, language.pass_language) == (tag, folder)


class TestDrawnInTheReadersLanguage:
    def test_pass_strings_and_page_words(self) -> None:
        files = PassFiles(PASS_JSON, FILES)
        html = draw(
            files,
            choose("fr", files.languages),
            page_url="http://x/p",
            apple_url="http://x/a",
            google_url=None,
        )
        assert '<html lang="fr">' in html
        assert "<dt>bon</dt>" in html and "Carte de fidélité" in html  # the pass's own translations
        assert "Ajouter à" in html and 'aria-label="Ajouter à Apple Wallet"' in html  # the page's words

    def test_english_keeps_the_pass_texts(self) -> None:
        files = PassFiles(PASS_JSON, FILES)
        html = draw(
            files, choose("en", files.languages), page_url="http://x/p", apple_url=None, google_url=None
        )
        assert '<html lang="en">' in html and "<dt>coupon</dt>" in html
        assert 'data-wallet="apple"' not in html  # no URL, no button

    def test_text_is_escaped(self) -> None:
        document = {**PASS_JSON, "logoText": "<script>alert(1)</script>", "backgroundColor": "red;}</style>"}
        html = draw(
            PassFiles(document, {}), choose(None, []), page_url="http://x/p", apple_url=None, google_url=None
        )
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert "--bg:rgb(255,255,255)" in html  # a colour that is not rgb() falls back to Wallet's default
