"""Ingesting image URLs into stored PNGs, once per content, on every database backend."""

from __future__ import annotations

import base64
import hashlib
import time

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.db import Database
from passmint.errors import InvalidInput
from passmint.images import repository, service
from passmint.images.errors import ImageFetchFailed, ImageInvalid, ImageTooLarge, ImageUrlNotAllowed
from passmint.models import Image
from tests.images import JPEG, PNG, ImageServer
from tests.support.statements import statements


async def ingest(session: AsyncSession, client: httpx.AsyncClient, url: str, **options: object) -> Image:
    """Fetch and check the image (no database), then store it: how every caller does it."""
    png = await service.load(client, url, allow_private=True, **options)  # type: ignore[arg-type]
    return await service.store(session, png, url)


async def stored(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Image)) or 0


class TestStored:
    async def test_a_png_is_stored_as_sent(
        self, session: AsyncSession, client: httpx.AsyncClient, server: ImageServer
    ) -> None:
        image = await ingest(session, client, server.url("/logo.png"))
        assert image.data == PNG
        assert image.digest == hashlib.sha256(PNG).hexdigest()
        assert (image.width, image.height, image.size) == (40, 30, len(PNG))
        assert image.source_url == server.url("/logo.png")
        assert image.created_at.tzinfo is not None

    async def test_it_reads_back_from_the_database(
        self, database: Database, client: httpx.AsyncClient, server: ImageServer
    ) -> None:
        async with database.transaction() as session:
            digest = (await ingest(session, client, server.url("/logo.png"))).digest
        async with database.transaction() as session:
            image = await service.get(session, digest)
            assert image is not None
            assert image.data == PNG
            assert await service.get(session, "0" * 64) is None

    async def test_bytes_by_digest_are_read_once_per_process(
        self, database: Database, client: httpx.AsyncClient, server: ImageServer
    ) -> None:
        """Signing a pass reads its images' bytes by digest (the SHA-256 of the bytes, a row never
        changed): read once, then kept; a digest not stored is not found."""
        async with database.transaction() as session:
            digest = (await ingest(session, client, server.url("/logo.png"))).digest
        missing = "0" * 64
        async with database.transaction() as session:
            assert await service.data_many(session, {digest, missing}) == {digest: PNG}
            with statements(database) as sent:
                assert await service.data_many(session, {digest}) == {digest: PNG}
                assert await service.data_many(session, {digest, missing}) == {digest: PNG}
        assert len(sent) == 1  # the missing digest only

    @pytest.mark.parametrize("path", ["/photo.jpg", "/photo-as-octets"])
    async def test_a_jpeg_is_stored_as_png(
        self, session: AsyncSession, client: httpx.AsyncClient, server: ImageServer, path: str
    ) -> None:
        image = await ingest(session, client, server.url(path))
        assert image.data.startswith(b"\x89PNG\r\n\x1a\n")
        assert image.data != JPEG
        assert (image.width, image.height) == (64, 48)
        assert image.digest == hashlib.sha256(image.data).hexdigest()

    async def test_a_data_url_keeps_no_source(self, session: AsyncSession, client: httpx.AsyncClient) -> None:
        image = await ingest(session, client, "data:image/png;base64," + base64.b64encode(PNG).decode())
        assert image.data == PNG
        assert image.source_url is None


class TestOncePerContent:
    async def test_the_same_image_from_three_urls_is_one_row(
        self, database: Database, client: httpx.AsyncClient, server: ImageServer
    ) -> None:
        urls = [
            server.url("/logo.png"),
            server.url("/logo-copy.png"),
            "data:;base64," + base64.b64encode(PNG).decode(),
        ]
        digests = set()
        for url in urls:
            async with database.transaction() as session:
                digests.add((await ingest(session, client, url)).digest)
        async with database.transaction() as session:
            assert await stored(session) == 1
            image = await service.get(session, digests.pop())
            assert image is not None
            assert image.source_url == server.url("/logo.png")
        assert not digests

    async def test_a_jpeg_converts_to_the_same_row_from_anywhere(
        self, session: AsyncSession, client: httpx.AsyncClient, server: ImageServer
    ) -> None:
        by_url = await ingest(session, client, server.url("/photo.jpg"))
        inline = await ingest(session, client, "data:image/jpeg;base64," + base64.b64encode(JPEG).decode())
        assert inline is by_url
        assert await stored(session) == 1

    async def test_twice_in_one_transaction(
        self, session: AsyncSession, client: httpx.AsyncClient, server: ImageServer
    ) -> None:
        first = await ingest(session, client, server.url("/photo.jpg"))
        second = await ingest(session, client, server.url("/photo.jpg"))
        assert second is first
        assert await stored(session) == 1

    async def test_a_row_stored_meanwhile_is_returned(
        self, database: Database, client: httpx.AsyncClient, server: ImageServer
    ) -> None:
        """What a request that loses the race sees: its insert fails, the other row comes back, and
        its transaction carries on."""
        async with database.transaction() as session:
            winner = await ingest(session, client, server.url("/logo.png"))
        async with database.transaction() as session:
            late = Image(digest=winner.digest, width=1, height=1, size=1, data=b"x", source_url="late")
            kept = await repository.add_once(session, late)
            assert (kept.source_url, kept.width) == (winner.source_url, 40)
            assert await stored(session) == 1
            await ingest(session, client, server.url("/photo.jpg"))
        async with database.transaction() as session:
            assert await stored(session) == 2


class TestRefused:
    async def test_not_an_image_names_the_field(
        self, session: AsyncSession, client: httpx.AsyncClient, server: ImageServer
    ) -> None:
        url = server.url("/page.png")
        with pytest.raises(ImageInvalid) as caught:
            await ingest(session, client, url, field="icon_image")
        error = caught.value
        assert isinstance(error, InvalidInput)
        assert error.code == "image_invalid"
        assert error.message == f"icon_image: {url} is not a PNG or JPEG image: it looks like HTML or XML"
        assert error.details == [
            {
                "field": "icon_image",
                "location": "body",
                "message": f"{url} is not a PNG or JPEG image: it looks like HTML or XML",
            }
        ]
        assert await stored(session) == 0

    async def test_without_a_field_the_url_leads(
        self, session: AsyncSession, client: httpx.AsyncClient, server: ImageServer
    ) -> None:
        with pytest.raises(ImageInvalid, match=r"^http://127\.0\.0\.1:\d+/notes\.txt is not a PNG") as caught:
            await ingest(session, client, server.url("/notes.txt"))
        assert caught.value.details is None

    async def test_a_data_url_is_not_printed(self, session: AsyncSession, client: httpx.AsyncClient) -> None:
        with pytest.raises(ImageInvalid, match=r"^logo_image: the data: URL is not valid base64$"):
            await ingest(session, client, "data:image/png;base64,!!!!", field="logo_image")

    async def test_too_large(
        self, session: AsyncSession, client: httpx.AsyncClient, server: ImageServer
    ) -> None:
        with pytest.raises(ImageTooLarge) as caught:
            await ingest(session, client, server.url("/huge.png"), field="strip_image")
        assert caught.value.code == "image_too_large"
        assert caught.value.message.startswith("strip_image: ")
        assert await stored(session) == 0

    async def test_too_slow(
        self, session: AsyncSession, client: httpx.AsyncClient, server: ImageServer
    ) -> None:
        started = time.monotonic()
        with pytest.raises(ImageFetchFailed, match=r"did not download within 0\.3 s"):
            await ingest(session, client, server.url("/slow.png"), time_limit=0.3)
        assert time.monotonic() - started < 2

    async def test_not_found(
        self, session: AsyncSession, client: httpx.AsyncClient, server: ImageServer
    ) -> None:
        url = server.url("/missing.png")
        with pytest.raises(ImageFetchFailed) as caught:
            await ingest(session, client, url, field="logo_image")
        assert caught.value.code == "image_fetch_failed"
        assert caught.value.message == f"logo_image: {url} answered 404 Not Found"

    async def test_too_many_redirects(
        self, session: AsyncSession, client: httpx.AsyncClient, server: ImageServer
    ) -> None:
        with pytest.raises(ImageFetchFailed, match="redirects more than 3 times"):
            await ingest(session, client, server.url("/hops/5"))

    async def test_private_networks_are_closed_unless_allowed(
        self, session: AsyncSession, client: httpx.AsyncClient, server: ImageServer
    ) -> None:
        url = server.url("/logo.png")
        with pytest.raises(ImageUrlNotAllowed) as caught:
            await service.load(client, url, allow_private=False, field="icon_image")
        assert caught.value.code == "image_url_not_allowed"
        assert caught.value.message == (
            f"icon_image: {url} is not allowed: 127.0.0.1 is not a public internet address"
        )
        assert server.requests == []
        assert await stored(session) == 0

    async def test_another_scheme(self, session: AsyncSession, client: httpx.AsyncClient) -> None:
        with pytest.raises(
            ImageUrlNotAllowed, match=r"^icon_image: ftp://example\.com/a\.png is not an http"
        ):
            await ingest(session, client, "ftp://example.com/a.png", field="icon_image")


class TestDataUrlLength:
    async def test_too_long_is_400_naming_the_field_before_decoding(
        self, session: AsyncSession, client: httpx.AsyncClient
    ) -> None:
        url = "data:image/png;base64," + "A" * 5000
        with pytest.raises(ImageTooLarge) as raised:
            await ingest(session, client, url, max_bytes=1000, field="headers.logo_image.value")
        assert raised.value.details == [
            {
                "field": "headers.logo_image.value",
                "location": "body",
                "message": raised.value.message.split(": ", 1)[1],
            }
        ]
        assert "characters long" in raised.value.message
        assert await stored(session) == 0
