"""Which addresses outbound requests may reach, and host resolution under that rule."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passmint.errors import InvalidInput
from passmint.kit.netguard import AddressNotAllowed, HostNotFound, is_public_address, resolve_public

NOT_PUBLIC = [
    "127.0.0.1",
    "127.255.255.254",
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.127.255.255",
    "0.0.0.0",
    "0.1.2.3",
    "255.255.255.255",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "192.0.0.8",
    "192.0.2.1",
    "198.18.0.1",
    "198.51.100.7",
    "203.0.113.9",
    "::",
    "::1",
    "fc00::1",
    "fd12:3456:789a::1",
    "fe80::1",
    "fe80::1%eth0",
    "fec0::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",
    "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe",
    "64:ff9b:1::1",
    "2002:7f00:1::",
    "2002:a00:1::1",
    "2001::1",
    "2001:db8::1",
    "3fff::1",
    "100::1",
]
PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "100.63.255.255",
    "100.128.0.0",
    "172.15.255.255",
    "172.32.0.0",
    "2001:4860:4860::8888",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_refused(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_allowed(address: str) -> None:
    assert is_public_address(ipaddress.ip_address(address))


ipv4 = st.integers(min_value=0, max_value=2**32 - 1).map(ipaddress.IPv4Address)


@given(ipv4)
def test_ipv6_forms_of_an_ipv4_address_are_judged_as_it(address: ipaddress.IPv4Address) -> None:
    forms = [
        ipaddress.IPv6Address(f"::ffff:{address}"),
        ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) | int(address)),
        ipaddress.IPv6Address((0x2002 << 112) | (int(address) << 80)),
    ]
    assert {is_public_address(form) for form in forms} == {is_public_address(address)}


@given(ipv4)
def test_agrees_with_the_standard_library_where_it_is_sure(address: ipaddress.IPv4Address) -> None:
    if address.is_private or address.is_loopback or address.is_multicast or address.is_reserved:
        assert not is_public_address(address)


def test_errors_are_invalid_input() -> None:
    assert issubclass(AddressNotAllowed, InvalidInput)
    assert issubclass(HostNotFound, InvalidInput)


class TestResolvePublic:
    async def test_loopback_by_name_is_refused(self) -> None:
        with pytest.raises(
            AddressNotAllowed, match=r"localhost resolves to .*, which is not a public"
        ) as caught:
            await resolve_public("localhost", 80, allow_private=False)
        assert caught.value.host == "localhost"
        assert caught.value.code == "address_not_allowed"

    async def test_a_literal_address_is_named_once(self) -> None:
        with pytest.raises(AddressNotAllowed, match=r"^169\.254\.169\.254 is not a public internet address$"):
            await resolve_public("169.254.169.254", 80, allow_private=False)

    async def test_allowed_when_private_networks_are(self) -> None:
        assert "127.0.0.1" in await resolve_public("localhost", 80, allow_private=True)

    async def test_a_public_literal_resolves_to_itself(self) -> None:
        assert await resolve_public("8.8.8.8", 443, allow_private=False) == ["8.8.8.8"]
        assert await resolve_public("2001:4860:4860::8888", 443, allow_private=False) == [
            "2001:4860:4860::8888"
        ]

    async def test_one_private_address_refuses_the_name(self, monkeypatch: pytest.MonkeyPatch) -> None:
        fake_answers(monkeypatch, ["93.184.216.34", "10.0.0.7", "93.184.216.34"])
        with pytest.raises(AddressNotAllowed, match=r"10\.0\.0\.7"):
            await resolve_public("mixed.example", 80, allow_private=False)
        assert await resolve_public("mixed.example", 80, allow_private=True) == ["93.184.216.34", "10.0.0.7"]

    async def test_a_name_that_does_not_resolve(self, monkeypatch: pytest.MonkeyPatch) -> None:
        fake_answers(monkeypatch, socket.gaierror(socket.EAI_NONAME, "Name or service not known"))
        with pytest.raises(HostNotFound, match=r"nowhere\.example could not be resolved \(Name or service"):
            await resolve_public("nowhere.example", 80, allow_private=True)


def fake_answers(monkeypatch: pytest.MonkeyPatch, answer: list[str] | Exception) -> None:
    """Make the running loop's resolver give ``answer`` for any name, without asking DNS."""

    async def getaddrinfo(host: str, port: int, **options: Any) -> list[tuple[Any, ...]]:
        if isinstance(answer, Exception):
            raise answer
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in answer]

    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", getaddrinfo)
