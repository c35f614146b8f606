"""A file to send: its bytes, media type, name and when its content last changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Download:
    data: bytes
    media_type: str
    filename: str
    last_modified: datetime
    """When the content last changed (``kit.time.last_modified`` turns it into the header)."""
    location: str | None = None
    """Where a browser goes instead (a Google save link): the answer is a 302 there, unless the client
    asks for JSON (``Accept: application/json``), which gets ``data``."""
