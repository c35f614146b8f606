"""Inserts that are safe under concurrency: ``INSERT ... ON CONFLICT`` in the session's own dialect.

A read-then-insert ("is it there? no: add it") lets two requests both read "no" and the second insert
fail on the unique constraint. ``ON CONFLICT`` makes the database decide, atomically, on SQLite and
PostgreSQL alike, and needs no savepoint (which SQLite's Python driver does not nest reliably).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Table, TextClause, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

Insert = postgresql.Insert | sqlite.Insert
RowT = TypeVar("RowT")


def insert_for(session: AsyncSession, model: type[Any] | Table) -> Insert:
    """An ``INSERT`` into ``model``'s table (or a table) with ``on_conflict_do_nothing``/``_do_update`` available."""
    assert session.bind is not None
    if session.bind.dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


def column_values(row: object) -> dict[str, Any]:
    """The column values set on an unsaved ORM object (defaults are left to the insert)."""
    mapper = inspect(type(row))
    values = {attribute.key: getattr(row, attribute.key) for attribute in mapper.column_attrs}
    return {key: value for key, value in values.items() if value is not None}


async def insert_unless_taken(
    session: AsyncSession,
    row: RowT,
    unique: Iterable[str],
    *,
    where: ColumnElement[bool] | TextClause | None = None,
) -> RowT | None:
    """Insert the unsaved ``row`` and answer the stored row, or None (and nothing written) when a row
    with the same values in the ``unique`` columns exists: the database's unique constraint decides,
    so two requests racing for the same value cannot both win, and neither fails."""
    statement = (
        insert_for(session, type(row))
        .values(column_values(row))
        .on_conflict_do_nothing(index_elements=list(unique), index_where=where)
        .returning(type(row))
    )
    stored: RowT | None = await session.scalar(statement)
    return stored
