"""The APNs clients of a worker: one per signing certificate, each one long-lived HTTP/2 connection."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from urllib.parse import urlsplit

from passmint.apple import PassSigner
from passmint.certificates.signers import DEV_PASS_TYPE_ID
from passmint.config import Settings
from passmint.pushes.apns import ApnsClient

APPLE_HOSTS = frozenset({"api.push.apple.com", "api.sandbox.push.apple.com"})


class ApnsClients:
    """Clients by certificate, opened on first use and kept until ``aclose``.

    With an APNs auth key configured (``PASSMINT_APNS_KEY_FILE``), one token-authenticated client
    serves every certificate's topics instead.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._clients: dict[str, ApnsClient] = {}
        self._url = settings.apns_url
        self._ca_file = str(settings.apns_ca_file) if settings.apns_ca_file else None
        self._to_apple = urlsplit(settings.apns_url).hostname in APPLE_HOSTS

    def for_signer(self, signer: PassSigner) -> ApnsClient | None:
        """The client pushing for ``signer``'s passes; None when Apple would refuse it (the
        development certificate is not Apple's)."""
        settings = self._settings
        if settings.apns_key_file is not None:
            return self._client("token", self._token_client)
        if self._to_apple and signer.pass_type_identifier == DEV_PASS_TYPE_ID:
            return None
        fingerprint = hashlib.sha256(signer.certificate_pem).hexdigest()
        return self._client(
            fingerprint, lambda: ApnsClient(signer, base_url=self._url, ca_file=self._ca_file)
        )

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        await asyncio.gather(*(client.aclose() for client in clients))

    def _client(self, key: str, make: Callable[[], ApnsClient]) -> ApnsClient:
        client = self._clients.get(key)
        if client is None:
            client = self._clients[key] = make()
        return client

    def _token_client(self) -> ApnsClient:
        settings = self._settings
        assert settings.apns_key_file is not None
        if not settings.apns_key_id or not settings.apns_team_id:
            raise ValueError("PASSMINT_APNS_KEY_FILE needs PASSMINT_APNS_KEY_ID and PASSMINT_APNS_TEAM_ID")
        key = settings.apns_key_file.read_bytes()
        return ApnsClient.with_token(
            key, settings.apns_key_id, settings.apns_team_id, base_url=self._url, ca_file=self._ca_file
        )
