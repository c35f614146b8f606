"""Local HTTP(S) servers for tests: one threaded server on 127.0.0.1, and free ports."""

from __future__ import annotations

import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self


class LocalServer:
    """Serves ``handler`` on 127.0.0.1 (``port``, or any free one; over TLS when given a context) in
    background threads while in a ``with`` block. ``stopping`` is set as it stops, so a handler that
    waits can give up; a handler finds this object with ``served_by``."""

    host = "127.0.0.1"
    """The host ``url`` names by default."""

    def __init__(
        self, handler: type[QuietHandler], port: int = 0, *, tls: ssl.SSLContext | None = None
    ) -> None:
        self.stopping = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self  # type: ignore[attr-defined]
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.scheme = "https" if tls is not None else "http"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05})

    def url(self, path: str = "", host: str | None = None) -> str:
        return f"{self.scheme}://{host or self.host}:{self.port}{path}"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that logs nothing."""

    def log_message(self, format: str, *args: object) -> None:
        pass


def served_by(handler: BaseHTTPRequestHandler) -> Any:
    """The ``LocalServer`` (or subclass) a request arrived at."""
    return handler.server.owner  # type: ignore[attr-defined]


def free_port() -> int:
    """A port nothing listens on now (for a server that is down, or one a process is to start)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
