"""SQL for templates and their locations, always scoped to one account."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.kit.pagination import PageRequest, paginate
from passmint.kit.refs import Ref
from passmint.kit.sql import insert_unless_taken, point_lookup
from passmint.models import Location, Project, Template

SORT_COLUMNS = {
    "id": Template.id,
    "name": Template.name,
    "createdAt": Template.created_at,
    "updatedAt": Template.updated_at,
}


def _live(account_id: int) -> Select[Template]:
    return select(Template).where(Template.account_id == account_id, Template.deleted_at.is_(None))


async def get(session: AsyncSession, account_id: int, ref: Ref) -> Template | None:
    statement = _live(account_id)
    if ref.external_id is not None:
        statement = statement.where(Template.external_id == ref.external_id)
    else:
        statement = statement.where(Template.id == ref.id)
    return await session.scalar(statement)


_WITH_PROJECT = point_lookup(
    select(Template, Project)
    .join(Project, Project.id == Template.project_id)
    .where(Template.account_id == bindparam("account_id"), Template.deleted_at.is_(None))
)
_WITH_PROJECT_BY_ID = _WITH_PROJECT.where(Template.id == bindparam("key"))
_WITH_PROJECT_BY_EXTERNAL_ID = _WITH_PROJECT.where(Template.external_id == bindparam("key"))
"""Built once, with the values as parameters, so SQLAlchemy reuses their compiled form and cache key
(every new pass reads its template this way); point lookups, by the id or the account's unique external
id (``kit.sql.point_lookup``)."""


async def get_with_project(
    session: AsyncSession, account_id: int, ref: Ref
) -> tuple[Template, Project] | None:
    """``get``, with the template's project, in one query."""
    key: str | int | None
    if ref.external_id is not None:
        statement, key = _WITH_PROJECT_BY_EXTERNAL_ID, ref.external_id
    else:
        statement, key = _WITH_PROJECT_BY_ID, ref.id
    row = (await session.execute(statement, {"account_id": account_id, "key": key})).first()
    return None if row is None else (row[0], row[1])


async def external_id_taken(session: AsyncSession, account_id: int, external_id: str) -> bool:
    found = await session.scalar(
        select(Template.id).where(Template.account_id == account_id, Template.external_id == external_id)
    )
    return found is not None


async def page(
    session: AsyncSession, account_id: int, request: PageRequest, *, project_id: int | None = None
) -> tuple[Sequence[Template], int]:
    statement = _live(account_id)
    if project_id is not None:
        statement = statement.where(Template.project_id == project_id)
    return await paginate(session, statement, request, SORT_COLUMNS)


async def projects_by_id(session: AsyncSession, project_ids: set[int]) -> dict[int, Project]:
    rows = await session.scalars(select(Project).where(Project.id.in_(project_ids)))
    return {project.id: project for project in rows}


async def locations(session: AsyncSession, template_id: int) -> Sequence[Location]:
    rows = await session.scalars(
        select(Location).where(Location.template_id == template_id).order_by(Location.id)
    )
    return rows.all()


async def replace_locations(session: AsyncSession, template_id: int, data: list[dict[str, object]]) -> None:
    await session.execute(delete(Location).where(Location.template_id == template_id))
    session.add_all(Location(template_id=template_id, data=item) for item in data)
    await session.flush()


async def add_locations(
    session: AsyncSession, template_id: int, data: list[dict[str, object]]
) -> list[Location]:
    rows = [Location(template_id=template_id, data=item) for item in data]
    session.add_all(rows)
    await session.flush()
    return rows


async def get_location(session: AsyncSession, template_id: int, location_id: int) -> Location | None:
    return await session.scalar(
        select(Location).where(Location.template_id == template_id, Location.id == location_id)
    )


async def add(session: AsyncSession, template: Template) -> Template:
    session.add(template)
    await session.flush()
    return template


async def add_unless_taken(session: AsyncSession, template: Template) -> Template | None:
    """The stored template, or None (nothing written) when the account has its external id already."""
    return await insert_unless_taken(session, template, ("account_id", "external_id"))


async def remove(session: AsyncSession, row: Location) -> None:
    await session.delete(row)
    await session.flush()
