"""``/v1/system/status``."""

from __future__ import annotations

from pathlib import Path

import httpx
from pydantic import SecretStr

from passmint.app import create_app
from passmint.config import Settings


async def test_database_unreachable_is_503(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'dir' / 'db.sqlite'}",
        secret_key=SecretStr("k"),
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            response = await client.get("/v1/system/status")
    assert response.status_code == 503
    assert response.json()["error_code"] == "database_unreachable"
    assert response.headers["Retry-After"] == "5"
