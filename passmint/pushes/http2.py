"""A small HTTP/2 client for many tiny requests on one long-lived TLS connection (APNs), on ``h2``.

A general-purpose client such as httpx spends most of a tiny request in its per-request machinery
(connection-pool scans, locks, several awaits per frame). Here a request costs one stream slot, one
batched write and one future that the connection's reader task resolves.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
from collections import deque
from typing import Any

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions
import h2.settings
import hpack

READ_SIZE = 16 * 1024
"""The reader lets the requests its answers woke send again after this much: client and server then
work at the same time instead of taking turns with whole batches."""
CLOSE_TIMEOUT = 2.0
"""How long ``close`` waits for the server to answer the TLS goodbye before dropping the socket."""
TRANSPORT_ERRORS = (OSError, EOFError, h2.exceptions.H2Error)
"""Connection, TLS and protocol failures (TimeoutError is an OSError)."""
_CONFIG = h2.config.H2Configuration(
    client_side=True,
    header_encoding=None,
    validate_outbound_headers=False,
    validate_inbound_headers=False,
    normalize_outbound_headers=False,
    normalize_inbound_headers=False,
)
_SETTINGS = {h2.settings.SettingCodes.ENABLE_PUSH: 0}

Headers = list[tuple[bytes, bytes]]


class StreamIdsExhausted(Exception):
    """The connection has used all its stream ids: send on a new one."""


class Answer:
    """The server's answer on one stream, filled in by the reader; ``done`` resolves when it is complete.
    ``failure`` names why no answer came (the connection ended, GOAWAY's reason, the stream was reset)."""

    __slots__ = ("body", "done", "failure", "headers", "status")

    def __init__(self, done: asyncio.Future[None]) -> None:
        self.done = done
        self.status = 0
        self.headers: Headers = []
        self.body = b""
        self.failure: str | None = None

    def finish(self, failure: str | None = None) -> None:
        if not self.done.done():  # a request that gave up has a cancelled future
            self.failure = failure
            self.done.set_result(None)


class Connection:
    """One HTTP/2 connection over TLS. ``request`` opens a stream once a slot is free (the server's
    SETTINGS_MAX_CONCURRENT_STREAMS; none before its first SETTINGS) and waits for the reader task,
    which turns the server's frames into answers. The writes of one loop iteration go out together."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._loop = asyncio.get_running_loop()
        self._answers: dict[int, Answer] = {}
        self._h2 = _H2Connection(self._answers)
        self._blocked: deque[tuple[int, bytes]] = deque()  # bodies waiting for the flow-control window
        self._waiters: deque[asyncio.Future[bool]] = deque()
        self._active = 0  # slots taken, by open streams and by requests about to open one
        self._limit = 0
        self._failure: str | None = None
        self._retired = False
        self._flush_scheduled = False
        self._h2.local_settings = h2.settings.Settings(client=True, initial_values=_SETTINGS)
        self._h2.initiate_connection()
        self._flush()
        self._reading = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, host: str, port: int, context: ssl.SSLContext) -> Connection:
        """Connect, complete the TLS handshake and check that the server agreed to speak HTTP/2."""
        reader, writer = await asyncio.open_connection(host, port, ssl=context, server_hostname=host)
        tls = writer.get_extra_info("ssl_object")
        if tls is None or tls.selected_alpn_protocol() != "h2":
            writer.close()
            raise ConnectionError("the server did not agree to HTTP/2 (ALPN h2)")
        return cls(reader, writer)

    @property
    def usable(self) -> bool:
        """Whether new requests may use this connection."""
        return self._failure is None and not self._retired

    async def request(self, headers: Headers, body: bytes) -> Answer:
        """Send ``headers`` (pseudo-headers first) and ``body`` on a new stream; wait for the answer.
        Raises StreamIdsExhausted when the connection has no stream id left."""
        answer = Answer(self._loop.create_future())
        if not await self._acquire():
            answer.finish(self._failure or "ConnectionClosed")
            return answer
        try:
            if self._failure is not None:
                answer.finish(self._failure)
                return answer
            stream_id = self._open_stream(headers)
            self._answers[stream_id] = answer
            self._send_body(stream_id, body)
            self._flush_soon()
            try:
                await answer.done
            except asyncio.CancelledError:
                self._cancel(stream_id)
                raise
            return answer
        finally:
            self._release()

    async def close(self) -> None:
        """Say goodbye (GOAWAY), close the socket and wait for the reader; waiting requests fail."""
        self._shutdown()
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT):
                await self._reading
                await self._writer.wait_closed()
        except (TimeoutError, OSError):
            self._writer.transport.abort()
            self._reading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reading

    async def _acquire(self) -> bool:
        """Take a stream slot, waiting for one if need be; False when the connection failed meanwhile."""
        if self._failure is not None:
            return False
        if self._active < self._limit and not self._waiters:
            self._active += 1
            return True
        waiter: asyncio.Future[bool] = self._loop.create_future()
        self._waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.cancelled():
                self._waiters.remove(waiter)
            elif waiter.result():  # the slot was handed over as the wait was cancelled
                self._release()
            raise

    def _release(self) -> None:
        self._active -= 1
        if self._waiters:
            self._wake()
        elif self._retired and self._active == 0:
            self._shutdown()

    def _wake(self) -> None:
        """Hand free slots to waiting requests, first come first served."""
        while self._waiters and self._active < self._limit:
            waiter = self._waiters.popleft()
            if not waiter.done():
                self._active += 1
                waiter.set_result(True)

    def _open_stream(self, headers: Headers) -> int:
        try:
            stream_id = self._h2.get_next_available_stream_id()
        except h2.exceptions.NoAvailableStreamIDError:
            self._retired = True
            raise StreamIdsExhausted from None
        self._h2.send_headers(stream_id, headers)
        return stream_id

    def _send_body(self, stream_id: int, body: bytes) -> None:
        if self._blocked or self._h2.local_flow_control_window(stream_id) < len(body):
            self._blocked.append((stream_id, body))
        else:
            self._h2.send_data(stream_id, body, end_stream=True)

    def _unblock(self) -> None:
        """Send the bodies that waited for the server to open its flow-control window."""
        while self._blocked:
            stream_id, body = self._blocked[0]
            if stream_id in self._answers:
                if self._h2.local_flow_control_window(stream_id) < len(body):
                    return
                self._h2.send_data(stream_id, body, end_stream=True)
            self._blocked.popleft()

    def _cancel(self, stream_id: int) -> None:
        """The request gave up (timeout, cancellation): reset its stream so the server can forget it."""
        if self._answers.pop(stream_id, None) is not None and self._failure is None:
            with contextlib.suppress(h2.exceptions.H2Error):
                self._h2.reset_stream(stream_id, h2.errors.ErrorCodes.CANCEL)
            self._flush_soon()

    async def _read(self) -> None:
        """Feed the server's bytes to h2 until the connection ends, then fail what is still waiting."""
        failure = "ConnectionClosed"
        try:
            while self._failure is None and (data := await self._reader.read(READ_SIZE)):
                self._receive(data)
                if len(data) == READ_SIZE:  # more is probably buffered: read returns it without yielding
                    await asyncio.sleep(0)
        except TRANSPORT_ERRORS as error:
            failure = type(error).__name__
        finally:
            self._fail(failure)

    def _receive(self, data: bytes) -> None:
        for event in self._h2.receive_data(data):
            if isinstance(event, h2.events.ResponseReceived):
                self._answered(event)
            elif isinstance(event, h2.events.DataReceived):
                self._data(event)
            elif isinstance(event, h2.events.StreamEnded):
                if (answer := self._answers.pop(event.stream_id or 0, None)) is not None:
                    answer.finish()
            elif isinstance(event, h2.events.StreamReset):
                if (answer := self._answers.pop(event.stream_id or 0, None)) is not None:
                    answer.finish("StreamReset")
            elif isinstance(event, h2.events.WindowUpdated):
                self._unblock()
            elif isinstance(event, h2.events.RemoteSettingsChanged):
                self._limit = self._h2.remote_settings.max_concurrent_streams  # h2 has applied them
                self._wake()
                self._unblock()  # INITIAL_WINDOW_SIZE may have grown
            elif isinstance(event, h2.events.ConnectionTerminated):
                self._fail(_goaway_reason(event.additional_data))
                return
        self._flush()

    def _answered(self, event: h2.events.ResponseReceived) -> None:
        if (answer := self._answers.get(event.stream_id or 0)) is not None:
            answer.headers = event.headers or []  # bytes: header_encoding=None
            for name, value in answer.headers:
                if name == b":status":
                    answer.status = int(value)
                    break

    def _data(self, event: h2.events.DataReceived) -> None:
        stream_id = event.stream_id or 0
        if (answer := self._answers.get(stream_id)) is not None:
            answer.body += event.data or b""
        self._h2.acknowledge_received_data(event.flow_controlled_length or 0, stream_id)

    def _fail(self, failure: str) -> None:
        """The connection is over: every waiting request ends with ``failure``."""
        if self._failure is not None:
            return
        self._failure = failure
        answers = list(self._answers.values())
        self._answers.clear()
        for answer in answers:
            answer.finish(failure)
        self._blocked.clear()
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(False)
        self._flush()  # h2's GOAWAY after a protocol error
        self._writer.close()

    def _shutdown(self) -> None:
        """Send GOAWAY and close the socket; the reader then sees the end and fails what is left."""
        if self._failure is None:
            with contextlib.suppress(h2.exceptions.H2Error):
                self._h2.close_connection()
            self._flush()
        self._writer.close()

    def _flush_soon(self) -> None:
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self._loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        if data := self._h2.data_to_send():
            self._writer.write(data)


class _H2Connection(h2.connection.H2Connection):
    """h2 tuned for many small requests. h2 counts the open streams before opening one by walking all of
    them (dropping the closed ones as it goes): at a thousand concurrent streams that walk costs more than
    the rest of the request. ``Connection`` never opens more than the server allows, so the count is its
    own; the walk runs only to forget closed streams, once h2 holds twice as many as after the last one."""

    def __init__(self, answers: dict[int, Answer]) -> None:
        super().__init__(_CONFIG)
        self.encoder = _Encoder()
        self._open_answers = answers
        self._forget_at = 128

    @property
    def open_outbound_streams(self) -> int:
        if len(self.streams) >= self._forget_at:
            count = super().open_outbound_streams
            self._forget_at = 2 * len(self.streams) + 128
            return count
        return len(self._open_answers)


class _Encoder(hpack.Encoder):
    """HPACK that remembers each header's encoding while the dynamic table stays as it is: the headers of
    a push repeat (an index into the table once added) but for the device token's path, which is a
    NeverIndexedHeaderTuple. No Huffman coding: in Python it costs more than the bytes it saves."""

    def __init__(self) -> None:
        super().__init__()
        self._encoded: dict[tuple[bytes, bytes], bytes] = {}

    def encode(self, headers: Any, huffman: bool = False) -> bytes:
        encoded = self._encoded
        if self.header_table.resized:  # the block must start with a table size update: hpack writes it
            encoded.clear()
            return super().encode(headers, huffman=False)
        block = []
        for header in headers:
            if isinstance(header, hpack.NeverIndexedHeaderTuple):
                block.append(self.add(header, True))
            elif (part := encoded.get(header)) is not None:
                block.append(part)
            else:
                part = self.add(header, False)
                if part[0] & 0x80:  # an index: the table is unchanged
                    encoded[header] = part
                else:  # added to the table, which moves the indices remembered so far
                    encoded.clear()
                block.append(part)
        return b"".join(block)


def _goaway_reason(data: bytes | None) -> str:
    """Apple's GOAWAY carries ``{"reason": ...}``; the reason, else "GoAway"."""
    try:
        reason = json.loads(data or b"").get("reason")
    except (ValueError, AttributeError):
        return "GoAway"
    return reason if isinstance(reason, str) else "GoAway"
