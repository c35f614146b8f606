"""The ``passmint`` command: keys and database upgrades, against the test databases."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from click.testing import Result
from typer.testing import CliRunner

from passmint.accounts import service as account_service
from passmint.cli import app as cli
from passmint.config import Settings
from passmint.db import Database
from tests.conftest import basic
from tests.support.waiting import wait_until

runner = CliRunner()


@pytest.fixture
def env(settings: Settings, database: Database, tmp_path: object) -> dict[str, str]:
    """Environment pointing the command at the test database."""
    return {"PASSMINT_DATABASE_URL": settings.database, "PASSMINT_DATA_DIR": str(tmp_path)}


def create_key(env: dict[str, str], *args: str) -> dict[str, object]:
    result = runner.invoke(cli, ["keys", "create", "--name", "shop", "--json", *args], env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


async def invoke(args: list[str], env: dict[str, str]) -> Result:
    """The command run in a thread: it runs its own event loop, as it does from a shell."""
    return await asyncio.to_thread(runner.invoke, cli, args, env=env)


class TestKeys:
    async def test_created_key_authenticates(self, env: dict[str, str], anonymous: httpx.AsyncClient) -> None:
        key = await asyncio.to_thread(create_key, env)
        assert set(key) == {"key", "secret", "account_id"}
        response = await anonymous.get("/v1/project", headers=basic(str(key["key"]), str(key["secret"])))
        assert response.status_code == 200

    async def test_revoked_key_is_refused(self, env: dict[str, str], anonymous: httpx.AsyncClient) -> None:
        key = await asyncio.to_thread(create_key, env)
        result = await invoke(["keys", "revoke", str(key["key"])], env)
        assert result.exit_code == 0 and "revoked" in result.stdout
        response = await anonymous.get("/v1/project", headers=basic(str(key["key"]), str(key["secret"])))
        assert response.status_code == 401

    def test_second_key_for_the_same_account(self, env: dict[str, str]) -> None:
        first = create_key(env)
        second = create_key(env, "--account", str(first["account_id"]))
        assert second["account_id"] == first["account_id"] and second["key"] != first["key"]

    def test_list_shows_keys_but_never_secrets(self, env: dict[str, str]) -> None:
        key = create_key(env)
        result = runner.invoke(cli, ["keys", "list"], env=env | {"COLUMNS": "200"})
        assert result.exit_code == 0
        assert str(key["key"]) in result.stdout
        assert str(key["secret"]) not in result.stdout

    def test_human_output_shows_the_secret_once(self, env: dict[str, str]) -> None:
        result = runner.invoke(cli, ["keys", "create", "--name", "shop"], env=env)
        assert result.exit_code == 0
        assert "secret:" in result.stdout and "shown only now" in result.stdout

    def test_revoke_unknown_key_fails(self, env: dict[str, str]) -> None:
        result = runner.invoke(cli, ["keys", "revoke", "no-such-key"], env=env)
        assert result.exit_code == 1
        assert "No API key" in result.output

    def test_unknown_account_fails(self, env: dict[str, str]) -> None:
        result = runner.invoke(cli, ["keys", "create", "--name", "x", "--account", "98765"], env=env)
        assert result.exit_code == 1


def test_db_upgrade_is_idempotent(env: dict[str, str]) -> None:
    for _ in range(2):
        result = runner.invoke(cli, ["db", "upgrade"], env=env)
        assert result.exit_code == 0, result.output
        assert "up to date" in result.stdout


class TestJobs:
    async def test_list_and_retry_dead_jobs(self, env: dict[str, str], database: Database) -> None:
        from sqlalchemy import text

        from passmint.jobs import queue
        from passmint.pushes.tasks import PlanTemplate

        JOB = PlanTemplate.kind
        async with database.transaction() as session:
            job = await queue.enqueue(session, PlanTemplate(template_id=0))
            await session.execute(text("UPDATE jobs SET status = 'dead', last_error = 'boom'"))
        listed = await invoke(["jobs", "list", "--status", "dead"], env | {"COLUMNS": "200"})
        assert listed.exit_code == 0 and JOB in listed.stdout and "boom" in listed.stdout
        retried = await invoke(["jobs", "retry", str(job.id)], env)
        assert retried.exit_code == 0 and "queued 1 job" in retried.stdout
        assert (
            "boom"
            not in (await invoke(["jobs", "list", "--status", "dead"], env | {"COLUMNS": "200"})).stdout
        )

    def test_retry_needs_jobs_or_all_dead(self, env: dict[str, str]) -> None:
        assert runner.invoke(cli, ["jobs", "retry"], env=env).exit_code == 2


@pytest.mark.slow
def test_worker_process_runs_jobs_and_stops_on_sigterm(env: dict[str, str], settings: Settings) -> None:
    import asyncio as aio
    import os
    import signal
    import subprocess
    import sys

    from passmint import audiences
    from passmint.app import open_database as Db
    from passmint.jobs import queue
    from passmint.models import Ticket
    from passmint.passes.tasks import ApplyChange

    async def queue_a_job() -> int:
        database = Db(settings.database)
        async with database.transaction() as session:
            account = await account_service.create_key(session, name="w")
            ticket = Ticket(account_id=account.account.id, operation="x", status="PENDING")
            session.add(ticket)
            await session.flush()
            payload = ApplyChange(account_id=account.account.id, project_id=None, status=None, change={},
                                  audience=audiences.of_template(1).as_json(), ticket_id=ticket.id,
                                  after_id=0, last_id=0, changed=0)  # fmt: skip
            await queue.enqueue(session, payload)
        await database.dispose()
        return ticket.id

    async def status_of(ticket_id: int) -> str:
        database = Db(settings.database)
        async with database.transaction() as session:
            found = await session.get(Ticket, ticket_id)
            assert found is not None
            status = found.status
        await database.dispose()
        return status

    ticket_id = aio.run(queue_a_job())
    process = subprocess.Popen([sys.executable, "-m", "passmint", "worker"], env=os.environ | env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_until(lambda: aio.run(status_of(ticket_id)) == "COMPLETED", "the worker runs the job", every=0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
