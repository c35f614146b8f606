"""Server-rendered pages for people: the landing page of a pass (see ``landing``)."""

from __future__ import annotations

from passmint.pages.landing import render_landing
from passmint.pages.responses import page_response, with_vary

__all__ = ["page_response", "render_landing", "with_vary"]
