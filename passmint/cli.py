"""The ``passmint`` command: serve, migrate, manage API keys, and build passes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
import uvicorn
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from passmint import migrate
from passmint.accounts import service as account_service
from passmint.apple.cli import certs_app, pkpass_app
from passmint.config import Settings, load_settings
from passmint.db import Database
from passmint.errors import InvalidInput, PassmintError
from passmint.kit.time import format_utc
from passmint.logs import configure_logging

T = TypeVar("T")

app = typer.Typer(
    help="passmint: Apple Wallet and Google Wallet passes on your own machine.", no_args_is_help=True
)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys: the Basic-auth credentials of an account.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")
app.add_typer(certs_app, name="certs")
app.add_typer(pkpass_app, name="pkpass")

console = Console()
errors = Console(stderr=True)


def _prepared() -> Settings:
    """Settings with logging configured and the schema migrated to the newest version."""
    settings = load_settings()
    configure_logging(settings.log_level)
    migrate.upgrade(settings.database)
    return settings


def _in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one committed transaction; a passmint error ends the command with its message."""

    async def run() -> T:
        database = Database(settings.database)
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


def main() -> None:
    app()
