"""``passmint serve`` as real processes: two API processes on one database serve the same data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from passmint.config import Settings
from passmint.db import Database
from tests.conftest import basic
from tests.factories import PROJECT, apple_template
from tests.support.servers import free_port
from tests.support.waiting import wait_until

PASSMINT = [sys.executable, "-m", "passmint"]
pytestmark = pytest.mark.slow


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    def up() -> bool:
        assert process.poll() is None, "server exited early"
        try:
            return httpx.get(f"{url}/v1/system/status", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    # a deadline, not a speed check: two processes importing the app on a loaded CI machine take a while
    wait_until(up, f"{url} is up", seconds=60, every=0.1)


@pytest.fixture
def environment(settings: Settings, database: Database, tmp_path: Path) -> dict[str, str]:
    return os.environ | {
        "PASSMINT_DATABASE_URL": settings.database,
        "PASSMINT_DATA_DIR": str(tmp_path),
        "PASSMINT_LOG_LEVEL": "WARNING",
    }


@pytest.fixture
def two_servers(environment: dict[str, str]) -> Iterator[list[str]]:
    processes, urls = [], []
    for _ in range(2):
        port = free_port()
        processes.append(
            subprocess.Popen(
                [*PASSMINT, "serve", "--port", str(port)], env=environment, stderr=subprocess.DEVNULL
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url, process in zip(urls, processes, strict=True):
            wait_until_up(url, process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def headers(environment: dict[str, str]) -> dict[str, str]:
    """Basic-auth headers of a key made with ``passmint keys create``."""
    created = subprocess.run(
        [*PASSMINT, "keys", "create", "--name", "shop", "--json"],
        env=environment,
        capture_output=True,
        check=True,
    )
    key = json.loads(created.stdout)
    return basic(key["key"], key["secret"])


def test_two_processes_share_one_database(two_servers: list[str], headers: dict[str, str]) -> None:
    first, second = two_servers
    body = {"name": "Shared", "projectType": "coupon", "description": "seen by both"}
    project = httpx.post(f"{first}/v1/project/id/shared", json=body, headers=headers).json()
    fetched = httpx.get(f"{second}/v1/project/id/shared", headers=headers)
    assert fetched.status_code == 200
    assert fetched.json() == project
    httpx.put(f"{second}/v1/project/id/shared", json={"name": "Renamed"}, headers=headers)
    assert httpx.get(f"{first}/v1/project/{project['id']}", headers=headers).json()["name"] == "Renamed"


def test_serve_runs_background_jobs_itself(two_servers: list[str], headers: dict[str, str]) -> None:
    url = two_servers[0]
    project = httpx.post(f"{url}/v1/project", json=PROJECT, headers=headers).json()
    template = httpx.post(f"{url}/v1/template/{project['id']}", json=apple_template(), headers=headers).json()
    httpx.post(f"{url}/v1/pass/{template['templateId']}", json={}, headers=headers).raise_for_status()
    change = {"fields": {"Coupon": {"value": "40%"}}}
    ticket_id = httpx.put(
        f"{url}/v1/template/{template['templateId']}/passes", json=change, headers=headers
    ).json()["ticketId"]

    def completed() -> bool:
        return httpx.get(f"{url}/v1/ticket/{ticket_id}", headers=headers).json()["status"] == "COMPLETED"

    wait_until(completed, "the embedded worker runs the job", every=0.1)
