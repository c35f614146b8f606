"""A local stand-in for Apple's push service: HTTP/2 over TLS on 127.0.0.1, answers scripted per token."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import ssl
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import h2.config
import h2.connection
import h2.events
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


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
    status: int
    reason: str | None
    remaining: int | None


@dataclass
class _Stream:
    headers: dict[str, str]
    body: bytearray = field(default_factory=bytearray)


class ApnsStandIn:
    """``async with ApnsStandIn(client_ca_pem) as apns:`` serves at ``apns.url``; trust ``apns.ca_file``.

    With ``client_ca_pem`` the TLS handshake requires a client certificate chaining to it, and each
    request's ``apns-topic`` must equal that certificate's UID; without it (token auth) a bearer
    ``authorization`` header is required instead.
    """

    def __init__(self, client_ca_pem: bytes | None) -> None:
        self._client_ca = client_ca_pem
        self._scripts: dict[str, list[_Script]] = {}
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._directory = tempfile.TemporaryDirectory(prefix="apns-standin-")
        self.requests: list[Recorded] = []
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

    async def __aenter__(self) -> ApnsStandIn:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()
        self.close()

    async def start(self, port: int = 0) -> None:
        self._tls_context = self._tls()
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
        except (ConnectionError, ssl.SSLError):
            pass
        finally:
            self._writers.discard(writer)
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError, ssl.SSLError, TimeoutError):
                await writer.wait_closed()

    async def _converse(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, client_uid: str | None
    ) -> None:
        connection = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
        connection.initiate_connection()
        writer.write(connection.data_to_send())
        streams: dict[int, _Stream] = {}
        while data := await reader.read(65536):
            for event in connection.receive_data(data):
                if isinstance(event, h2.events.RequestReceived) and event.stream_id is not None:
                    pairs = event.headers or []
                    streams[event.stream_id] = _Stream({_text(k): _text(v) for k, v in pairs})
                elif isinstance(event, h2.events.DataReceived) and event.stream_id is not None:
                    streams[event.stream_id].body.extend(event.data or b"")
                    size = event.flow_controlled_length or 0
                    connection.acknowledge_received_data(size, event.stream_id)
                elif isinstance(event, h2.events.StreamEnded) and event.stream_id is not None:
                    stream = streams.pop(event.stream_id)
                    status, reason = self._answer(stream, client_uid)
                    _send(connection, event.stream_id, status, reason)
                elif isinstance(event, h2.events.ConnectionTerminated):
                    writer.write(connection.data_to_send())
                    return
            writer.write(connection.data_to_send())
            await writer.drain()

    def _answer(self, stream: _Stream, client_uid: str | None) -> tuple[int, str | None]:
        headers = stream.headers
        path = headers.get(":path", "")
        token = path.removeprefix("/3/device/") if path.startswith("/3/device/") else ""
        topic = headers.get("apns-topic")
        body = bytes(stream.body)
        self.requests.append(
            Recorded(headers.get(":method", ""), path, token, topic, headers, body, client_uid)
        )
        if headers.get(":method") != "POST":
            return 400, "MethodNotAllowed"
        if not token or "/" in token:
            return 400, "BadPath"
        if topic is None:
            return 400, "MissingTopic"
        if client_uid is not None and topic != client_uid:
            return 400, "TopicDisallowed"
        if client_uid is None and not headers.get("authorization", "").startswith("bearer "):
            return 403, "MissingProviderToken"
        try:
            payload = json.loads(body)
        except ValueError:
            return 400, "BadPayload"
        if payload != {}:
            return 400, "BadPayload"
        return self._scripted(token)

    def _scripted(self, token: str) -> tuple[int, str | None]:
        scripts = self._scripts.get(token, [])
        while scripts:
            script = scripts[0]
            if script.remaining is None:
                return script.status, script.reason
            if script.remaining > 0:
                script.remaining -= 1
                return script.status, script.reason
            scripts.pop(0)
        return 200, None


def _send(connection: h2.connection.H2Connection, stream_id: int, status: int, reason: str | None) -> None:
    headers = [(":status", str(status)), ("apns-id", str(uuid.uuid4()).upper())]
    if reason is None:
        connection.send_headers(stream_id, headers, end_stream=True)
        return
    body = json.dumps({"reason": reason}).encode()
    headers.append(("content-type", "application/json"))
    headers.append(("content-length", str(len(body))))
    connection.send_headers(stream_id, headers)
    connection.send_data(stream_id, body, end_stream=True)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _client_uid(writer: asyncio.StreamWriter) -> str | None:
    tls = writer.get_extra_info("ssl_object")
    der = tls.getpeercert(binary_form=True) if tls is not None else None
    if not der:
        return None
    values = x509.load_der_x509_certificate(der).subject.get_attributes_for_oid(NameOID.USER_ID)
    return str(values[0].value) if values else None


def _server_certificates() -> tuple[bytes, bytes]:
    """A fresh test CA (PEM) and a localhost/127.0.0.1 certificate it issued, with its key (PEM)."""
    now = datetime.now(UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "APNs stand-in test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    key_pem = key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return ca.public_bytes(pem), leaf.public_bytes(pem) + key_pem
