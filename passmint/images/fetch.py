"""The bytes behind an image URL: ``data:`` URLs decoded here, http(s) URLs downloaded with limits.

A download checks every hop's host with ``kit.netguard`` and then connects to the very address
it checked (the URL's host name still goes out as ``Host`` and as the TLS server name, and the
certificate is verified for it), so a name that resolves to a public address when checked and to
a private one a moment later (DNS rebinding) cannot steer the connection elsewhere.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import ipaddress
from http import HTTPStatus
from urllib.parse import unquote_to_bytes

import httpx

from passmint import __version__
from passmint.images.errors import (
    ImageFetchFailed,
    ImageInvalid,
    ImageTooLarge,
    ImageUrlNotAllowed,
    describe_size,
    describe_url,
)
from passmint.kit import netguard
from passmint.kit.ids import is_ascii_digits
from passmint.kit.outbound import DEFAULT_PORTS, port_of, send_pinned
from passmint.kit.threads import in_thread

MAX_BYTES = 5 * 1024 * 1024
"""The most an image may weigh, downloaded or decoded from a ``data:`` URL."""
DATA_URL_OVERHEAD = 3
"""Characters per byte in the longest encoding of an image in a ``data:`` URL (every byte as ``%XX``)."""
DATA_URL_HEADER = 1024
"""Room for ``data:`` and a media type with its parameters."""
DECODE_CHUNK = 1 << 16
MAX_REDIRECTS = 3
MAX_PORT = 65535
MAX_HOST_LENGTH, MAX_LABEL_LENGTH = 253, 63
FETCH_TIMEOUT = 10.0
"""Seconds for a whole download: name lookups, every redirect, and the body."""

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
REQUEST_HEADERS = {
    "User-Agent": f"passmint/{__version__} (image fetcher)",
    "Accept": "image/png, image/jpeg;q=0.9, */*;q=0.1",
    "Accept-Encoding": "identity",
}
"""``identity`` so the size limit counts the bytes as they arrive."""


def is_data_url(url: str) -> bool:
    return url[:5].lower() == "data:"


async def load(
    client: httpx.AsyncClient,
    url: str,
    *,
    allow_private: bool,
    max_bytes: int = MAX_BYTES,
    time_limit: float = FETCH_TIMEOUT,
) -> bytes:
    """The bytes ``url`` stands for: decoded from a ``data:`` URL (in a worker thread, once its length
    is known to fit), or downloaded from http(s)."""
    if is_data_url(url):
        check_data_url_length(url, max_bytes=max_bytes)
        return await in_thread(read_data_url, url, max_bytes=max_bytes)
    return await fetch(client, url, allow_private=allow_private, max_bytes=max_bytes, time_limit=time_limit)


def check_data_url_length(url: str, *, max_bytes: int = MAX_BYTES) -> None:
    """Refuse a ``data:`` URL longer than any encoding of an image of ``max_bytes`` can be, before
    anything is decoded."""
    longest = DATA_URL_HEADER + DATA_URL_OVERHEAD * max_bytes
    if len(url) > longest:
        raise ImageTooLarge(
            f"is {len(url):,} characters long; a data: URL of an image of at most "
            f"{describe_size(max_bytes)} takes at most {longest:,}"
        )


def read_data_url(url: str, *, max_bytes: int = MAX_BYTES) -> bytes:
    """The payload of ``data:[<media type>][;base64],<data>``; the media type is not trusted.
    CPU-heavy for a large URL: call it in a worker thread (``load`` does)."""
    check_data_url_length(url, max_bytes=max_bytes)
    header, comma, payload = url[5:].partition(",")
    if not comma:
        raise ImageInvalid("has no comma between its media type and its data")
    data = _unquoted(payload)
    if header.rstrip().lower().endswith(";base64"):
        compact = b"".join(data.split())
        try:
            data = base64.b64decode(compact + b"=" * (-len(compact) % 4), validate=True)
        except binascii.Error as error:
            raise ImageInvalid("is not valid base64") from error
    if len(data) > max_bytes:
        raise ImageTooLarge(f"is larger than {describe_size(max_bytes)}")
    return data


def _unquoted(payload: str) -> bytes:
    """``unquote_to_bytes(payload)``, a slice at a time: it builds a list item per ``%XX``, which
    for a whole payload of them would take hundreds of bytes of memory per byte decoded."""
    decoded = bytearray()
    start = 0
    while start < len(payload):
        end = min(start + DECODE_CHUNK, len(payload))
        split = payload.rfind("%", max(start, end - 2), end)
        if split > start and end < len(payload):
            end = split  # a %XX cut in two goes whole into the next slice
        decoded += unquote_to_bytes(payload[start:end])
        start = end
    return bytes(decoded)


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    allow_private: bool,
    max_bytes: int = MAX_BYTES,
    time_limit: float = FETCH_TIMEOUT,
) -> bytes:
    """The body of ``url`` (http or https), following at most ``MAX_REDIRECTS`` redirects, each
    to a public address unless ``allow_private``, all within ``time_limit`` seconds."""
    try:
        target = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise ImageUrlNotAllowed(f"is not a valid URL ({error})") from error
    refusal = _refusal(target)
    if refusal is not None:
        raise ImageUrlNotAllowed(refusal)
    try:
        async with asyncio.timeout(time_limit):
            return await _follow(client, target, allow_private=allow_private, max_bytes=max_bytes)
    except TimeoutError as error:
        raise ImageFetchFailed(f"did not download within {time_limit:g} s") from error
    except httpx.TimeoutException as error:
        raise ImageFetchFailed("did not answer in time") from error
    except httpx.HTTPError as error:
        raise ImageFetchFailed(f"could not be downloaded ({_describe(error)})") from error
    except httpx.InvalidURL as error:
        raise ImageUrlNotAllowed(f"cannot be requested ({error})") from error


def _refusal(url: httpx.URL) -> str | None:
    """Why ``url`` may not be requested, as words that follow it; None when it may."""
    if url.scheme not in DEFAULT_PORTS:
        return "is not an http, https or data: URL"
    if url.userinfo:
        return "carries a user name or password, which image URLs may not"
    try:
        host = url.host  # decodes IDNA ("xn--") labels, refusing those that are not valid
    except UnicodeError:
        return "has a host name that is not a valid internationalized domain name"
    if not host:
        return "has no host"
    if not _is_host_name(url.raw_host) and not _is_ip_literal(host):
        return "has a host name that is not a valid domain name"
    if url.port is not None and not 1 <= url.port <= MAX_PORT:
        return f"names port {url.port}; a port is a number from 1 to {MAX_PORT}"
    return None


def _is_host_name(raw_host: bytes) -> bool:
    """Whether ``raw_host`` (ASCII, IDNA-encoded) is dot-separated labels of 1 to 63 characters."""
    labels = raw_host.removesuffix(b".").split(b".")
    return len(raw_host) <= MAX_HOST_LENGTH and all(0 < len(label) <= MAX_LABEL_LENGTH for label in labels)


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


async def _follow(
    client: httpx.AsyncClient, target: httpx.URL, *, allow_private: bool, max_bytes: int
) -> bytes:
    for hop in range(MAX_REDIRECTS + 1):
        addresses = await _addresses(target, allow_private=allow_private, redirected=hop > 0)
        response = await send_pinned(client, "GET", target, addresses, headers=REQUEST_HEADERS)
        try:
            if response.status_code in REDIRECT_STATUSES:
                target = _redirect_target(target, response)
                continue
            if response.status_code != 200:
                raise ImageFetchFailed(f"answered {_status(response)}")
            return await _read_body(response, max_bytes)
        finally:
            await response.aclose()
    raise ImageFetchFailed(f"redirects more than {MAX_REDIRECTS} times")


async def _addresses(target: httpx.URL, *, allow_private: bool, redirected: bool) -> list[str]:
    """The checked addresses of ``target``'s host."""
    via = f"redirects to {describe_url(str(target))}, which " if redirected else ""
    host = target.raw_host.decode("ascii")
    port = port_of(target)
    try:
        return await netguard.resolve_public(host, port, allow_private=allow_private)
    except netguard.AddressNotAllowed as error:
        raise ImageUrlNotAllowed(f"{via}is not allowed: {error.message}") from error
    except netguard.HostNotFound as error:
        raise ImageFetchFailed(f"{via}cannot be downloaded: {error.message}") from error


def _redirect_target(target: httpx.URL, response: httpx.Response) -> httpx.URL:
    location = response.headers.get("Location")
    if not location:
        raise ImageFetchFailed(f"answered {_status(response)} without a Location")
    try:
        following = target.join(location)
    except httpx.InvalidURL as error:
        raise ImageFetchFailed(f"redirects to an invalid URL ({error})") from error
    refusal = _refusal(following)
    if refusal is not None:
        raise ImageUrlNotAllowed(f"redirects to {describe_url(str(following))}, which {refusal}")
    return following


async def _read_body(response: httpx.Response, max_bytes: int) -> bytes:
    """The body as sent, refused as soon as it (or its announced length) passes ``max_bytes``."""
    too_large = ImageTooLarge(f"is larger than {describe_size(max_bytes)}")
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise ImageFetchFailed(f"was sent compressed ({encoding}) although passmint asked for it as is")
    announced = response.headers.get("Content-Length", "")
    if is_ascii_digits(announced) and int(announced) > max_bytes:
        raise too_large
    body = bytearray()
    async for chunk in response.aiter_bytes():  # identity only (checked above): the bytes as sent
        body += chunk
        if len(body) > max_bytes:
            raise too_large
    return bytes(body)


def _status(response: httpx.Response) -> str:
    try:
        phrase = response.reason_phrase or HTTPStatus(response.status_code).phrase
    except ValueError:
        phrase = ""
    return f"{response.status_code} {phrase}".rstrip()


def _describe(error: httpx.HTTPError) -> str:
    """What went wrong on the connection, in words."""
    reason = str(error) or type(error).__name__
    if isinstance(error, httpx.ConnectError):
        return f"the server could not be reached: {reason}"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"the server broke the HTTP protocol: {reason}"
    return reason
