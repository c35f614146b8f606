"""Statements in the session's own dialect: inserts that are safe under concurrency, point lookups.

A read-then-insert ("is it there? no: add it") lets two requests both read "no" and the second insert
fail on the unique constraint. ``ON CONFLICT`` makes the database decide, atomically, on SQLite and
PostgreSQL alike, and needs no savepoint (which SQLite's Python driver does not nest reliably).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Column, ColumnElement, Connection, Executable, Row, Table, TextClause, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict

from passmint.kit.sqlite_driver import POINT_LOOKUP

Insert = postgresql.Insert | sqlite.Insert
RowT = TypeVar("RowT")
SelectT = TypeVar("SelectT", bound=Executable)
AnyRow = Row[*tuple[Any, ...]]
"""A row of any columns."""


def point_lookup(statement: SelectT) -> SelectT:
    """``statement``, a read of a few rows found by a primary key or unique index (its joins and
    subqueries as bounded), marked so: on SQLite it runs in the event loop's thread instead of a hand-off
    to the connection's (``kit.sqlite_driver``). Mark it where it is built, once; never a read that
    scans, counts or lists an unbounded set (it would hold up the event loop while it runs). Run it
    through the session, or ``plain_rows``: ``AsyncConnection.execute`` refuses a statement
    that made no hand-off to the driver (SQLAlchemy's ``AwaitRequired``)."""
    return statement.execution_options(**{POINT_LOOKUP: True})


async def plain_rows(
    session: AsyncSession, statement: Executable, values: Mapping[str, Any]
) -> Sequence[AnyRow]:
    """The rows of ``statement`` run on the session's connection: plain rows, no ORM objects made
    (through ``run_sync``, which, unlike ``AsyncConnection.execute``, takes a ``point_lookup``)."""
    connection = await session.connection()
    return await connection.run_sync(_all_rows, statement, values)


def _all_rows(connection: Connection, statement: Executable, values: Mapping[str, Any]) -> Sequence[AnyRow]:
    return connection.execute(statement, values).all()


def insert_for(session: AsyncSession, model: type[Any] | Table) -> Insert:
    """An ``INSERT`` into ``model``'s table (or into a table) with ``on_conflict_do_nothing`` and
    ``on_conflict_do_update`` available."""
    assert session.bind is not None
    if session.bind.dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


def table_of(model: type[Any]) -> Table:
    """A mapped class's table, for Core statements built once (they skip the ORM's per-call work)."""
    table: Table = model.__table__
    return table


def column_values(row: object) -> dict[str, Any]:
    """The column values set on an unsaved ORM object (defaults are left to the insert), by column key
    (read from the object's own dict: an unset attribute is absent there, a read through the mapped
    attribute costs an attribute event per column)."""
    set_ = instance_dict(row)
    return {column.key: value for key, column in _columns(type(row)) if (value := set_.get(key)) is not None}


async def insert_row(session: AsyncSession, row: RowT) -> RowT:
    """Insert the unsaved ``row`` (one ``INSERT ... RETURNING``) and answer it, stored and in the session."""
    statement = _insert(session, type(row), None)
    stored = await _inserted(session, row, statement)
    assert stored is not None
    return stored


async def insert_unless_taken(
    session: AsyncSession,
    row: RowT,
    unique: Iterable[str],
    *,
    where: ColumnElement[bool] | TextClause | None = None,
    computed: tuple[tuple[str, ColumnElement[Any]], ...] = (),
) -> RowT | None:
    """Insert the unsaved ``row`` and answer the stored row, or None (and nothing written) when a row
    with the same values in the ``unique`` columns exists: the database's unique constraint decides,
    so two requests racing for the same value cannot both win, and neither fails. ``computed``: columns
    whose values SQL computes in the insert (the same expressions on every call: the statement is kept)."""
    if where is None:
        statement = _insert(session, type(row), tuple(unique), computed)
    else:
        statement = (
            insert_for(session, table_of(type(row)))
            .on_conflict_do_nothing(index_elements=list(unique), index_where=where)
            .returning(*table_of(type(row)).columns)
        )
    return await _inserted(session, row, statement)


_STATEMENTS: dict[tuple[str, type[Any], tuple[str, ...] | None, tuple[str, ...]], Executable] = {}
_COLUMNS: dict[type[Any], list[tuple[str, Column[Any]]]] = {}


def _columns(model: type[Any]) -> list[tuple[str, Column[Any]]]:
    """Each column attribute of a mapped class, with its column."""
    found = _COLUMNS.get(model)
    if found is None:
        found = _COLUMNS[model] = [(prop.key, prop.columns[0]) for prop in inspect(model).column_attrs]
    return found


def _insert(
    session: AsyncSession,
    model: type[Any],
    unique: tuple[str, ...] | None,
    computed: tuple[tuple[str, ColumnElement[Any]], ...] = (),
) -> Executable:
    """``INSERT ... RETURNING`` every column of ``model``'s table (``ON CONFLICT (unique) DO NOTHING``
    when given), in Core, built once per dialect and run with the row's values as parameters: SQLAlchemy
    compiles it once, and the ORM's unit of work (a flush, or an ORM insert) is not paid on every row."""
    assert session.bind is not None
    key = (session.bind.dialect.name, model, unique, tuple(name for name, _ in computed))
    found = _STATEMENTS.get(key)
    if found is None:
        insert = insert_for(session, table_of(model))
        if computed:
            insert = insert.values(dict(computed))
        if unique is not None:
            insert = insert.on_conflict_do_nothing(index_elements=list(unique))
        found = _STATEMENTS[key] = insert.returning(*table_of(model).columns)
    return found


async def _inserted(session: AsyncSession, row: RowT, statement: Executable) -> RowT | None:
    """Run an insert of the unsaved ``row`` returning its columns; the row, now stored, joins the
    session as if loaded (or None when the insert wrote nothing)."""
    stored = (await session.execute(statement, column_values(row))).first()
    if stored is None:
        return None
    values, mapping = instance_dict(row), stored._mapping
    for key, column in _columns(type(row)):
        values[key] = mapping[column]
    make_transient_to_detached(row)  # every value as loaded: no history, nothing to flush
    session.add(row)
    return row
