"""Signed passes served again from memory, or from files another process wrote, until anything they are
made from changes (issue 13)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from passmint.apple import PassSigner
from passmint.kit.filecache import FileCache
from passmint.kit.lru import BytesLRU
from passmint.wallets import apple as wallets_apple
from tests.factories import create_pass
from tests.passes.conftest import Verify, pass_json


@pytest.fixture
def signatures(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """How many signatures passmint has made since the test began (PassSigner.sign, called through)."""
    calls: list[bytes] = []
    sign = PassSigner.sign

    def counted(self: PassSigner, manifest: bytes) -> bytes:
        calls.append(manifest)
        return sign(self, manifest)

    monkeypatch.setattr(PassSigner, "sign", counted)
    return lambda: len(calls)


async def download(api: httpx.AsyncClient, pass_id: int) -> bytes:
    response = await api.get(f"/v1/pass/{pass_id}/download")
    assert response.status_code == 200, response.text
    return response.content


async def test_a_second_download_is_not_signed_again(
    api: httpx.AsyncClient, template_id: int, verify: Verify, signatures: Callable[[], int]
) -> None:
    created = await create_pass(api, template_id)
    first = await download(api, created["id"])
    assert signatures() == 1
    assert await download(api, created["id"]) == first
    assert signatures() == 1
    verify(first)


async def test_another_process_serves_it_without_signing(
    api: httpx.AsyncClient,
    template_id: int,
    signatures: Callable[[], int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A process whose memory does not hold the pass reads what another one signed from the data dir."""
    created = await create_pass(api, template_id)
    first = await download(api, created["id"])
    monkeypatch.setattr(wallets_apple, "_signed", BytesLRU())  # a second process: nothing in memory
    assert await download(api, created["id"]) == first
    assert signatures() == 1


async def test_a_pass_update_signs_new_bytes(
    api: httpx.AsyncClient, template_id: int, verify: Verify, signatures: Callable[[], int]
) -> None:
    created = await create_pass(api, template_id)
    first = await download(api, created["id"])
    response = await api.put(f"/v1/pass/{created['id']}", json={"fields": {"Coupon": {"value": "50%"}}})
    assert response.status_code == 200
    second = await download(api, created["id"])
    assert signatures() == 2 and second != first
    assert pass_json(verify(second))["storeCard"]["primaryFields"][0]["value"] == "50%"


async def test_a_template_update_signs_new_bytes(
    api: httpx.AsyncClient, template_id: int, verify: Verify, signatures: Callable[[], int]
) -> None:
    created = await create_pass(api, template_id)
    first = await download(api, created["id"])
    patch = {"headers": {"logo_text": {"value": "New Logo"}}}
    assert (await api.patch(f"/v1/templates/{template_id}", json=patch)).status_code == 200
    second = await download(api, created["id"])
    assert signatures() == 2 and second != first
    assert pass_json(verify(second))["logoText"] == "New Logo"


async def test_a_project_update_signs_new_bytes(
    api: httpx.AsyncClient, template_id: int, verify: Verify, signatures: Callable[[], int]
) -> None:
    created = await create_pass(api, template_id)
    await download(api, created["id"])
    renamed = await api.put("/v1/project/id/loyalty", json={"name": "Renamed"})  # the template's project
    assert renamed.status_code == 200, renamed.text
    second = await download(api, created["id"])
    assert signatures() == 2
    assert pass_json(verify(second))["organizationName"] == "Renamed"


def test_the_cache_is_bounded_by_bytes() -> None:
    cache = BytesLRU()
    cache.put("a", b"1" * 40, budget=100)
    cache.put("b", b"2" * 40, budget=100)
    assert cache.get("a") == b"1" * 40  # now the most recently used
    cache.put("c", b"3" * 40, budget=100)
    assert cache.get("b") is None and cache.get("a") is not None and cache.size == 80
    cache.put("huge", b"4" * 101, budget=100)
    assert cache.get("huge") is None and len(cache) == 2
    cache.put("d", b"5", budget=0)
    assert len(cache) == 0 and cache.size == 0


def test_the_file_cache_is_shared_and_bounded(tmp_path: Path) -> None:
    one, other = FileCache(tmp_path / "c", 100), FileCache(tmp_path / "c", 100)
    one.put("a", b"1" * 40)
    assert other.get("a") == b"1" * 40 and other.get("b") is None
    other.put("b", b"2" * 40)
    os.utime(next(path for path in (tmp_path / "c").iterdir() if path.read_bytes() == b"2" * 40), (1, 1))
    one.put("c", b"3" * 40)  # over budget: the least recently used file goes
    assert (one.get("a"), one.get("b"), one.get("c")) == (b"1" * 40, None, b"3" * 40)
    one.put("huge", b"4" * 101)
    assert one.get("huge") is None
    assert sorted(path.name.startswith(".") for path in (tmp_path / "c").iterdir()) == [False, False]
