"""SQL for projects, always scoped to one account, and for the templates a project holds (listed and
copied with it; a template's own queries are in ``templates/repository.py``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.kit.pagination import PageRequest, paginate
from passmint.kit.refs import Ref
from passmint.kit.sql import insert_unless_taken
from passmint.models import Location, Project, Template, clone

SORT_COLUMNS = {
    "id": Project.id,
    "name": Project.name,
    "createdAt": Project.created_at,
    "updatedAt": Project.updated_at,
}


async def get(session: AsyncSession, account_id: int, ref: Ref) -> Project | None:
    statement = select(Project).where(Project.account_id == account_id)
    if ref.external_id is not None:
        statement = statement.where(Project.external_id == ref.external_id)
    else:
        statement = statement.where(Project.id == ref.id)
    return await session.scalar(statement)


async def external_ids_like(session: AsyncSession, account_id: int, prefix: str) -> set[str]:
    rows = await session.scalars(
        select(Project.external_id).where(
            Project.account_id == account_id, Project.external_id.startswith(prefix, autoescape=True)
        )
    )
    return {row for row in rows if row is not None}


async def page(session: AsyncSession, account_id: int, request: PageRequest) -> tuple[Sequence[Project], int]:
    return await paginate(
        session, select(Project).where(Project.account_id == account_id), request, SORT_COLUMNS
    )


async def add(session: AsyncSession, project: Project) -> Project:
    session.add(project)
    await session.flush()
    return project


async def add_unless_taken(session: AsyncSession, project: Project) -> Project | None:
    """The stored project, or None (nothing written) when the account has its external id already."""
    return await insert_unless_taken(session, project, ("account_id", "external_id"))


async def templates_of(session: AsyncSession, project_ids: Sequence[int]) -> Sequence[Template]:
    """The live templates of these projects, in id order."""
    statement = select(Template).where(Template.project_id.in_(project_ids), Template.deleted_at.is_(None))
    return (await session.scalars(statement.order_by(Template.id))).all()


async def copy_template(session: AsyncSession, source: Template, *, project_id: int, name: str) -> Template:
    """A stored copy of ``source`` named ``name`` in project ``project_id``, with copies of its locations
    (its external id stays with the original)."""
    copy = clone(source, name=name, external_id=None, project_id=project_id)
    session.add(copy)
    await session.flush()
    rows = await session.scalars(
        select(Location).where(Location.template_id == source.id).order_by(Location.id)
    )
    session.add_all(Location(template_id=copy.id, data=row.data) for row in rows.all())
    await session.flush()
    return copy
