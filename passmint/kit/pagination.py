"""Page-based listing as the Airship reference defines it: page, pageSize, order, direction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from passmint.kit.ids import MAX_ID
from passmint.kit.schemas import ApiModel

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 1000

T = TypeVar("T")
SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])


class Direction(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Which page of a listing a client asked for; ``order`` is the wire name of the sort key."""

    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    order: str = "id"
    direction: Direction = Direction.DESC

    @property
    def start(self) -> int:
        """Index of the first result on the page, counting from 0."""
        return (self.page - 1) * self.page_size


class Pagination(ApiModel):
    """The ``pagination`` object of every list response."""

    order: str
    page: int
    start: int
    direction: Direction
    page_size: int

    @classmethod
    def of(cls, request: PageRequest) -> Pagination:
        return cls(
            order=request.order,
            page=request.page,
            start=request.start,
            direction=request.direction,
            page_size=request.page_size,
        )


async def paginate(
    session: AsyncSession,
    statement: Select[T],
    request: PageRequest,
    sort_columns: Mapping[str, InstrumentedAttribute[Any]],
) -> tuple[Sequence[T], int]:
    """One page of ``statement``'s rows, sorted as asked (ties broken by ``id``), and the total count."""
    total = await count(session, statement)
    rows = await session.scalars(page_of(statement, request, sort_columns))
    return rows.all(), total


async def count(session: AsyncSession, statement: Select[Any]) -> int:
    """How many rows ``statement`` selects."""
    total: int | None = await session.scalar(counting(statement))
    return total or 0


def counting(statement: Select[Any]) -> Select[int]:
    """The statement counting the rows ``statement`` selects."""
    return select(func.count()).select_from(statement.order_by(None).subquery())


def page_of(
    statement: SelectT,
    request: PageRequest,
    sort_columns: Mapping[str, InstrumentedAttribute[Any]],
    *,
    bound: bool = False,
) -> SelectT:
    """``statement`` limited to the page asked for, sorted as asked (ties broken by ``id``); ``bound``:
    with the parameters ``offset`` and ``limit`` in place of the request's (see ``window``)."""
    column = sort_columns[request.order]
    tie_breaker = sort_columns["id"]
    ordering = [column.asc(), tie_breaker.asc()]
    if request.direction is Direction.DESC:
        ordering = [column.desc(), tie_breaker.desc()]
    ordered = statement.order_by(*ordering)
    if bound:
        return ordered.offset(bindparam("offset")).limit(bindparam("limit"))
    return ordered.offset(window(request)["offset"]).limit(request.page_size)


def window(request: PageRequest) -> dict[str, int]:
    """The ``offset`` and ``limit`` parameters of a page built with ``page_of(..., bound=True)``."""
    offset = min(request.start, MAX_ID)  # a page past every row that can exist is empty, not an error
    return {"offset": offset, "limit": request.page_size}
