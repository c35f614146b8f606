"""The walletobjects v1 client on passmint's async HTTP client: classes, objects, messages, batches.

Every call first takes its slots from the credential's shared rate limit (``limiter``), then goes out
with the account's access token (``tokens``); a 401 drops the token and tries once more with a new one.
A refusal raises ``GoogleApiError`` decoded from Google's error shape; a batch answers each part.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from passmint.google import ServiceAccount
from passmint.googleapi import batch, limiter
from passmint.googleapi.batch import Answer, Part
from passmint.googleapi.errors import GoogleApiError
from passmint.googleapi.tokens import Tokens

PREFIX = "walletobjects/v1/"


@dataclass(frozen=True)
class GoogleClient:
    """Calls for one service account (``credential`` names its rate limit) against ``api_url``."""

    http: httpx.AsyncClient
    tokens: Tokens
    account: ServiceAccount
    credential: str
    api_url: str
    rps: float
    bind: AsyncEngine | AsyncConnection

    @property
    def batch_size(self) -> int:
        """Parts per batch: at most a second's budget, so a batch never overdraws the rate."""
        return max(1, min(50, int(self.rps)))

    async def insert_class(self, class_type: str, body: dict[str, Any]) -> dict[str, Any]:
        """Insert a class; if it exists, update it instead."""
        try:
            return await self.call("POST", f"{class_type}", body)
        except GoogleApiError as error:
            if error.status != 409:
                raise
        return await self.update_class(class_type, body["id"], body)

    async def update_class(self, class_type: str, class_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return await self.call("PUT", f"{class_type}/{class_id}", body)

    async def insert_object(self, object_type: str, body: dict[str, Any]) -> dict[str, Any]:
        """Insert an object; if it exists, patch it instead."""
        try:
            return await self.call("POST", f"{object_type}", body)
        except GoogleApiError as error:
            if error.status != 409:
                raise
        return await self.patch_object(object_type, body["id"], body)

    async def patch_object(self, object_type: str, object_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return await self.call("PATCH", f"{object_type}/{object_id}", body)

    async def add_message(self, object_type: str, object_id: str, message: dict[str, Any]) -> dict[str, Any]:
        return await self.call("POST", f"{object_type}/{object_id}/addMessage", {"message": message})

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """One call of the API (``path`` after ``walletobjects/v1/``); Google's answer as JSON."""
        await limiter.acquire(self.bind, self.credential, 1, self.rps)
        response = await self._send(method, self.api_url + PREFIX + path, body=body)
        if not 200 <= response.status_code < 300:
            raise GoogleApiError.of(response.status_code, response.content)
        answer = response.json() if response.content else {}
        return answer if isinstance(answer, dict) else {}

    async def batch(self, parts: list[Part]) -> list[Answer]:
        """Send ``parts`` (at most ``batch_size``) as one batch; Google's answer to each, in order. A
        batch Google refuses whole raises ``GoogleApiError``."""
        await limiter.acquire(self.bind, self.credential, len(parts), self.rps)
        content_type, content = batch.encode(parts)
        response = await self._send(
            "POST", self.api_url + "batch", content=content, content_type=content_type
        )
        if response.status_code != 200:
            raise GoogleApiError.of(response.status_code, response.content)
        answered = response.headers.get("content-type", "")
        return batch.decode(answered, response.content, len(parts))

    async def _send(
        self,
        method: str,
        url: str,
        *,
        body: dict[str, Any] | None = None,
        content: bytes | None = None,
        content_type: str = "application/json",
    ) -> httpx.Response:
        if body is not None:
            content = json.dumps(body, separators=(",", ":")).encode()
        for attempt in range(2):
            token = await self.tokens.token(self.http, self.account)
            headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
            try:
                response = await self.http.request(method, url, content=content, headers=headers)
            except httpx.HTTPError as error:
                raise GoogleApiError(0, f"no answer from Google: {error!r}") from error
            if response.status_code != 401 or attempt:
                return response
            self.tokens.forget(self.account)
        raise AssertionError("unreachable")
