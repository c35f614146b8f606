"""``GET /v1/system/status``: answers when the server and its database are up."""

from __future__ import annotations

from fastapi import APIRouter

from passmint.deps import DatabaseDep
from passmint.http_errors import documented

router = APIRouter(prefix="/system", tags=["Tickets"])


@router.get("/status", summary="Check system status", responses=documented(503))
async def system_status(database: DatabaseDep) -> dict[str, str]:
    await database.ping()
    return {"Hello": "World"}
