"""Downloading image URLs: limits, redirects, the address check on every hop, data: URLs."""

from __future__ import annotations

import asyncio
import base64
import socket
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote_from_bytes, unquote_to_bytes

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from passmint.images import fetch
from passmint.images.errors import ImageFetchFailed, ImageInvalid, ImageTooLarge, ImageUrlNotAllowed
from tests.images import HUGE, PNG, ImageServer, localhost_tls

PAIR = ["127.0.0.2", "127.0.0.1"]
"""Nothing listens on 127.0.0.2: its connection is refused, then 127.0.0.1 answers."""


async def download(client: httpx.AsyncClient, url: str, **options: object) -> bytes:
    return await fetch.fetch(client, url, allow_private=True, **options)  # type: ignore[arg-type]


class TestDownload:
    async def test_the_body_comes_back_as_sent(self, client: httpx.AsyncClient, server: ImageServer) -> None:
        assert await download(client, server.url("/logo.png")) == PNG
        assert server.requests == ["/logo.png"]

    async def test_the_limit_is_inclusive(self, client: httpx.AsyncClient, server: ImageServer) -> None:
        assert await download(client, server.url("/logo.png"), max_bytes=len(PNG)) == PNG
        with pytest.raises(ImageTooLarge, match=f"larger than {len(PNG) - 1} bytes"):
            await download(client, server.url("/logo.png"), max_bytes=len(PNG) - 1)

    async def test_an_announced_oversize_body_is_refused(
        self, client: httpx.AsyncClient, server: ImageServer
    ) -> None:
        with pytest.raises(ImageTooLarge, match="larger than 5 MiB"):
            await download(client, server.url("/huge.png"))

    async def test_an_announced_oversize_body_is_not_read(self) -> None:
        class Unread(httpx.AsyncByteStream):
            async def __aiter__(self) -> AsyncIterator[bytes]:
                raise AssertionError("the body was read")
                yield b""

        def answer(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, headers={"Content-Length": str(HUGE)}, stream=Unread())

        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
            with pytest.raises(ImageTooLarge):
                await download(client, "http://127.0.0.1/huge.png")

    async def test_a_body_without_length_is_cut_off_at_the_limit(
        self, client: httpx.AsyncClient, server: ImageServer
    ) -> None:
        with pytest.raises(ImageTooLarge, match="larger than 5 MiB"):
            await download(client, server.url("/huge-unsized.png"))
        assert await download(client, server.url("/huge-unsized.png"), max_bytes=2 * HUGE) != b""

    async def test_a_compressed_body_is_refused(self, client: httpx.AsyncClient, server: ImageServer) -> None:
        with pytest.raises(ImageFetchFailed, match="compressed"):
            await download(client, server.url("/gzipped.png"))

    @pytest.mark.parametrize("path", ["/slow.png", "/trickle.png"])
    async def test_the_whole_download_has_a_time_limit(
        self, client: httpx.AsyncClient, server: ImageServer, path: str
    ) -> None:
        started = time.monotonic()
        with pytest.raises(ImageFetchFailed, match=r"did not download within 0\.3 s"):
            await download(client, server.url(path), time_limit=0.3)
        assert time.monotonic() - started < 2

    @pytest.mark.parametrize(("path", "status"), [("/missing.png", "404 Not Found"), ("/broken.png", "500")])
    async def test_an_error_status_is_named(
        self, client: httpx.AsyncClient, server: ImageServer, path: str, status: str
    ) -> None:
        with pytest.raises(ImageFetchFailed, match=f"answered {status}"):
            await download(client, server.url(path))

    async def test_a_closed_port_is_a_failed_fetch(self, client: httpx.AsyncClient) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with pytest.raises(ImageFetchFailed, match="could not be reached"):
            await download(client, f"http://127.0.0.1:{port}/logo.png")


class TestRedirects:
    async def test_a_redirect_is_followed(self, client: httpx.AsyncClient, server: ImageServer) -> None:
        assert await download(client, server.url("/moved.png")) == PNG
        assert server.requests == ["/moved.png", "/logo.png"]

    async def test_three_redirects_are_followed(self, client: httpx.AsyncClient, server: ImageServer) -> None:
        assert await download(client, server.url("/hops/3")) == PNG

    async def test_a_fourth_is_refused(self, client: httpx.AsyncClient, server: ImageServer) -> None:
        with pytest.raises(ImageFetchFailed, match="redirects more than 3 times"):
            await download(client, server.url("/hops/4"))
        assert server.requests == ["/hops/4", "/hops/3", "/hops/2", "/hops/1"]

    async def test_a_redirect_to_another_scheme_is_refused(
        self, client: httpx.AsyncClient, server: ImageServer
    ) -> None:
        with pytest.raises(
            ImageUrlNotAllowed, match=r"redirects to ftp://127\.0\.0\.1/logo\.png, which is not"
        ):
            await download(client, server.url("/to-ftp.png"))

    async def test_a_redirect_needs_a_location(self, client: httpx.AsyncClient, server: ImageServer) -> None:
        with pytest.raises(ImageFetchFailed, match="302 Found without a Location"):
            await download(client, server.url("/no-location.png"))


class TestPrivateNetworks:
    @pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
    async def test_loopback_is_refused_before_any_request(
        self, client: httpx.AsyncClient, server: ImageServer, host: str
    ) -> None:
        with pytest.raises(ImageUrlNotAllowed, match=r"127\.0\.0\.1.* is not a public internet address"):
            await fetch.fetch(client, server.url("/logo.png", host=host), allow_private=False)
        assert server.requests == []

    @pytest.mark.parametrize(
        "location",
        [
            "http://127.0.0.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::1]:8080/",
            "http://10.1.2.3/logo.png",
        ],
    )
    async def test_a_public_url_redirecting_inside_is_refused(self, location: str) -> None:
        seen: list[httpx.URL] = []

        def answer(request: httpx.Request) -> httpx.Response:
            seen.append(request.url)
            return httpx.Response(302, headers={"Location": location})

        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
            with pytest.raises(ImageUrlNotAllowed, match=r"redirects to .*, which is not allowed"):
                await fetch.fetch(client, "http://93.184.216.34/logo.png", allow_private=False)
        assert [str(url) for url in seen] == ["http://93.184.216.34/logo.png"]

    async def test_the_checked_address_is_the_one_connected_to(self) -> None:
        seen: list[httpx.Request] = []

        def answer(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return httpx.Response(200, content=PNG)

        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
            assert await download(client, "http://localhost:8080/logo.png?v=2") == PNG
        [request] = seen
        assert str(request.url) == "http://127.0.0.1:8080/logo.png?v=2"
        assert request.headers["Host"] == "localhost:8080"
        assert request.extensions["sni_hostname"] == "localhost"

    async def test_the_next_address_is_tried_when_one_refuses(
        self, client: httpx.AsyncClient, server: ImageServer, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        async def getaddrinfo(host: str, port: int, **options: Any) -> list[tuple[Any, ...]]:
            assert host == "images.example"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in PAIR]

        monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", getaddrinfo)
        assert await download(client, server.url("/logo.png", host="images.example")) == PNG
        assert server.hosts == [f"images.example:{server.port}"]

    async def test_tls_is_verified_for_the_host_name(self) -> None:
        server_tls, client_tls = localhost_tls()
        with ImageServer(tls=server_tls) as server:
            async with httpx.AsyncClient(verify=client_tls, timeout=10) as client:
                assert await download(client, server.url("/logo.png", host="localhost")) == PNG
                assert server.hosts == [f"localhost:{server.port}"]
                with pytest.raises(ImageFetchFailed, match="could not be reached"):
                    await download(client, server.url("/logo.png", host="127.0.0.1"))


class TestUrls:
    @pytest.mark.parametrize(
        "url",
        ["ftp://127.0.0.1/logo.png", "file:///etc/passwd", "javascript:alert(1)", "logo.png", "//host/a.png"],
    )
    async def test_only_http_https_and_data(self, client: httpx.AsyncClient, url: str) -> None:
        with pytest.raises(ImageUrlNotAllowed, match="is not an http, https or data: URL"):
            await fetch.load(client, url, allow_private=True)

    async def test_credentials_in_the_url_are_refused(
        self, client: httpx.AsyncClient, server: ImageServer
    ) -> None:
        url = server.url("/logo.png", host="user:secret@127.0.0.1")
        with pytest.raises(ImageUrlNotAllowed, match="user name or password"):
            await download(client, url)
        assert server.requests == []

    async def test_a_url_that_does_not_parse(self, client: httpx.AsyncClient) -> None:
        with pytest.raises(ImageUrlNotAllowed, match="not a valid URL"):
            await download(client, "http://[::1/logo.png")

    @pytest.mark.parametrize(
        ("url", "problem"),
        [
            ("http://xn--a.example/logo.png", "not a valid internationalized domain name"),
            ("https://xn--zz-.com/logo.png", "not a valid internationalized domain name"),
            ("http://a..example/logo.png", "not a valid domain name"),
            (f"http://{'a' * 64}.example/logo.png", "not a valid domain name"),
            ("http://127.0.0.1:0/logo.png", "port 0"),
            ("http://example.com:0/logo.png", "port 0"),
            ("http://[::1]:0/logo.png", "port 0"),
            ("http://example.com:65536/logo.png", "port 65536"),
        ],
    )
    async def test_hosts_and_ports_that_cannot_be_reached_are_refused_unrequested(
        self, url: str, problem: str
    ) -> None:
        async with refusing_client() as client:
            with pytest.raises(ImageUrlNotAllowed, match=problem):
                await fetch.load(client, url, allow_private=True)

    async def test_a_redirect_to_port_0_is_refused(self) -> None:
        def answer(request: httpx.Request) -> httpx.Response:
            assert request.url.port != 0, "port 0 was requested"
            return httpx.Response(302, headers={"Location": "http://127.0.0.1:0/logo.png"})

        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
            with pytest.raises(ImageUrlNotAllowed, match="port 0"):
                await download(client, "http://127.0.0.1/logo.png")


def refusing_client() -> httpx.AsyncClient:
    def answer(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"data: URLs are never fetched ({request.url})")

    return httpx.AsyncClient(transport=httpx.MockTransport(answer))


class TestDataUrls:
    @pytest.mark.parametrize(
        "url",
        [
            "data:image/png;base64," + base64.b64encode(PNG).decode(),
            "data:;base64," + base64.b64encode(PNG).decode(),
            "DATA:image/png;BASE64," + base64.b64encode(PNG).decode().rstrip("="),
            "data:image/png;base64," + quote_from_bytes(base64.encodebytes(PNG)),
            "data:image/png," + quote_from_bytes(PNG),
            "data:," + quote_from_bytes(PNG),
            "data:text/plain;charset=utf-8," + quote_from_bytes(PNG),
        ],
    )
    async def test_decoded_without_a_request(self, url: str) -> None:
        async with refusing_client() as client:
            assert await fetch.load(client, url, allow_private=False) == PNG

    @pytest.mark.parametrize(
        ("url", "problem"),
        [
            ("data:image/png;base64,not*base64", "not valid base64"),
            ("data:image/png;base64,iVBORw0KGgo=AAAA", "not valid base64"),
            ("data:image/png;base64;iVBORw0KGgo", "no comma"),
        ],
    )
    async def test_garbage_is_invalid(self, url: str, problem: str) -> None:
        async with refusing_client() as client:
            with pytest.raises(ImageInvalid, match=problem):
                await fetch.load(client, url, allow_private=False)

    async def test_a_url_longer_than_any_encoding_of_the_limit_is_refused_undecoded(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def never(*_args: object, **_kwargs: object) -> bytes:
            raise AssertionError("the data: URL was decoded")

        monkeypatch.setattr(fetch, "read_data_url", never)
        longest = fetch.DATA_URL_HEADER + fetch.DATA_URL_OVERHEAD * 1000
        url = "data:image/png," + "%00" * ((longest - len("data:image/png,")) // 3 + 1)
        async with refusing_client() as client:
            with pytest.raises(ImageTooLarge, match=f"takes at most {longest:,}"):
                await fetch.load(client, url, allow_private=False, max_bytes=1000)

    def test_the_largest_image_fully_percent_encoded_fits(self) -> None:
        data = bytes(range(256)) * 4
        url = "data:image/png;charset=utf-8," + quote_from_bytes(data, safe="")
        assert fetch.read_data_url(url, max_bytes=len(data)) == data

    @given(st.binary(max_size=300), st.integers(min_value=3, max_value=9))
    def test_decoding_a_slice_at_a_time_is_decoding_it_whole(self, data: bytes, chunk: int) -> None:
        encoded = quote_from_bytes(data, safe="/+=")
        original = fetch.DECODE_CHUNK
        fetch.DECODE_CHUNK = chunk
        try:
            assert fetch.read_data_url("data:," + encoded) == unquote_to_bytes(encoded)
        finally:
            fetch.DECODE_CHUNK = original

    def test_the_size_limit_applies(self) -> None:
        url = "data:image/png;base64," + base64.b64encode(PNG).decode()
        with pytest.raises(ImageTooLarge, match="larger than 100 bytes"):
            fetch.read_data_url(url, max_bytes=100)
