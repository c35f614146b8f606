"""The ``passmint`` command: serve, migrate, manage API keys, and build passes."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
import uvicorn
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from passmint import migrate
from passmint.accounts import service as account_service
from passmint.app import open_database, outbound_client
from passmint.apple.cli import certs_app, pkpass_app
from passmint.config import Settings, load_settings
from passmint.errors import InvalidInput, PassmintError
from passmint.jobs import queue as job_queue
from passmint.jobs.registry import JobContext
from passmint.jobs.worker import Worker
from passmint.kit.time import format_utc
from passmint.logs import configure_logging
from passmint.stats import service as stats_service

T = TypeVar("T")

app = typer.Typer(
    help="passmint: Apple Wallet and Google Wallet passes on your own machine.", no_args_is_help=True
)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys: the Basic-auth credentials of an account.", no_args_is_help=True)
app.add_typer(db_app, name="db")
jobs_app = typer.Typer(help="Background jobs: list them, retry the dead ones.", no_args_is_help=True)
stats_app = typer.Typer(help="The counters behind statistics and activity.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(jobs_app, name="jobs")
app.add_typer(stats_app, name="stats")
app.add_typer(certs_app, name="certs")
app.add_typer(pkpass_app, name="pkpass")

console = Console()
errors = Console(stderr=True)


def _prepared() -> Settings:
    """Settings with logging configured and the schema migrated to the newest version."""
    settings = load_settings()
    configure_logging(settings.log_level)
    assert settings.secret_key is not None
    migrate.upgrade(settings.database, secret_key=settings.secret_key.get_secret_value())
    return settings


def _in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one committed transaction; a passmint error ends the command with its message."""

    async def run() -> T:
        database = open_database(settings.database)
        try:
            async with database.transaction() as session:
                return await work(session)
        finally:
            await database.dispose()

    try:
        return asyncio.run(run())
    except PassmintError as error:
        errors.print(f"[red]error:[/red] {error.message}")
        raise typer.Exit(2 if isinstance(error, InvalidInput) else 1) from None


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="API processes sharing the port.")] = 1,
) -> None:
    """Apply migrations, then serve the API."""
    settings = _prepared()
    console.print(f"passmint serving on http://{host}:{port} (database: {settings.database.split('://')[0]})")
    uvicorn.run(
        "passmint.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database schema to the newest version."""
    settings = _prepared()
    console.print(f"database is up to date ({settings.database.split('://')[0]})")


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option(help="A name for the key (and for its account, when new).")],
    account: Annotated[
        int | None, typer.Option(help="Add the key to this account instead of a new one.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the key as JSON.")] = False,
) -> None:
    """Create an API key; its secret is printed once and never stored in clear."""
    issued = _in_transaction(
        _prepared(), lambda s: account_service.create_key(s, name=name, account_id=account)
    )
    key, secret = issued.api_key.key, issued.secret
    if as_json:
        print(json.dumps({"key": key, "secret": secret, "account_id": issued.account.id}))
        return
    console.print(f"account: {issued.account.id} ({issued.account.name})")
    console.print(f"key:     {key}")
    console.print(f"secret:  {secret}")
    console.print("[yellow]The secret is shown only now: keep it safe.[/yellow]")


@keys_app.command("list")
def keys_list() -> None:
    """List API keys (never their secrets)."""
    rows = _in_transaction(_prepared(), account_service.list_keys)
    table = Table("key", "name", "account", "created", "revoked")
    for api_key, account in rows:
        revoked = format_utc(api_key.revoked_at) if api_key.revoked_at else ""
        table.add_row(
            api_key.key,
            api_key.name,
            f"{account.id} ({account.name})",
            format_utc(api_key.created_at),
            revoked,
        )
    console.print(table)


@keys_app.command("revoke")
def keys_revoke(key: Annotated[str, typer.Argument(help="The key to revoke.")]) -> None:
    """Revoke an API key: requests signed with it are refused from now on."""
    _in_transaction(_prepared(), lambda s: account_service.revoke_key(s, key))
    console.print(f"revoked {key}")


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(help="Jobs run at once in this process.")] = 8,
) -> None:
    """Run background jobs until stopped (SIGINT or SIGTERM); start as many as the load needs."""
    settings = _prepared()

    async def run() -> None:
        database = open_database(settings.database)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stop.set)
        try:
            async with outbound_client() as http:
                context = JobContext(settings, http)
                try:
                    await Worker(database, context, concurrency=concurrency).run_forever(stop)
                finally:
                    await context.aclose()
        finally:
            await database.dispose()

    console.print(f"passmint worker running {concurrency} jobs at a time; stop with Ctrl-C")
    asyncio.run(run())


@jobs_app.command("list")
def jobs_list(
    status: Annotated[str | None, typer.Option(help="queued, running, done or dead.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 50,
) -> None:
    """List jobs with their attempts and last error."""
    rows = _in_transaction(_prepared(), lambda s: job_queue.listed(s, status=status, limit=limit))
    table = Table("id", "name", "status", "attempts", "run at", "last error")
    for row in rows:
        table.add_row(
            str(row.id), row.name, row.status, f"{row.attempts}/{row.max_attempts}", format_utc(row.run_at),
            (row.last_error or "")[:120],
        )  # fmt: skip
    console.print(table)


@jobs_app.command("retry")
def jobs_retry(
    job_ids: Annotated[list[int] | None, typer.Argument(help="Dead jobs to queue again.")] = None,
    all_dead: Annotated[bool, typer.Option("--all-dead", help="Queue every dead job again.")] = False,
) -> None:
    """Queue dead jobs again, with their attempts counted from zero."""
    if not job_ids and not all_dead:
        errors.print("[red]error:[/red] name the jobs to retry, or pass --all-dead")
        raise typer.Exit(2)
    count = _in_transaction(_prepared(), lambda s: job_queue.retry(s, None if all_dead else job_ids))
    console.print(f"queued {count} job(s) again")


@stats_app.command("rebuild")
def stats_rebuild() -> None:
    """Recount every statistics counter from the passes and registrations (in one transaction)."""
    tally = _in_transaction(_prepared(), stats_service.rebuild)
    events = [sum(counts[index] for counts in tally.days.values()) for index in range(3)]
    console.print(
        f"recounted {len(tally.states)} template(s): {events[0]} created, {events[1]} installs, "
        f"{events[2]} uninstalls"
    )


def main() -> None:
    app()
