"""Test images made with Pillow, and a local HTTP(S) server on 127.0.0.1 that serves them."""

from __future__ import annotations

import io
import ssl
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

from PIL import Image

from tests.support.certs import issue, tls_contexts
from tests.support.servers import LocalServer, QuietHandler, served_by

HUGE = 6 * 1024 * 1024
"""More than the default 5 MiB limit."""
SLOW_SECONDS = 5.0


def make_image(
    image_format: str, size: tuple[int, int] = (40, 30), mode: str = "RGB", **options: object
) -> bytes:
    """An image with a few coloured bands, so pixels can be compared after conversion."""
    image = Image.new("RGB", size, "white")
    band = max(1, size[0] // 4)
    for index, colour in enumerate(("red", "green", "blue")):
        image.paste(colour, (index * band, 0, (index + 1) * band, size[1]))
    output = io.BytesIO()
    image.convert(mode).save(output, image_format, **options)
    return output.getvalue()


PNG = make_image("PNG", (40, 30))
JPEG = make_image("JPEG", (64, 48), quality=95)


def _send(
    handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str, **headers: str
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


def _redirect(location: str) -> Callable[[BaseHTTPRequestHandler], None]:
    return lambda handler: _send(handler, 302, b"", "text/plain", Location=location)


def _hops(handler: BaseHTTPRequestHandler) -> None:
    left = int(handler.path.rsplit("/", 1)[1])
    if left == 0:
        _send(handler, 200, PNG, "image/png")
    else:
        _redirect(f"/hops/{left - 1}")(handler)


def _huge_unsized(handler: BaseHTTPRequestHandler) -> None:
    """A body without Content-Length (it ends when the connection closes), bigger than the limit."""
    handler.send_response(200)
    handler.send_header("Content-Type", "image/png")
    handler.end_headers()
    handler.wfile.write(PNG)
    for _ in range(HUGE // 65536):
        handler.wfile.write(bytes(65536))


def _slow(handler: BaseHTTPRequestHandler) -> None:
    owner(handler).stopping.wait(SLOW_SECONDS)
    _send(handler, 200, PNG, "image/png")


def _trickle(handler: BaseHTTPRequestHandler) -> None:
    """Headers at once, then a byte at a time: no single read is slow, the whole is."""
    handler.send_response(200)
    handler.send_header("Content-Type", "image/png")
    handler.send_header("Content-Length", str(len(PNG)))
    handler.end_headers()
    for byte in PNG:
        if owner(handler).stopping.wait(0.05):
            return
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()


ROUTES: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {
    "/logo.png": lambda h: _send(h, 200, PNG, "image/png"),
    "/logo-copy.png": lambda h: _send(h, 200, PNG, "image/png"),
    "/photo.jpg": lambda h: _send(h, 200, JPEG, "image/jpeg"),
    "/photo-as-octets": lambda h: _send(h, 200, JPEG, "application/octet-stream"),
    "/notes.txt": lambda h: _send(h, 200, b"just some words\n", "text/plain"),
    "/page.png": lambda h: _send(h, 200, b"<!doctype html><title>Logo</title>", "image/png"),
    "/gzipped.png": lambda h: _send(h, 200, PNG, "image/png", Content_Encoding="gzip"),
    "/huge.png": lambda h: _send(h, 200, PNG + bytes(HUGE), "image/png"),
    "/huge-unsized.png": _huge_unsized,
    "/slow.png": _slow,
    "/trickle.png": _trickle,
    "/missing.png": lambda h: _send(h, 404, b"not here", "text/plain"),
    "/broken.png": lambda h: _send(h, 500, b"oops", "text/plain"),
    "/moved.png": _redirect("/logo.png"),
    "/to-ftp.png": _redirect("ftp://127.0.0.1/logo.png"),
    "/no-location.png": lambda h: _send(h, 302, b"", "text/plain"),
}


class _Handler(QuietHandler):
    def do_GET(self) -> None:
        server = owner(self)
        server.requests.append(self.path)
        server.hosts.append(self.headers.get("Host", ""))
        route = _hops if self.path.startswith("/hops/") else ROUTES.get(self.path)
        try:
            if route is None:
                _send(self, 404, b"no such path", "text/plain")
            else:
                route(self)
        except OSError:
            pass  # the client stopped reading, as it should for the oversized and slow paths


class ImageServer(LocalServer):
    """``ROUTES`` served on 127.0.0.1 (over TLS when given a context) in a background thread;
    ``requests`` and ``hosts`` record the path and ``Host`` of every request."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(_Handler, tls=tls)
        self.requests: list[str] = []
        self.hosts: list[str] = []

    def forget(self) -> ImageServer:
        self.requests.clear()
        self.hosts.clear()
        return self


def owner(handler: BaseHTTPRequestHandler) -> ImageServer:
    server: ImageServer = served_by(handler)
    return server


def localhost_tls() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a self-signed certificate for ``localhost`` only, and a client context
    that trusts it."""
    return tls_contexts(issue("localhost", hosts=["localhost"], ca=True))
