"""Declarative base, portable column types and the shared id/timestamp columns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, TypeVar

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Integer, MetaData, inspect
from sqlalchemy.orm import DeclarativeBase, mapped_column
from sqlalchemy.types import TypeDecorator

from passmint.kit.time import as_utc, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite stores it without a zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        utc = as_utc(value)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


BigId = BigInteger().with_variant(Integer(), "sqlite")
"""64-bit ids on PostgreSQL; SQLite's INTEGER PRIMARY KEY is already 64-bit and autoincrements only so."""

IdPk = Annotated[int, mapped_column(BigId, primary_key=True)]
CreatedAt = Annotated[datetime, mapped_column(UtcDateTime(), default=utcnow)]
UpdatedAt = Annotated[datetime, mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


ModelT = TypeVar("ModelT", bound=Base)


FRESH_ON_CLONE = frozenset({"created_at", "updated_at"})


def clone(row: ModelT, **overrides: Any) -> ModelT:
    """A new, unsaved copy of ``row``: same column values but no primary key, fresh timestamps,
    then ``overrides`` applied."""
    mapper = inspect(type(row))
    skipped = FRESH_ON_CLONE | {column.key for column in mapper.primary_key}
    values = {attr.key: getattr(row, attr.key) for attr in mapper.column_attrs if attr.key not in skipped}
    values.update(overrides)
    return type(row)(**values)
