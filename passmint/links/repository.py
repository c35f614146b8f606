"""SQL for adaptive links and the passes they made, always scoped to one account (but a visit's lookup)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.kit.sql import insert_for, insert_unless_taken
from passmint.models import (
    AdaptiveLink,
    AdaptiveLinkPass,
    Certificate,
    DynamicLink,
    Journey,
    JourneyPass,
    Location,
    Pass,
    Project,
    Template,
)


async def add_unless_taken(session: AsyncSession, link: AdaptiveLink) -> AdaptiveLink | None:
    """The stored link, or None when its project has a link with its external id (or, once in 2^59,
    its public id is taken)."""
    if link.external_id is None:
        session.add(link)
        await session.flush()
        return link
    return await insert_unless_taken(session, link, ("project_id", "external_id"))


@dataclass(frozen=True)
class Stamp:
    """What a shared pass's signed file is made from besides the pass itself, as versions."""

    vendor: str
    template_changed_at: datetime
    versions: tuple[object, ...]


async def by_public_id(
    session: AsyncSession, public_id: str, pass_column: str | None
) -> tuple[AdaptiveLink, Pass | None, Stamp | None] | None:
    """A visit's one lookup: the link by its public id (unique index), with the shared pass its
    ``pass_column`` (``ios_pass_id``/``android_pass_id``) names, when there is one, and that pass's
    ``stamp``: the versions of everything its signed file is made from (see ``_stamp_columns``)."""
    if pass_column is None:
        link = await session.scalar(select(AdaptiveLink).where(AdaptiveLink.public_id == public_id))
        return None if link is None else (link, None, None)
    statement = (
        select(AdaptiveLink, Pass, *_stamp_columns())
        .outerjoin(Pass, Pass.id == getattr(AdaptiveLink, pass_column))
        .outerjoin(Template, Template.id == Pass.template_id)
        .outerjoin(Project, Project.id == Template.project_id)
        .outerjoin(JourneyPass, JourneyPass.pass_id == Pass.id)
        .outerjoin(Journey, Journey.id == JourneyPass.journey_id)
        .outerjoin(Certificate, _signing_certificate())
        .where(AdaptiveLink.public_id == public_id)
    )
    row = (await session.execute(statement)).first()
    if row is None:
        return None
    stamp = None if row[1] is None else Stamp(row[3], row[5], tuple(row[2:]))
    return row[0], row[1], stamp


def _stamp_columns() -> list[Any]:
    """The pass's template and project versions, its journey's, its signing certificate's (the
    project's own, else the account's default Apple one) and its places' (count and newest id: places
    are only ever added or deleted, and ids are never reused, so the two name the set)."""
    near = or_(Location.pass_id == Pass.id, Location.template_id == Pass.template_id)
    return [
        Template.id, Template.vendor, Template.change_seq, Template.updated_at,
        Project.id, Project.updated_at, Project.apple_certificate_id,
        Certificate.id, Certificate.updated_at,
        Journey.id, Journey.updated_at,
        select(func.count(Location.id)).where(near).correlate(Pass).scalar_subquery(),
        select(func.max(Location.id)).where(near).correlate(Pass).scalar_subquery(),
    ]  # fmt: skip


def _signing_certificate() -> ColumnElement[bool]:
    """The certificate ``certificates.service.project_signer`` signs the pass with (if stored)."""
    default = and_(
        Project.apple_certificate_id.is_(None),
        Certificate.vendor == "Apple",
        Certificate.is_default.is_(True),
    )
    return and_(
        Certificate.account_id == Pass.account_id,
        or_(Certificate.id == Project.apple_certificate_id, default),
    )


async def of_account(session: AsyncSession, account_id: int, public_id: str) -> AdaptiveLink | None:
    statement = select(AdaptiveLink).where(
        AdaptiveLink.account_id == account_id, AdaptiveLink.public_id == public_id
    )
    return await session.scalar(statement)


async def by_external_id(
    session: AsyncSession, account_id: int, external_id: str, project_id: int | None = None
) -> Sequence[AdaptiveLink]:
    statement = select(AdaptiveLink).where(
        AdaptiveLink.account_id == account_id, AdaptiveLink.external_id == external_id
    )
    if project_id is not None:
        statement = statement.where(AdaptiveLink.project_id == project_id)
    return (await session.scalars(statement.limit(2))).all()


async def with_pass_link(session: AsyncSession, account_id: int, pass_link_id: object) -> AdaptiveLink | None:
    """A link of the account one of whose halves has this pass-link id."""
    statement = select(AdaptiveLink).where(
        AdaptiveLink.account_id == account_id,
        or_(AdaptiveLink.ios_pass_link_id == pass_link_id, AdaptiveLink.android_pass_link_id == pass_link_id),
    )
    return await session.scalar(statement.limit(1))


async def dynamic_link(session: AsyncSession, account_id: int, link_id: object) -> DynamicLink | None:
    statement = select(DynamicLink).where(DynamicLink.account_id == account_id, DynamicLink.id == link_id)
    return await session.scalar(statement)


async def page(
    session: AsyncSession,
    condition: ColumnElement[bool],
    size: int,
    after: int | None,
) -> Sequence[AdaptiveLink]:
    """Up to ``size + 1`` links meeting ``condition``, oldest first, after the link with id ``after``."""
    statement: Select[AdaptiveLink] = select(AdaptiveLink).where(condition)
    if after is not None:
        statement = statement.where(AdaptiveLink.id > after)
    return (await session.scalars(statement.order_by(AdaptiveLink.id).limit(size + 1))).all()


def in_account(account_id: int) -> ColumnElement[bool]:
    return AdaptiveLink.account_id == account_id


def in_project(account_id: int, project_id: int, template_id: int | None = None) -> ColumnElement[bool]:
    condition = and_(AdaptiveLink.account_id == account_id, AdaptiveLink.project_id == project_id)
    if template_id is None:
        return condition
    uses = or_(AdaptiveLink.ios_template_id == template_id, AdaptiveLink.android_template_id == template_id)
    return and_(condition, uses)


def made_by(link_id: int) -> ColumnElement[bool]:
    """The passes a link made (a condition on ``Pass``)."""
    return Pass.id.in_(select(AdaptiveLinkPass.pass_id).where(AdaptiveLinkPass.link_id == link_id))


async def passes_by_external_id(session: AsyncSession, link_id: int, external_id: str) -> Sequence[Pass]:
    statement = (
        select(Pass)
        .join(AdaptiveLinkPass, AdaptiveLinkPass.pass_id == Pass.id)
        .where(AdaptiveLinkPass.link_id == link_id, Pass.external_id == external_id)
        .order_by(Pass.id)
    )
    return (await session.scalars(statement)).all()


async def names(session: AsyncSession, link: AdaptiveLink) -> tuple[Project, dict[int, str | None]]:
    """The link's project and the external ids of its templates, by template id."""
    project = await session.get(Project, link.project_id)
    assert project is not None  # the foreign key guarantees it
    ids = [t for t in (link.ios_template_id, link.android_template_id) if t is not None]
    rows = await session.execute(select(Template.id, Template.external_id).where(Template.id.in_(ids)))
    return project, {row.id: row.external_id for row in rows}


async def remove(session: AsyncSession, link: AdaptiveLink) -> None:
    await session.delete(link)
    await session.flush()


async def take_pass(session: AsyncSession, link_id: int) -> bool:
    """Count one more pass made by the link, unless none is left (one conditional update)."""
    statement = (
        update(AdaptiveLink)
        .where(AdaptiveLink.id == link_id, AdaptiveLink.available_passes > 0)
        .values(available_passes=AdaptiveLink.available_passes - 1, updated_at=AdaptiveLink.updated_at)
        .execution_options(synchronize_session=False)
    )
    return bool((await session.execute(statement)).rowcount)  # type: ignore[attr-defined]


async def take_delivery(session: AsyncSession, link_id: int, limit: int | None) -> bool:
    """Count one more pass handed out by the link, unless its install limit is reached."""
    statement = update(AdaptiveLink).where(AdaptiveLink.id == link_id)
    if limit is not None:
        statement = statement.where(AdaptiveLink.deliveries < limit)
    statement = statement.values(deliveries=AdaptiveLink.deliveries + 1, updated_at=AdaptiveLink.updated_at)
    result = await session.execute(statement.execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def take_pass_delivery(session: AsyncSession, pass_id: int, limit: int | None) -> bool:
    """Count one more handing out of one pass, unless its limit is reached."""
    statement = update(AdaptiveLinkPass).where(AdaptiveLinkPass.pass_id == pass_id)
    if limit is not None:
        statement = statement.where(AdaptiveLinkPass.deliveries < limit)
    statement = statement.values(deliveries=AdaptiveLinkPass.deliveries + 1)
    result = await session.execute(statement.execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def record_pass(session: AsyncSession, link_id: int, pass_id: int, deliveries: int) -> None:
    """Note that the link made this pass (and has handed it out ``deliveries`` times)."""
    await session.execute(
        insert_for(session, AdaptiveLinkPass).values(link_id=link_id, pass_id=pass_id, deliveries=deliveries)
    )


async def claim_shared_pass(session: AsyncSession, link_id: int, column: str, pass_id: int) -> bool:
    """Make ``pass_id`` the link's one pass for a platform, unless another visit already did."""
    target = getattr(AdaptiveLink, column)
    statement = (
        update(AdaptiveLink)
        .where(AdaptiveLink.id == link_id, target.is_(None))
        .values({column: pass_id, "updated_at": AdaptiveLink.updated_at})
        .execution_options(synchronize_session=False)
    )
    return bool((await session.execute(statement)).rowcount)  # type: ignore[attr-defined]


async def shared_pass(session: AsyncSession, link_id: int, column: str) -> int | None:
    found: int | None = await session.scalar(
        select(getattr(AdaptiveLink, column)).where(AdaptiveLink.id == link_id)
    )
    return found


async def touch(session: AsyncSession, link_id: int, now: datetime, before: datetime) -> None:
    """Mark the link active now, when it was last marked before ``before`` (so at most once a day)."""
    statement = (
        update(AdaptiveLink)
        .where(AdaptiveLink.id == link_id, AdaptiveLink.active_at < before)
        .values(active_at=now, updated_at=AdaptiveLink.updated_at)
        .execution_options(synchronize_session=False)
    )
    await session.execute(statement)


async def pass_ids(session: AsyncSession, link_id: int) -> list[int]:
    """The ids of every pass the link made."""
    statement = select(AdaptiveLinkPass.pass_id).where(AdaptiveLinkPass.link_id == link_id)
    return list((await session.scalars(statement.order_by(AdaptiveLinkPass.pass_id))).all())
