"""SQL for callback specs."""

from __future__ import annotations

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.kit.sql import insert_unless_taken
from passmint.models import CallbackSpec, Pass, Template


async def get(session: AsyncSession, project_id: int) -> CallbackSpec | None:
    return await session.scalar(select(CallbackSpec).where(CallbackSpec.project_id == project_id))


async def get_apart(session: AsyncSession, project_id: int) -> CallbackSpec | None:
    """Like ``get``, read in a short transaction of its own on the same database (the row comes back
    detached), so that ``session``'s transaction holds no read snapshot while its caller waits on the
    network: on SQLite, such a snapshot makes that transaction's later write fail ("database is
    locked") whenever another job commits in the meantime."""
    async with AsyncSession(session.bind, expire_on_commit=False) as reader:
        return await get(reader, project_id)


async def add(session: AsyncSession, spec: CallbackSpec) -> CallbackSpec | None:
    """Insert ``spec`` and answer the stored row; None (and nothing written) when its project has one
    already, decided by the database so that two racing requests cannot both add one."""
    return await insert_unless_taken(session, spec, ["project_id"])


async def delete(session: AsyncSession, spec: CallbackSpec) -> None:
    await session.delete(spec)
    await session.flush()


async def project_with_spec(session: AsyncSession, template_id: int) -> int | None:
    """The id of the template's project if that project has a callback spec, else None."""
    return await session.scalar(
        select(CallbackSpec.project_id)
        .join(Template, Template.project_id == CallbackSpec.project_id)
        .where(Template.id == template_id)
    )


async def load_attributes(session: AsyncSession, pass_: Pass, names: tuple[str, ...]) -> None:
    """Load those of ``names`` that are not loaded (expired after a flush, say) in one query."""
    unloaded = inspect(pass_).unloaded
    missing = [name for name in names if name in unloaded]
    if missing:
        await session.refresh(pass_, missing)
