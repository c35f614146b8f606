"""Server-rendered pages for people: the landing page of a pass (see ``landing``), the Save to Google
Wallet button page (``save_button``); one Jinja2 environment (``environment``)."""

from __future__ import annotations

from passmint.pages.landing import render_landing
from passmint.pages.responses import page_response, with_vary
from passmint.pages.save_button import render_save_button

__all__ = ["page_response", "render_landing", "render_save_button", "with_vary"]
