"""A local stand-in for Apple's push service: HTTP/2 over TLS on 127.0.0.1, answers scripted per token.

Also runs as a process of its own, for benchmarks (``--help``): ``python -m tests.pushes.apns_standin
--port P --client-ca FILE --ready-file F`` writes ``{"url", "ca_file", "stats_url"}`` to F once it
listens; ``GET stats_url`` (HTTPS, no client certificate) answers ``{"pushes", "first_at", "last_at",
"tokens"}`` (``tokens``: ``token_digest`` of every device token pushed, to check which devices were)
(Unix times), and SIGTERM prints the same JSON on stdout before it exits.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import signal
import ssl
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings
import hpack
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.support.certs import issue

READ_SIZE = 8 * 1024
HIGH_WATER = 256 * 1024  # wait for the client to read once this much is unsent
_H2_CONFIG = h2.config.H2Configuration(
    client_side=False,
    header_encoding=None,
    validate_outbound_headers=False,
    validate_inbound_headers=False,
    normalize_outbound_headers=False,
    normalize_inbound_headers=False,
)
_PREFIX = b"/3/device/"


@dataclass(frozen=True)
class Recorded:
    """One request as the stand-in saw it."""

    method: str
    path: str
    token: str
    topic: str | None
    headers: dict[str, str]
    body: bytes
    client_uid: str | None


@dataclass
class _Script:
    status: int | None  # None: never answer
    reason: str | None
    remaining: int | None


@dataclass
class _Stream:
    headers: dict[bytes, bytes]
    body: bytearray = field(default_factory=bytearray)


class ApnsStandIn:
    """``async with ApnsStandIn(client_ca_pem) as apns:`` serves at ``apns.url``; trust ``apns.ca_file``.

    With ``client_ca_pem`` the TLS handshake requires a client certificate chaining to it, and each
    request's ``apns-topic`` must equal that certificate's UID; without it (token auth) a bearer
    ``authorization`` header is required instead. ``settings`` go in the first SETTINGS frame, e.g.
    ``{"max_concurrent_streams": 10}`` (h2 then refuses a client that opens more streams);
    ``record=False`` only counts requests.
    """

    def __init__(
        self, client_ca_pem: bytes | None, *, settings: dict[str, int] | None = None, record: bool = True
    ) -> None:
        self._client_ca = client_ca_pem
        self._settings = _setting_codes(settings or {})
        self._record = record
        self._scripts: dict[str, list[_Script]] = {}
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._conversations: dict[asyncio.StreamWriter, h2.connection.H2Connection] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._directory = tempfile.TemporaryDirectory(prefix="apns-standin-")
        hexed = uuid.uuid4().hex.upper()
        self._id_prefix = f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-".encode()
        self.requests: list[Recorded] = []
        self.received = 0  # requests, recorded or not
        self.tokens = 0  # token_digest of the tokens of those requests, as a number
        self.first_at: float | None = None  # Unix time of the first request, and of the last
        self.last_at: float | None = None
        self.resets = 0  # streams the client reset
        self.peak_streams = 0  # the most streams of one connection open at once
        self.accepted = 0  # TCP connections
        self.connections = 0  # TLS connections established
        self.refused = 0  # TLS handshakes that failed
        self.port = 0
        self._tls_context: ssl.SSLContext | None = None
        self._changed = asyncio.Condition()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def ca_file(self) -> str:
        return str(Path(self._directory.name) / "ca.pem")

    def respond(
        self, token: str, status: int, reason: str | None = None, *, times: int | None = None
    ) -> None:
        """Answer ``status`` (with ``{"reason": reason}``) to pushes for ``token``; after ``times``
        such answers, the next script for the token (or 200) applies."""
        self._scripts.setdefault(token, []).append(_Script(status, reason, times))

    def hold(self, token: str, *, times: int | None = None) -> None:
        """Never answer pushes for ``token`` (the first ``times`` of them): their streams stay open."""
        self._scripts.setdefault(token, []).append(_Script(None, None, times))

    def go_away(self, reason: str = "Shutdown") -> None:
        """Send GOAWAY with Apple's ``{"reason": ...}`` on every open connection; open streams stay
        unanswered."""
        data = json.dumps({"reason": reason}).encode()
        for writer, connection in list(self._conversations.items()):
            connection.close_connection(additional_data=data)
            writer.write(connection.data_to_send())

    def change_settings(self, **settings: int) -> None:
        """Send SETTINGS (``max_concurrent_streams=...``, ``initial_window_size=...``) on every open
        connection, as APNs raises its stream limit once a connection has proved itself."""
        for writer, connection in list(self._conversations.items()):
            connection.update_settings(_setting_codes(settings))
            writer.write(connection.data_to_send())

    def stats(self) -> dict[str, float | int | None]:
        return {
            "pushes": self.received,
            "first_at": self.first_at,
            "last_at": self.last_at,
            "tokens": f"{self.tokens:032x}",
        }

    async def __aenter__(self) -> ApnsStandIn:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()
        self.close()

    async def start(self, port: int = 0) -> None:
        self._tls_context = self._tls_context or self._tls()
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def refusals(self, at_least: int = 1) -> int:
        """The number of refused handshakes, once it reaches ``at_least``: the server may see a refusal
        only after the client has given up. Raises TimeoutError after two seconds."""
        async with asyncio.timeout(2), self._changed:
            await self._changed.wait_for(lambda: self.refused >= at_least)
        return self.refused

    async def stop(self) -> None:
        """Stop listening and drop every open connection."""
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):
                writer.transport.abort()  # no TLS goodbye: an idle client would not read it
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._server.wait_closed()
            self._server = None

    def close(self) -> None:
        self._directory.cleanup()

    def _tls(self) -> ssl.SSLContext:
        directory = Path(self._directory.name)
        ca_pem, chain_pem = _server_certificates()
        (directory / "ca.pem").write_bytes(ca_pem)
        (directory / "server.pem").write_bytes(chain_pem)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(directory / "server.pem")
        context.set_alpn_protocols(["h2"])
        if self._client_ca is not None:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(cadata=self._client_ca.decode())
        return context

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        self.accepted += 1
        try:
            assert self._tls_context is not None
            try:
                await writer.start_tls(self._tls_context)
            except (ssl.SSLError, ConnectionError):
                async with self._changed:
                    self.refused += 1
                    self._changed.notify_all()
                return
            self.connections += 1
            await self._converse(reader, writer, _client_uid(writer))
        except (ConnectionError, ssl.SSLError, h2.exceptions.ProtocolError):
            pass
        finally:
            self._conversations.pop(writer, None)
            self._writers.discard(writer)
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError, ssl.SSLError, TimeoutError):
                await writer.wait_closed()

    async def _converse(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, client_uid: str | None
    ) -> None:
        connection = _H2Connection()
        if self._settings:
            connection.local_settings = h2.settings.Settings(client=False, initial_values=self._settings)
        connection.initiate_connection()
        writer.write(connection.data_to_send())
        self._conversations[writer] = connection
        streams: dict[int, _Stream] = {}  # until their request is complete
        held: set[int] = set()  # complete and never to be answered
        while data := await reader.read(READ_SIZE):
            complete: dict[int, _Stream] = {}  # to answer once the data read is handled
            for event in connection.receive_data(data):
                if isinstance(event, h2.events.RequestReceived) and event.stream_id is not None:
                    streams[event.stream_id] = _Stream(dict(event.headers or ()))  # type: ignore[arg-type]
                elif isinstance(event, h2.events.DataReceived) and event.stream_id is not None:
                    streams[event.stream_id].body += event.data or b""
                    connection.acknowledge_received_data(event.flow_controlled_length or 0, event.stream_id)
                elif isinstance(event, h2.events.StreamEnded) and event.stream_id is not None:
                    complete[event.stream_id] = streams.pop(event.stream_id)
                elif isinstance(event, h2.events.StreamReset) and event.stream_id is not None:
                    stream_id = event.stream_id
                    if streams.pop(stream_id, None) or complete.pop(stream_id, None) or stream_id in held:
                        connection.closed += 1  # not answered: still open until now
                    held.discard(stream_id)
                    self.resets += 1
                elif isinstance(event, h2.events.ConnectionTerminated):
                    writer.write(connection.data_to_send())
                    return
            self.peak_streams = max(self.peak_streams, len(streams) + len(complete) + len(held))
            for stream_id, stream in complete.items():
                status, reason = self._answer(stream, client_uid)
                if status is None:
                    held.add(stream_id)
                else:
                    self._send(connection, stream_id, status, reason, stream.headers.get(b"apns-id"))
                    connection.closed += 1
            writer.write(connection.data_to_send())
            if writer.transport.get_write_buffer_size() > HIGH_WATER:
                await writer.drain()

    def _answer(self, stream: _Stream, client_uid: str | None) -> tuple[int | None, str | None]:
        headers = stream.headers
        path = headers.get(b":path", b"")
        token = path[len(_PREFIX) :].decode() if path.startswith(_PREFIX) else ""
        topic = headers.get(b"apns-topic")
        self.received += 1
        self.tokens ^= _token_number(token)
        self.last_at = time.time()
        self.first_at = self.first_at or self.last_at
        if self._record:
            texts = {name.decode(): value.decode() for name, value in headers.items()}
            self.requests.append(
                Recorded(texts.get(":method", ""), path.decode(), token, texts.get("apns-topic"), texts,
                         bytes(stream.body), client_uid)
            )  # fmt: skip
        if headers.get(b":method") != b"POST":
            return 400, "MethodNotAllowed"
        if not token or "/" in token:
            return 400, "BadPath"
        if topic is None:
            return 400, "MissingTopic"
        if client_uid is not None and topic.decode() != client_uid:
            return 400, "TopicDisallowed"
        if client_uid is None and not headers.get(b"authorization", b"").startswith(b"bearer "):
            return 403, "MissingProviderToken"
        if stream.body != b"{}" and not _empty_object(bytes(stream.body)):
            return 400, "BadPayload"
        return self._scripted(token)

    def _scripted(self, token: str) -> tuple[int | None, str | None]:
        scripts = self._scripts.get(token)
        while scripts:
            script = scripts[0]
            if script.remaining is None:
                return script.status, script.reason
            if script.remaining > 0:
                script.remaining -= 1
                return script.status, script.reason
            scripts.pop(0)
        return 200, None

    def _send(
        self,
        connection: _H2Connection,
        stream_id: int,
        status: int,
        reason: str | None,
        sent_id: bytes | None,
    ) -> None:
        # As Apple does: the request's own apns-id echoed, else a new canonical UUID.
        apns_id = sent_id or b"%s%012X" % (self._id_prefix, self.received)
        headers = [(b":status", b"%d" % status), hpack.NeverIndexedHeaderTuple(b"apns-id", apns_id)]
        if reason is None:
            connection.send_headers(stream_id, headers, end_stream=True)
            return
        body = json.dumps({"reason": reason}).encode()
        headers += [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        connection.send_headers(stream_id, headers)
        connection.send_data(stream_id, body, end_stream=True)


class _H2Connection(h2.connection.H2Connection):
    """A server connection that counts its open streams cheaply (h2 walks all of them for each new one):
    the streams requested (odd ids up to the highest) less those ``closed`` (answered or reset, counted
    by the stand-in). h2's walk still runs when that count reaches the limit (a client that skips ids
    makes it too high) and now and then to forget closed streams."""

    def __init__(self) -> None:
        super().__init__(_H2_CONFIG)
        self.encoder = _Encoder()
        self.closed = 0
        self._forget_at = 128

    @property
    def open_inbound_streams(self) -> int:
        count = (self.highest_inbound_stream_id + 1) // 2 - self.closed
        if count >= self.local_settings.max_concurrent_streams or len(self.streams) >= self._forget_at:
            count = super().open_inbound_streams
            self._forget_at = 2 * len(self.streams) + 128
        return count


class _Encoder(hpack.Encoder):
    """No Huffman coding: in Python it costs more than the bytes it saves."""

    def encode(self, headers: Any, huffman: bool = False) -> bytes:
        return super().encode(headers, huffman=False)


def token_digest(tokens: Iterable[str], start: str = "0") -> str:
    """An order-free digest of device tokens (with ``start``, an earlier digest): with the count of
    pushes, it tells whether exactly these devices were pushed."""
    number = int(start, 16)
    for token in tokens:
        number ^= _token_number(token)
    return f"{number:032x}"


def _token_number(token: str) -> int:
    return int.from_bytes(hashlib.sha256(token.encode()).digest()[:16], "big")


def _setting_codes(settings: dict[str, int]) -> dict[h2.settings.SettingCodes | int, int]:
    return {h2.settings.SettingCodes[name.upper()]: value for name, value in settings.items()}


def _empty_object(body: bytes) -> bool:
    try:
        return json.loads(body) == {}
    except ValueError:
        return False


def _client_uid(writer: asyncio.StreamWriter) -> str | None:
    tls = writer.get_extra_info("ssl_object")
    der = tls.getpeercert(binary_form=True) if tls is not None else None
    if not der:
        return None
    values = x509.load_der_x509_certificate(der).subject.get_attributes_for_oid(NameOID.USER_ID)
    return str(values[0].value) if values else None


def _server_certificates() -> tuple[bytes, bytes]:
    """A fresh test CA (PEM) and a localhost/127.0.0.1 certificate it issued, with its key (PEM)."""
    ca = issue("APNs stand-in test CA", ca=True)
    server = [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False),
    ]
    leaf = issue("localhost", issuer=ca, hosts=["localhost", "127.0.0.1"], extensions=server)
    return ca.pem(), leaf.pem() + leaf.key_pem()


async def _stats_server(standin: ApnsStandIn) -> asyncio.Server:
    """HTTPS/1.1 without a client certificate: any request gets ``standin.stats()`` as JSON."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(Path(standin.ca_file).with_name("server.pem"))

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, ssl.SSLError, asyncio.IncompleteReadError):
            await reader.readuntil(b"\r\n\r\n")
            body = json.dumps(standin.stats()).encode()
            head = f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
            writer.write(head.encode() + b"connection: close\r\n\r\n" + body)
            await writer.drain()
        writer.close()

    return await asyncio.start_server(answer, "127.0.0.1", 0, ssl=context)


async def _main(port: int, client_ca: Path | None, ready_file: Path, max_streams: int | None) -> None:
    ca_pem = client_ca.read_bytes() if client_ca else None  # noqa: ASYNC240 - before serving
    standin = ApnsStandIn(ca_pem, settings={"max_concurrent_streams": max_streams}, record=False)
    await standin.start(port)
    try:
        stats = await _stats_server(standin)
        stats_url = f"https://127.0.0.1:{stats.sockets[0].getsockname()[1]}/stats"
        ready = {"url": standin.url, "ca_file": standin.ca_file, "stats_url": stats_url}
        ready_file.with_suffix(".tmp").write_text(json.dumps(ready))
        os.replace(ready_file.with_suffix(".tmp"), ready_file)
        stopping = asyncio.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            asyncio.get_running_loop().add_signal_handler(signum, stopping.set)
        await stopping.wait()
        print(json.dumps(standin.stats()), flush=True)
        stats.close()
    finally:
        await standin.stop()
        standin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="The APNs stand-in as a process of its own.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--client-ca", type=Path, help="CA (PEM) of client certificates; none: token auth")
    parser.add_argument("--ready-file", type=Path, required=True)
    parser.add_argument("--max-streams", type=int, default=1000, help="as Apple")
    arguments = parser.parse_args()
    asyncio.run(_main(arguments.port, arguments.client_ca, arguments.ready_file, arguments.max_streams))
