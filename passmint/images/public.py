"""Images at public, content-addressed URLs (``/images/{sha256}.png``), as Google Wallet fetches them."""

from __future__ import annotations

import hashlib

from passmint.apple.render import DEFAULT_ICON_FILES

DEFAULT_LOGO = DEFAULT_ICON_FILES["icon@2x.png"]
"""passmint's plain logo, for a Google class whose vertical requires a logo its template lacks."""
DEFAULT_LOGO_DIGEST = hashlib.sha256(DEFAULT_LOGO).hexdigest()
PREFIX = "/images/"


def image_url(base_url: str, digest: str) -> str:
    """The public URL of the stored image with this digest."""
    return f"{base_url}{PREFIX}{digest}.png"
