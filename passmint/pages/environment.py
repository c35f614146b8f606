"""The one Jinja2 environment of passmint's pages: templates in ``pages/templates``, HTML autoescaped."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

PAGES = Environment(
    loader=PackageLoader("passmint.pages"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
