"""Structured logs: one JSON object a line, with a record's extra fields, and never a secret."""

from __future__ import annotations

import json
import logging
import traceback

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.accounts import service as account_service
from passmint.db import Database
from passmint.deps import SessionDep
from passmint.logs import JsonFormatter, configure_logging, redact_path
from tests.conftest import ApiClient
from tests.factories import create_pass, create_project, create_template


def test_a_record_is_one_json_object_with_its_extras() -> None:
    record = logging.makeLogRecord(
        {"name": "passmint.http", "levelname": "INFO", "msg": "GET %s %s", "args": ("/v1/project", 200),
         "status": 200, "color_message": "\x1b[36mGET\x1b[0m"}
    )  # fmt: skip
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "GET /v1/project 200"
    assert (entry["level"], entry["logger"], entry["status"]) == ("info", "passmint.http", 200)
    assert entry["time"].endswith("Z")
    assert "color_message" not in entry


def test_paths_with_a_credential_are_redacted() -> None:
    assert redact_path("/v1/download/pass/s3cr3t-t0ken") == "/v1/download/pass/[redacted]"
    assert redact_path("/v1/download/pass/s3cr3t/x") == "/v1/download/pass/[redacted]/x"
    assert redact_path("/v1/pass/dynamic/0b6f1c2e-link") == "/v1/pass/dynamic/[redacted]"
    assert redact_path("/v1/pass/12/download") == "/v1/pass/12/download"
    serial = "/apple/v1/passes/pass.dev.passmint/0b1c2d3e"  # identifies; its credential is a header
    assert redact_path(serial) == serial


async def test_a_public_download_is_logged_without_its_token(
    api: ApiClient, anonymous: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    project = await create_project(api)
    created = await create_pass(api, await create_template(api, project["id"]))
    path = created["publicUrl"]["path"].removeprefix("http://localhost")
    token = path.rsplit("/", 1)[1]
    with caplog.at_level(logging.INFO):
        caplog.clear()
        assert (await anonymous.get(path)).status_code == 200
    logged = [record for record in caplog.records if record.name.startswith("passmint")]
    assert [record.getMessage() for record in logged] == ["GET /v1/download/pass/[redacted] 200"]
    assert token not in JsonFormatter().format(logged[0])


SECRET = "s3cr3t-value-0123456789"
FAILING_INSERT = text(
    "INSERT INTO api_keys (account_id, name, key, secret_hash) VALUES (:account, :name, NULL, :hash)"
)  # NOT NULL fails: SQLite names the column, PostgreSQL adds DETAIL "Failing row contains (...)"


async def _database_error(database: Database, account_id: int) -> DBAPIError:
    try:
        async with database.transaction() as session:
            await session.execute(FAILING_INSERT, {"account": account_id, "name": SECRET, "hash": SECRET})
    except DBAPIError as error:
        return error
    raise AssertionError("the insert did not fail")


async def test_an_unhandled_database_error_is_logged_without_values(
    app: FastAPI, database: Database, session: AsyncSession, caplog: pytest.LogCaptureFixture
) -> None:
    account = (await account_service.create_key(session, name="a")).account
    await session.commit()

    @app.post("/test-only/database-error")
    async def fail(request_session: SessionDep) -> None:
        await request_session.execute(FAILING_INSERT, {"account": account.id, "name": SECRET, "hash": SECRET})

    try:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            with caplog.at_level(logging.INFO):
                response = await client.post("/test-only/database-error")
    finally:
        app.router.routes.pop()
    assert response.status_code == 500
    [record] = [record for record in caplog.records if record.name == "passmint.http_errors"]
    assert SECRET not in caplog.text
    entry = json.loads(JsonFormatter().format(record))
    assert SECRET not in json.dumps(entry)
    assert entry["database_error"]["kind"] == "IntegrityError"
    assert "INSERT INTO api_keys" in entry["database_error"]["statement"]
    assert "fail" in entry["exception"] and "IntegrityError" in entry["exception"]  # frames and kinds stay


async def test_every_logger_hides_a_database_errors_values(
    database: Database, session: AsyncSession, capsys: pytest.CaptureFixture[str]
) -> None:
    """uvicorn logs an error the app re-raises; the handler ``configure_logging`` installs scrubs it too."""
    account = (await account_service.create_key(session, name="a")).account
    await session.commit()
    error = await _database_error(database, account.id)
    if not database.is_sqlite:  # asyncpg's error, the cause of SQLAlchemy's, quotes the row in DETAIL
        assert SECRET in "".join(traceback.format_exception(error))
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging("INFO")
        logging.getLogger("uvicorn.error").error("Exception in ASGI application", exc_info=error)
        logging.getLogger("passmint.jobs.worker").exception("job failed", exc_info=error)
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
    output = capsys.readouterr().err
    assert "Exception in ASGI application" in output and "job failed" in output
    assert SECRET not in output
    assert "api_keys" in output  # the statement (and SQLite's message) name the table
