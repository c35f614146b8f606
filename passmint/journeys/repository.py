"""SQL for flights and events, their pass groups and the passes that show them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.kit.sql import insert_for, insert_unless_taken
from passmint.kit.time import utcnow
from passmint.models import Journey, JourneyGroup, JourneyPass, Pass


async def get(session: AsyncSession, project_id: int, kind: str, journey_id: int) -> Journey | None:
    found = await session.get(Journey, journey_id)
    return found if found is not None and (found.project_id, found.kind) == (project_id, kind) else None


async def by_external_id(
    session: AsyncSession, project_id: int, kind: str, external_id: str
) -> Journey | None:
    statement = select(Journey).where(
        Journey.project_id == project_id, Journey.kind == kind, Journey.external_id == external_id
    )
    return (await session.scalars(statement)).one_or_none()


async def add_unless_taken(session: AsyncSession, journey: Journey) -> Journey | None:
    """The stored journey, or None when its project has a journey of its kind with its external id (a
    request racing for the same new flight made it first): the unique constraint decides."""
    return await insert_unless_taken(session, journey, ("project_id", "kind", "external_id"))


async def remove(session: AsyncSession, journey: Journey) -> None:
    await session.delete(journey)
    await session.flush()


async def groups(session: AsyncSession, journey_id: int) -> list[str]:
    statement = (
        select(JourneyGroup.name).where(JourneyGroup.journey_id == journey_id).order_by(JourneyGroup.name)
    )
    return list((await session.scalars(statement)).all())


async def add_groups(session: AsyncSession, journey: Journey, names: Sequence[str]) -> None:
    """Groups the journey is in already are left alone (also when a racing request just added them)."""
    rows = [
        {"journey_id": journey.id, "name": name, "project_id": journey.project_id, "kind": journey.kind}
        for name in dict.fromkeys(names)
    ]
    if rows:
        await session.execute(insert_for(session, JourneyGroup).values(rows).on_conflict_do_nothing())


async def remove_group(session: AsyncSession, journey_id: int, name: str) -> bool:
    statement = delete(JourneyGroup).where(JourneyGroup.journey_id == journey_id, JourneyGroup.name == name)
    return bool((await session.execute(statement)).rowcount)  # type: ignore[attr-defined]


async def clear_groups(session: AsyncSession, journey_id: int) -> None:
    await session.execute(delete(JourneyGroup).where(JourneyGroup.journey_id == journey_id))


async def in_group(session: AsyncSession, project_id: int, kind: str, name: str) -> Sequence[Journey]:
    members = select(JourneyGroup.journey_id).where(
        JourneyGroup.project_id == project_id, JourneyGroup.kind == kind, JourneyGroup.name == name
    )
    statement = select(Journey).where(Journey.id.in_(members)).order_by(Journey.id)
    return (await session.scalars(statement)).all()


def shows(journey_ids: Sequence[int]) -> ColumnElement[bool]:
    """Passes showing one of these journeys."""
    return Pass.id.in_(select(JourneyPass.pass_id).where(JourneyPass.journey_id.in_(journey_ids)))


async def extent(session: AsyncSession, journey_ids: Sequence[int]) -> tuple[int, int]:
    """How many passes show these journeys, and the highest pass id among them."""
    statement = select(func.count(), func.max(JourneyPass.pass_id)).where(
        JourneyPass.journey_id.in_(journey_ids)
    )
    count, last = (await session.execute(statement)).one()
    return int(count), int(last or 0)


async def touch_batch(
    session: AsyncSession, journey_ids: Sequence[int], *, after_id: int, last_id: int, limit: int
) -> list[int]:
    """Give the next ``limit`` passes (by id, in ``(after_id, last_id]``) showing these journeys a new
    ``updated_at``; their ids."""
    statement = (
        select(JourneyPass.pass_id)
        .where(
            JourneyPass.journey_id.in_(journey_ids),
            JourneyPass.pass_id > after_id,
            JourneyPass.pass_id <= last_id,
        )
        .order_by(JourneyPass.pass_id)
        .limit(limit)
    )
    ids = list((await session.scalars(statement)).all())
    if ids:
        stamp = update(Pass).where(Pass.id.in_(ids)).values(updated_at=utcnow())
        await session.execute(stamp, execution_options={"synchronize_session": False})
    return ids


async def link(session: AsyncSession, journey_id: int, pass_ids: Sequence[int]) -> None:
    """These passes show this journey (and no other): one upsert, so racing requests cannot collide."""
    rows = [{"pass_id": pass_id, "journey_id": journey_id} for pass_id in dict.fromkeys(pass_ids)]
    statement = insert_for(session, JourneyPass).values(rows)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["pass_id"], set_={"journey_id": statement.excluded.journey_id}
        )
    )
    stamp = update(Pass).where(Pass.id.in_(pass_ids)).values(updated_at=utcnow())
    await session.execute(stamp, execution_options={"synchronize_session": False})
    await session.flush()


async def pass_ids(session: AsyncSession, journey_id: int) -> list[int]:
    statement = select(JourneyPass.pass_id).where(JourneyPass.journey_id == journey_id)
    return list((await session.scalars(statement)).all())
