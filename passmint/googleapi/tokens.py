"""Access tokens for Google's REST API: the service account's JWT-bearer grant, cached per account.

The assertion is signed with the account's key (RS256, ``kid`` its ``private_key_id``) and sent to
``PASSMINT_GOOGLE_TOKEN_URL``, never to a key file's own ``token_uri``. A token is kept until a few
minutes before it expires.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import httpx
import jwt

from passmint.google import ServiceAccount
from passmint.googleapi.errors import GoogleApiError

SCOPE = "https://www.googleapis.com/auth/wallet_object.issuer"
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
LIFETIME = 3600
"""Seconds an assertion asks for: Google grants at most an hour."""
MARGIN = 300
"""A cached token is renewed this many seconds before it expires."""


@dataclass
class Tokens:
    """Access tokens by service account, for one process."""

    token_url: str
    _tokens: dict[tuple[str, str], tuple[str, float]] = field(default_factory=dict)
    _locks: dict[tuple[str, str], asyncio.Lock] = field(default_factory=dict)

    async def token(self, http: httpx.AsyncClient, account: ServiceAccount) -> str:
        """A valid access token of ``account``: the cached one, or a new one from the token URL."""
        key = (account.client_email, account.private_key_id)
        async with self._locks.setdefault(key, asyncio.Lock()):
            cached = self._tokens.get(key)
            if cached is not None and cached[1] > time.time():
                return cached[0]
            token, lifetime = await self._fetch(http, account)
            self._tokens[key] = (token, time.time() + max(lifetime - MARGIN, lifetime / 2))
            return token

    async def aclose(self) -> None:
        """Forget every token (a worker's resource closes so)."""
        self._tokens.clear()

    def forget(self, account: ServiceAccount) -> None:
        """Drop the account's token (Google refused it)."""
        self._tokens.pop((account.client_email, account.private_key_id), None)

    def assertion(self, account: ServiceAccount) -> str:
        """The signed JWT the grant sends for ``account``."""
        now = int(time.time())
        claims = {
            "iss": account.client_email,
            "scope": SCOPE,
            "aud": self.token_url,
            "iat": now,
            "exp": now + LIFETIME,
        }
        headers = {"kid": account.private_key_id}
        return jwt.encode(claims, account.private_key, algorithm="RS256", headers=headers)

    async def _fetch(self, http: httpx.AsyncClient, account: ServiceAccount) -> tuple[str, float]:
        form = {"grant_type": GRANT, "assertion": self.assertion(account)}
        try:
            response = await http.post(self.token_url, data=form)
        except httpx.HTTPError as error:
            raise GoogleApiError(0, f"no access token: {error!r}") from error
        if response.status_code != 200:
            raise GoogleApiError.of(response.status_code, response.content)
        document = response.json()
        token = document.get("access_token") if isinstance(document, dict) else None
        if not isinstance(token, str) or not token:
            raise GoogleApiError(502, "the token endpoint answered no access_token")
        lifetime = document.get("expires_in", LIFETIME)
        return token, float(lifetime) if isinstance(lifetime, int | float) else float(LIFETIME)
