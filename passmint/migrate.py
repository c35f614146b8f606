"""Schema migrations (Alembic), run from code for ``passmint db upgrade`` and ``passmint serve``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """An Alembic configuration for this package's migrations against ``database_url``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head", *, secret_key: str | None = None) -> None:
    """Bring the schema to ``revision``; safe to run from several processes at once. ``secret_key`` (the
    one in force) is needed by migrations that seal secrets already stored."""
    config = alembic_config(database_url)
    config.attributes["secret_key"] = secret_key
    command.upgrade(config, revision)
