"""Outbound address checks: which hosts a URL given by a client may make passmint contact."""

from __future__ import annotations

import asyncio
import ipaddress
import socket

from passmint.errors import InvalidInput

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

NOT_PUBLIC_V4 = tuple(
    ipaddress.IPv4Network(network)
    for network in (
        "0.0.0.0/8",  # "this network", 0.0.0.0 among it
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, cloud metadata services among it
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the broadcast address
    )
)
GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
"""IPv6 outside it (loopback, unique-local, link-local, site-local, multicast...) is never public."""
NOT_PUBLIC_V6 = tuple(
    ipaddress.IPv6Network(network)
    for network in (
        "2001::/23",  # IETF protocol assignments, Teredo among them
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
    )
)
NAT64_V6 = ipaddress.IPv6Network("64:ff9b::/96")


class AddressNotAllowed(InvalidInput):
    """A host resolves to an address that is not on the public internet."""

    code = "address_not_allowed"

    def __init__(self, host: str, address: str) -> None:
        named = address if host == address else f"{host} resolves to {address}, which"
        super().__init__(f"{named} is not a public internet address")
        self.host = host
        self.address = address


class HostNotFound(InvalidInput):
    """A host name that does not resolve."""

    code = "host_not_found"

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"{host} could not be resolved ({reason})")
        self.host = host


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped, 6to4 or NAT64 IPv6 address stands for."""
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip in NAT64_V6:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.ipv4_mapped or ip.sixtofour


def is_public_address(ip: IPAddress) -> bool:
    """Whether ``ip`` is a unicast address on the public internet, judged by what it reaches:
    an IPv6 form of an IPv4 address is judged as that IPv4 address."""
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        return is_public_address(embedded)
    if isinstance(ip, ipaddress.IPv4Address):
        blocked = any(ip in network for network in NOT_PUBLIC_V4)
    else:
        blocked = ip not in GLOBAL_UNICAST_V6 or any(ip in network for network in NOT_PUBLIC_V6)
    return not blocked and ip.is_global


async def resolve_public(host: str, port: int, *, allow_private: bool) -> list[str]:
    """The addresses ``host`` resolves to, in the resolver's order, without repeats.

    Raises ``HostNotFound`` when it does not resolve and, unless ``allow_private``,
    ``AddressNotAllowed`` when any of its addresses is not public (a name that mixes public and
    private addresses is refused whole, since a connection could reach either)."""
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as error:  # gaierror, a name IDNA refuses, a NUL...
        raise HostNotFound(host, str(error.args[-1]) if error.args else "no address") from error
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses:
        raise HostNotFound(host, "no address")
    if not allow_private:
        for address in addresses:
            if not is_public_address(ipaddress.ip_address(address)):
                raise AddressNotAllowed(host, address)
    return addresses
