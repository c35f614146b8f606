"""``GET /v1/system/status``: answers when the server can serve, its database reachable and writable."""

from __future__ import annotations

from fastapi import APIRouter

from passmint.deps import DatabaseDep
from passmint.http_errors import documented

router = APIRouter(prefix="/system", tags=["Tickets"])


@router.get(
    "/status",
    summary="Check system status",
    description="200 when the database can be reached and written; otherwise 503 saying why "
    "(unreachable, busy, read-only, disk full), with `Retry-After`.",
    responses=documented(503),
)
async def system_status(database: DatabaseDep) -> dict[str, str]:
    await database.check_writable()
    return {"Hello": "World"}
