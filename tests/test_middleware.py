"""Request bodies are capped by route family before anything reads them, and API keys are checked first."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import ByteSize
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import Message, Receive, Scope, Send

from passmint.accounts import service as account_service
from passmint.app import create_app
from passmint.config import Settings
from passmint.middleware import BodyLimit, needs_account
from tests.conftest import ApiClient, basic

KIB = 1024
MIB = 1024 * KIB
ERROR_KEYS = {"error", "error_code", "details"}


class StreamedBody:
    """A request body sent in chunks without a Content-Length; counts the bytes the server took."""

    def __init__(self, size: int, chunk: int = 64 * KIB, prefix: bytes = b"") -> None:
        self.data = prefix + b" " * (size - len(prefix))
        self.chunk = chunk
        self.taken = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.data), self.chunk):
            piece = self.data[start : start + self.chunk]
            self.taken += len(piece)
            yield piece


@pytest.fixture
async def wrong_secret(session: AsyncSession) -> dict[str, str]:
    issued = await account_service.create_key(session, name="a")
    await session.commit()
    return basic(issued.api_key.key, "wrong") | {"Content-Type": "application/json"}


class TestCredentialsBeforeBody:
    async def test_a_wrong_secret_is_refused_before_the_body_is_read(
        self, anonymous: httpx.AsyncClient, wrong_secret: dict[str, str]
    ) -> None:
        body = StreamedBody(4 * MIB)
        response = await anonymous.post("/v1/project", content=body, headers=wrong_secret)
        assert response.status_code == 401
        assert response.json()["error_code"] == "credentials_invalid"
        assert response.headers["WWW-Authenticate"] == 'Basic realm="passmint"'
        assert response.headers["Connection"] == "close"
        assert body.taken == 0

    @pytest.mark.parametrize(
        ("method", "path"), [("POST", "/v1/project"), ("PUT", "/templates/1"), ("POST", "/v1/pass/1")]
    )
    async def test_no_credentials_are_refused_before_the_body_is_read(
        self, anonymous: httpx.AsyncClient, method: str, path: str
    ) -> None:
        body = StreamedBody(MIB)
        headers = {"Content-Type": "application/json"}
        response = await anonymous.request(method, path, content=body, headers=headers)
        assert response.status_code == 401
        assert set(response.json()) == ERROR_KEYS
        assert response.json()["error_code"] == "credentials_missing"
        assert body.taken == 0

    async def test_a_malformed_header_is_refused_before_the_body_is_read(
        self, anonymous: httpx.AsyncClient
    ) -> None:
        body = StreamedBody(MIB)
        headers = {"Authorization": "Basic !!!not-base64", "Content-Type": "application/json"}
        response = await anonymous.post("/v1/project", content=body, headers=headers)
        assert response.status_code == 401 and set(response.json()) == ERROR_KEYS
        assert body.taken == 0

    async def test_valid_credentials_read_the_streamed_body(self, api: ApiClient) -> None:
        project = json.dumps({"name": "n", "projectType": "coupon", "description": "d"}).encode()
        body = StreamedBody(len(project) + 3 * MIB, prefix=project)  # JSON allows the trailing spaces
        response = await api.post("/v1/project", content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 200, response.text
        assert body.taken == len(body.data)
        assert (await api.get(f"/v1/project/{response.json()['id']}")).json()["name"] == "n"

    async def test_public_routes_need_no_credentials(self, anonymous: httpx.AsyncClient) -> None:
        assert (await anonymous.get("/v1/system/status")).status_code == 200
        assert (await anonymous.get("/v1/download/pass/unknown")).status_code == 404

    async def test_every_route_that_asks_for_a_key_is_checked_early(self, app: FastAPI) -> None:
        """The middleware's list of public paths agrees with the routes' own security requirements."""
        for path, operations in app.openapi()["paths"].items():
            sample = re.sub(r"\{[^}]+\}", "1", path)
            for method, operation in operations.items():
                assert needs_account(sample) == ("security" in operation), f"{method} {path}"


class TestBodyLimits:
    async def test_an_announced_oversize_body_is_refused_at_once(self, anonymous: httpx.AsyncClient) -> None:
        body = StreamedBody(MIB)
        headers = {"Content-Length": str(300 * MIB), "Content-Type": "application/json"}
        response = await anonymous.post("/apple/v1/log", content=body, headers=headers)
        assert response.status_code == 413
        assert response.json() == {
            "error": "The request body is larger than the 65,536 bytes this endpoint accepts",
            "error_code": "payload_too_large",
            "details": None,
        }
        assert response.headers["Connection"] == "close"
        assert body.taken == 0

    async def test_a_streamed_body_stops_being_read_past_the_cap(self, anonymous: httpx.AsyncClient) -> None:
        body = StreamedBody(8 * MIB, chunk=16 * KIB)
        headers = {"Content-Type": "application/json"}
        response = await anonymous.post("/apple/v1/log", content=body, headers=headers)
        assert response.status_code == 413
        assert response.json()["error_code"] == "payload_too_large"
        assert 64 * KIB < body.taken <= 64 * KIB + 16 * KIB

    async def test_the_api_takes_larger_bodies_than_apples_web_service(self, api: ApiClient) -> None:
        project = {"name": "n", "projectType": "coupon", "description": "d", "settings": {"x": "y" * 200_000}}
        response = await api.post("/v1/project", json=project)
        assert response.status_code != 413
        response = await api.post("/apple/v1/log", json={"logs": ["y" * 200_000]})
        assert response.status_code == 413

    async def test_the_api_refuses_bodies_over_its_cap(self, api: ApiClient) -> None:
        body = StreamedBody(32 * MIB, chunk=MIB)
        response = await api.post("/v1/project", content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 413
        assert response.json()["error_code"] == "payload_too_large"
        assert body.taken == 11 * MIB  # the first chunk past the 10 MiB cap, no further
        announced = {"Content-Length": str(11 * MIB), "Content-Type": "application/json"}
        response = await api.post("/v1/project", content=StreamedBody(MIB), headers=announced)
        assert response.status_code == 413

    async def test_a_length_not_written_in_ascii_digits_is_counted_as_read(self) -> None:
        reached: list[str] = []

        async def app(scope: Scope, _receive: Receive, _send: Send) -> None:
            reached.append(scope["path"])

        async def nothing() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def ignore(_message: Message) -> None:
            return None

        scope = {"type": "http", "path": "/apple/v1/log", "headers": [(b"content-length", b"\xb2")]}  # ²
        await BodyLimit(app, limit_for=lambda _path: 10)(scope, nothing, ignore)  # int("²") would raise
        assert reached == ["/apple/v1/log"]

    async def test_the_caps_are_settings(self, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PASSMINT_APPLE_MAX_BODY", "1KiB")
        assert Settings().apple_max_body == 1024
        small = create_app(settings.model_copy(update={"api_max_body": ByteSize(100)}))
        transport = httpx.ASGITransport(app=small)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            response = await client.post("/v1/project", content=b"{" + b" " * 100 + b"}")
        assert response.status_code == 413
        assert "100 bytes" in response.json()["error"]
