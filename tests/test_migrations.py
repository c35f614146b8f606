"""Migrations and models agree, on every backend."""

from __future__ import annotations

from alembic import command

from passmint.config import Settings
from passmint.migrate import alembic_config


def test_models_match_the_migrations(settings: Settings) -> None:
    command.check(alembic_config(settings.database))  # raises if autogenerate would add anything
