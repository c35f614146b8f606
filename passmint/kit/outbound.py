"""Outbound requests pinned to an address that was checked (see ``kit.netguard``).

The request goes to the checked address while the URL's host name still goes out as ``Host`` and
as the TLS server name, and the certificate is verified for it: a name that resolved to a public
address when checked cannot steer the connection elsewhere a moment later (DNS rebinding).
"""

from __future__ import annotations

import httpx

DEFAULT_PORTS = {"http": 80, "https": 443}


def port_of(target: httpx.URL) -> int:
    return DEFAULT_PORTS[target.scheme] if target.port is None else target.port


async def send_pinned(
    client: httpx.AsyncClient,
    method: str,
    target: httpx.URL,
    addresses: list[str],
    *,
    headers: httpx.Headers | dict[str, str],
    content: bytes | None = None,
) -> httpx.Response:
    """Send to the first of ``addresses`` that accepts a connection, without following redirects.

    The response is streamed: close it. ``Connection: close`` is sent, so a connection verified for
    one host name is never reused for another that resolves to the same address.
    """
    pinned_headers = httpx.Headers(headers)
    pinned_headers["Host"] = target.netloc.decode("ascii")
    pinned_headers["Connection"] = "close"
    extensions = {"timeout": client.timeout.as_dict(), "sni_hostname": target.raw_host.decode("ascii")}
    failure: httpx.TransportError | None = None
    for address in addresses:
        request = httpx.Request(
            method,
            target.copy_with(host=address),
            headers=pinned_headers,
            content=content,
            extensions=extensions,
        )
        try:
            return await client.send(request, stream=True, follow_redirects=False)
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            failure = error  # nothing was sent: the next address may take it
    assert failure is not None  # netguard.resolve_public never returns an empty list
    raise failure
