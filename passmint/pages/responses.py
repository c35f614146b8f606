"""A landing page as an HTTP answer: validators (ETag, 304), caching and the security headers."""

from __future__ import annotations

import hashlib
import html as markup
import re
from collections.abc import Mapping

from fastapi.responses import Response

HTML = "text/html; charset=utf-8"
VARY = "Accept, Accept-Language, User-Agent"
"""What a public link's answer depends on: a page or a file (Accept, User-Agent), and the language."""
_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def etag_of(html: str) -> str:
    return '"' + hashlib.sha256(html.encode()).hexdigest()[:32] + '"'


def page_response(
    html: str, request_headers: Mapping[str, str], *, cache_control: str = "public, no-cache"
) -> Response:
    """The page with its ETag (a 304 when ``If-None-Match`` names it). ``public, no-cache``: a cache may
    keep it for everyone who opens the link, and asks again each time (a pass can change any moment)."""
    etag = etag_of(html)
    policy = _POLICY.search(html)
    headers = {
        "ETag": etag,
        "Cache-Control": cache_control,
        "Vary": VARY,
        "Content-Security-Policy": (
            markup.unescape(policy.group(1)) + "; " if policy else "default-src 'none'; "
        )
        + "frame-ancestors 'none'",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
    }
    if etag in _tags(request_headers.get("if-none-match", "")):
        return Response(status_code=304, headers=headers)
    return Response(html, media_type=HTML, headers=headers)


def _tags(header: str) -> set[str]:
    """The entity tags of an ``If-None-Match`` header, weak ones compared as strong (RFC 9110 §13.1.2)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def with_vary(response: Response) -> Response:
    """A file answered where a page could have been: caches must keep the two apart."""
    response.headers["Vary"] = VARY
    return response
