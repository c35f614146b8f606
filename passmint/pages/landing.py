"""The landing page: a pass shown as Wallet will show it, a QR code of the page to open it on a phone,
and the "Add to Apple Wallet" / "Add to Google Wallet" buttons. Server-rendered (Jinja2), no script,
its own Content-Security-Policy inside (a ``<meta>``: styles by hash, images only as data: URLs)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Hashable

from cachetools import LRUCache
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.config import Settings
from passmint.pages.badges import APPLE_MARK, GOOGLE_MARK
from passmint.pages.barcodes import BarcodeError, barcode_svg, qr_svg
from passmint.pages.card import Card, PassFiles, card_of
from passmint.pages.environment import PAGES
from passmint.pages.languages import Language, choose
from passmint.pages.source import pass_files
from passmint.wallets import PassRecord

SQUARE = {"PKBarcodeFormatQR", "PKBarcodeFormatAztec"}
_environment = PAGES
_pages: LRUCache[Hashable, str] = LRUCache(maxsize=32 * 2**20, getsizeof=len)
"""Rendered pages (32 MiB of them) by everything they are made from: a page unchanged since its last view
is not redrawn."""


async def render_landing(
    session: AsyncSession,
    record: PassRecord,
    settings: Settings,
    *,
    page_url: str,
    apple_url: str | None,
    google_url: str | None,
    accept_language: str | None,
) -> str:
    """The landing page of the pass ``record`` as HTML: ``page_url`` is the
    address the page's QR code leads a phone to; each button shows only when its URL is given."""
    files, version = await pass_files(session, record, settings)
    language = choose(accept_language, files.languages)
    key = (version, language.tag, page_url, apple_url, google_url)
    page = _pages.get(key)
    if page is None:
        page = draw(files, language, page_url=page_url, apple_url=apple_url, google_url=google_url)
        _pages[key] = page
    return page


def draw(
    files: PassFiles, language: Language, *, page_url: str, apple_url: str | None, google_url: str | None
) -> str:
    """The page's HTML for a pass's files in ``language``."""
    card = card_of(files, language.pass_language)
    css = _environment.get_template("landing.css").render(card=card)
    barcode, shape = _barcode(card)
    return _environment.get_template("landing.html").render(
        card=card,
        language=language,
        m=language.messages,
        css=Markup(css),  # noqa: S704 - our own stylesheet; its only values are checked rgb() colours
        policy=content_security_policy(css),
        barcode=barcode,
        barcode_shape=shape,
        qr=Markup(qr_svg(page_url)),  # noqa: S704 - drawn by zint from the URL, not copied from it
        page_url=page_url,
        apple_url=apple_url,
        google_url=google_url,
        apple_icon=APPLE_MARK,
        google_icon=GOOGLE_MARK,
    )


def content_security_policy(css: str) -> str:
    """Nothing loads but the page's one stylesheet (by its hash) and data: images; no script, no form,
    no frame, no base."""
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; base-uri 'none'; form-action 'none'"
    )


def _barcode(card: Card) -> tuple[Markup | None, str]:
    if card.barcode is None:
        return None, ""
    try:
        svg = barcode_svg(card.barcode.format, card.barcode.message, card.barcode.encoding)
    except BarcodeError:
        return None, ""
    return Markup(svg), "square" if card.barcode.format in SQUARE else "wide"  # noqa: S704 - drawn by zint
