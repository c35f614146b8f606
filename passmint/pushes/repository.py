"""SQL for pushes: which registrations a change reaches, and the devices' push tokens."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, and_, bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.designs import Vendor
from passmint.models import Device, Pass, Registration, Template

_ACTIVE = and_(Registration.ended_at.is_(None), Registration.device_id.is_not(None))
"""Registrations a push can reach: active, on a device (a Google Wallet save has none; Google's own
updates reach it)."""


@dataclass(frozen=True)
class Target:
    """One active registration to push: the device's token, the pass type (APNs topic), whose pass."""

    registration_id: uuid.UUID
    pass_id: int
    push_token: str
    topic: str
    account_id: int
    project_id: int


async def pushable_passes(session: AsyncSession, pass_ids: Sequence[int]) -> dict[int, bool]:
    """Which of these passes are of a template of any vendor but Google (whose changes go to Google),
    each with whether some device holds it."""
    return {pass_id: bool(held) for pass_id, held in await session.execute(_PUSHABLE, {"ids": pass_ids})}


_PUSHABLE = (
    select(Pass.id, exists(select(Registration.id).where(Registration.pass_id == Pass.id, _ACTIVE)))
    .join(Template, Template.id == Pass.template_id)
    .where(Pass.id.in_(bindparam("ids", expanding=True)), Template.vendor != Vendor.GOOGLE)
)
"""Built once, so SQLAlchemy reuses its compiled form and cache key (every change to a pass runs it)."""


def template_is_registered(template_id: int) -> Select[bool]:
    """Whether a device holds some pass of the template."""
    held = select(Registration.id).join(Pass, Pass.id == Registration.pass_id)
    return select(exists(held.where(Pass.template_id == template_id, _ACTIVE)))


async def registered_passes_of_template(session: AsyncSession, template_id: int) -> Sequence[int]:
    """Every pass of the template some device holds, in id order."""
    statement = (
        select(Registration.pass_id)
        .join(Pass, Pass.id == Registration.pass_id)
        .where(Pass.template_id == template_id, _ACTIVE)
        .distinct()
        .order_by(Registration.pass_id)
    )
    return (await session.scalars(statement)).all()


async def targets(
    session: AsyncSession, *, pass_ids: Sequence[int] = (), registration_ids: Sequence[uuid.UUID] = ()
) -> list[Target]:
    """The active registrations of these passes, or these registrations if still active."""
    statement = (
        select(
            Registration.id,
            Registration.pass_id,
            Device.push_token,
            Registration.pass_type_identifier,
            Pass.account_id,
            Template.project_id,
        )
        .join(Device, Device.id == Registration.device_id)
        .join(Pass, Pass.id == Registration.pass_id)
        .join(Template, Template.id == Pass.template_id)
        .where(_ACTIVE)
    )
    if registration_ids:
        statement = statement.where(Registration.id.in_(registration_ids))
    else:
        statement = statement.where(Registration.pass_id.in_(pass_ids))
    return [Target(*row) for row in await session.execute(statement)]
