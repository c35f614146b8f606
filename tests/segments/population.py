"""Many passes of one template with tags and a device each, written straight to the database (the API would
take minutes): what the segment tests and ``benchmarks/audiences.py`` select from."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.certificates.signers import DEV_PASS_TYPE_ID
from passmint.kit.security import new_token
from passmint.kit.sql import insert_for
from passmint.kit.time import utcnow
from passmint.models import Device, Pass, PassTag, Registration, Tag, Template

CHUNK = 5_000


def tags_of(n: int) -> list[str]:
    """The tags of the n-th pass, 1 to 5 of them: ``gold`` on two in three (``silver`` on the rest),
    ``even`` on every other, ``lapsed`` on one in five, ``vip`` on one in seven, a city on one in three."""
    tags = ["gold"] if n % 3 else ["silver", f"city-{n % 4}"]
    tags += ["even"] if n % 2 == 0 else []
    tags += ["lapsed"] if n % 5 == 0 else []
    tags += ["vip"] if n % 7 == 0 else []
    return tags


def device_token(pass_id: int) -> str:
    """The push token (and device id) of the device holding the pass."""
    return f"device-{pass_id}"


async def populate(
    session: AsyncSession, template_id: int, count: int, *, devices: bool = True,
    tags: Callable[[int], Sequence[str]] = tags_of,
) -> list[int]:  # fmt: skip
    """``count`` passes of the template (pass n carrying ``tags(n)``, and held by one device of its own
    when ``devices``); their ids, in order."""
    template = await session.scalar(select(Template).where(Template.id == template_id))
    assert template is not None
    names = sorted({name for n in range(count) for name in tags(n)})
    await session.execute(
        insert_for(session, Tag)
        .values([{"account_id": template.account_id, "name": name, "created_at": utcnow()} for name in names])
        .on_conflict_do_nothing(index_elements=["account_id", "name"])
    )
    tag_ids = dict(
        (await session.execute(select(Tag.name, Tag.id).where(Tag.account_id == template.account_id))).all()
    )
    ids: list[int] = []
    now = utcnow()
    for start in range(0, count, CHUNK):
        numbers = range(start, min(count, start + CHUNK))
        rows = [
            {"account_id": template.account_id, "template_id": template_id,
             "serial_number": str(uuid.uuid4()), "authentication_token": new_token(24),
             "public_token": new_token(24), "values": {"fields": {}}, "created_at": now, "updated_at": now}
            for _ in numbers
        ]  # fmt: skip
        pass_ids = list(
            (await session.scalars(insert(Pass).returning(Pass.id, sort_by_parameter_order=True), rows)).all()
        )
        links = [
            {"pass_id": p, "tag_id": tag_ids[name]}
            for p, n in zip(pass_ids, numbers, strict=True)
            for name in tags(n)
        ]
        await session.execute(insert(PassTag), links)
        if devices:
            await _hold(session, pass_ids)
        ids += pass_ids
    return ids


async def _hold(session: AsyncSession, pass_ids: Sequence[int]) -> None:
    tokens = [device_token(pass_id) for pass_id in pass_ids]
    devices = [{"device_library_identifier": token, "push_token": token} for token in tokens]
    device_ids = (
        await session.scalars(insert(Device).returning(Device.id, sort_by_parameter_order=True), devices)
    ).all()
    registrations = [
        {"id": uuid.uuid4(), "pass_id": pass_id, "device_id": device_id,
         "pass_type_identifier": DEV_PASS_TYPE_ID, "wallet": "passbook", "device_os": "ios"}
        for pass_id, device_id in zip(pass_ids, device_ids, strict=True)
    ]  # fmt: skip
    await session.execute(insert(Registration), registrations)
