"""SQL for adaptive links and the passes they made, always scoped to one account (but a visit's lookup)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, or_, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from passmint.certificates.google_keys import GOOGLE
from passmint.certificates.versions import Credentials, Version
from passmint.kit.sql import insert_for, insert_unless_taken
from passmint.models import (
    Account,
    AdaptiveLink,
    AdaptiveLinkPass,
    Certificate,
    DynamicLink,
    Journey,
    JourneyPass,
    Pass,
    Project,
    Template,
)
from passmint.wallets.repository import chosen, place_versions, signing_certificate


async def add_unless_taken(session: AsyncSession, link: AdaptiveLink) -> AdaptiveLink | None:
    """The stored link, or None when its project has a link with its external id (or, once in 2^59,
    its public id is taken)."""
    if link.external_id is None:
        session.add(link)
        await session.flush()
        return link
    return await insert_unless_taken(session, link, ("project_id", "external_id"))


@dataclass(frozen=True)
class Found:
    """A link as a visit's one lookup finds it, with what a visit for one platform reads besides: the
    platform's template, the project and account, the shared pass (when made) and its journey, and the
    ``stamp`` of that pass (None when there is no shared pass of that template)."""

    link: AdaptiveLink
    shared: Pass | None
    template: Template | None
    project: Project
    account: Account
    journey: Journey | None
    stamp: tuple[object, ...] | None
    """The versions of all the shared pass's wallet file (or the page drawn from it) is made from besides
    the pass itself and the settings (see ``_stamp_columns``)."""
    places: int
    """How many places the shared pass (else the template) has: none means none to read."""
    credentials: Credentials
    """The versions of the project's signing certificate and Google credential: a pass of the link is
    signed or issued without reading them again when their parsed forms are kept."""


GoogleCertificate = aliased(Certificate)


async def by_public_ids(session: AsyncSession, public_ids: Sequence[str], device: str) -> dict[str, Found]:
    """A visit's one lookup: the links by public id (unique index), each with what ``Found`` holds for
    ``device`` (``ios``, ``android``, or ``web``: the page shows the iOS half when there is one)."""
    pass_id, template_id = _half(device)
    statement = (
        select(AdaptiveLink, Pass, Template, Project, Account, Journey, *_stamp_columns(template_id))
        .join(Project, Project.id == AdaptiveLink.project_id)
        .join(Account, Account.id == AdaptiveLink.account_id)
        .outerjoin(Template, Template.id == template_id)
        .outerjoin(Pass, Pass.id == pass_id)
        .outerjoin(JourneyPass, JourneyPass.pass_id == Pass.id)
        .outerjoin(Journey, Journey.id == JourneyPass.journey_id)
        .outerjoin(Certificate, signing_certificate(AdaptiveLink.account_id))
        .outerjoin(GoogleCertificate, _google_credential())
        .where(
            AdaptiveLink.public_id == public_ids[0]
            if len(public_ids) == 1
            else AdaptiveLink.public_id.in_(public_ids)
        )
    )
    found = {}
    for link, shared, template, project, account, journey, *versions in await session.execute(statement):
        made_of = template is not None and shared is not None and shared.template_id == template.id
        stamp = None
        if made_of:
            assert template is not None
            stamp = (
                template.id, template.change_seq, template.updated_at, project.id, project.updated_at,
                project.apple_certificate_id, project.google_certificate_id,
                None if journey is None else (journey.id, journey.updated_at), *versions,
            )  # fmt: skip
        credentials = Credentials(_version(*versions[0:2]), _version(*versions[2:4]))
        found[link.public_id] = Found(
            link, shared, template, project, account, journey, stamp, int(versions[4] or 0), credentials
        )
    return found


def _version(certificate_id: uuid.UUID | None, updated_at: datetime | None) -> Version | None:
    return None if certificate_id is None or updated_at is None else (certificate_id, updated_at)


def _half(device: str) -> tuple[Any, Any]:
    """The columns of the link's shared pass and template for ``device``."""
    if device != "web":
        return getattr(AdaptiveLink, f"{device}_pass_id"), getattr(AdaptiveLink, f"{device}_template_id")
    has_ios = AdaptiveLink.ios_template_id.is_not(None)
    return (
        case((has_ios, AdaptiveLink.ios_pass_id), else_=AdaptiveLink.android_pass_id),
        case((has_ios, AdaptiveLink.ios_template_id), else_=AdaptiveLink.android_template_id),
    )


def _google_credential() -> ColumnElement[bool]:
    """The credential ``certificates.google_accounts.project_google_account`` issues Google passes with."""
    return chosen(GoogleCertificate, GOOGLE, Project.google_certificate_id, AdaptiveLink.account_id)


def _stamp_columns(template_id: Any) -> list[Any]:
    """The versions of the pass's signing certificate and of its Google credential (each the project's
    own, else the account's default) and of its places (``wallets.repository.place_versions``). The
    project's Smart Tap merchants, which Google passes show, need no version of their own: adding or
    deleting one marks its project's Google templates changed (``nfc.service``)."""
    return [
        Certificate.id, Certificate.updated_at, GoogleCertificate.id, GoogleCertificate.updated_at,
        *place_versions(template_id, AdaptiveLink),
    ]  # fmt: skip


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


async def use(
    session: AsyncSession, link_id: int, *, take_pass: bool, count: bool, now: datetime, every: timedelta
) -> bool:
    """A visit's one conditional update of its link: one of its available passes taken (``take_pass``)
    unless none is left, one install counted (``count``) unless its install limit is reached, and the
    link marked active ``now`` when last marked ``every`` ago or more. False (nothing written) when a
    limit refused it. One statement: atomic on SQLite and PostgreSQL alike, so racing visits cannot
    both take the last pass or install."""
    conditions = [AdaptiveLink.id == link_id]
    stale = AdaptiveLink.active_at <= now - every
    changes: dict[str, Any] = {
        "active_at": case(
            (stale, type_coerce(now, AdaptiveLink.active_at.type)), else_=AdaptiveLink.active_at
        ),
        "updated_at": AdaptiveLink.updated_at,
    }
    if take_pass:
        conditions.append(AdaptiveLink.available_passes > 0)
        changes["available_passes"] = AdaptiveLink.available_passes - 1
    if count:
        conditions.append(AdaptiveLink.deliveries < AdaptiveLink.install_limit)
        changes["deliveries"] = AdaptiveLink.deliveries + 1
    statement = update(AdaptiveLink).where(*conditions).values(changes)
    result = await session.execute(statement.execution_options(synchronize_session=False))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def available(session: AsyncSession, link_id: int) -> int:
    """How many more passes the link may make."""
    found = await session.scalar(select(AdaptiveLink.available_passes).where(AdaptiveLink.id == link_id))
    return int(found or 0)


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


async def pass_ids(session: AsyncSession, link_id: int) -> list[int]:
    """The ids of every pass the link made."""
    statement = select(AdaptiveLinkPass.pass_id).where(AdaptiveLinkPass.link_id == link_id)
    return list((await session.scalars(statement.order_by(AdaptiveLinkPass.pass_id))).all())
