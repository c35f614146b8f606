"""A project with two Apple templates, and what reading a notified pass takes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from passmint.db import Database
from passmint.jobs.registry import JobContext
from passmint.jobs.worker import Worker
from tests.factories import create_project, create_template
from tests.passes.conftest import Verify, pass_json, verify

__all__ = ["Templates", "back_fields", "run_jobs", "templates", "ticket", "verify"]


@dataclass(frozen=True)
class Templates:
    project_id: int
    first: int
    second: int


@pytest.fixture
async def templates(api: httpx.AsyncClient) -> Templates:
    """``first`` has the external id ``card``, ``second`` none."""
    project = await create_project(api, "/v1/project/id/loyalty")
    first = await create_template(api, project["id"], suffix="/id/card")
    return Templates(project["id"], first, await create_template(api, project["id"]))


async def run_jobs(database: Database, job_context: JobContext) -> None:
    await Worker(database, job_context).run_until_idle()


async def ticket(api: httpx.AsyncClient, ticket_id: int) -> dict[str, Any]:
    response = await api.get(f"/v1/ticket/{ticket_id}")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def back_fields(api: httpx.AsyncClient, check: Verify, pass_id: int) -> list[dict[str, Any]]:
    """The back fields of the pass as downloaded (its .pkpass verified)."""
    response = await api.get(f"/v1/pass/{pass_id}/download")
    assert response.status_code == 200, response.text
    return pass_json(check(response.content))["storeCard"].get("backFields", [])  # type: ignore[no-any-return]
