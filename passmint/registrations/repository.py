"""SQL for devices, registrations and device logs."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, Executable, Select, bindparam, delete, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from passmint import changes
from passmint.counters import repository as counters
from passmint.kit.sql import (
    column_values,
    insert_for,
    plain_rows,
    point_lookup,
    table_of,
)
from passmint.kit.time import utcnow
from passmint.models import (
    CallbackSpec,
    Certificate,
    ChangeClock,
    Device,
    DeviceLog,
    Pass,
    Registration,
    Template,
)
from passmint.wallets.repository import Signed, signed, signed_statement, with_signing


@dataclass(frozen=True)
class Found:
    """A pass named by its serial number, as Apple's web service looks it up."""

    pass_: Pass
    certificate_type: str | None
    """The pass type identifier of the certificate it is signed with (None: the development one)."""
    callback_project: int | None = None
    """The id of the pass's project when it has a callback spec (read by ``pass_to_register`` only)."""


async def pass_by_serial(session: AsyncSession, serial_number: str) -> Found | None:
    """The pass with this serial number and its signing certificate's pass type: one statement, by the
    serial number's unique index."""
    row = (await session.execute(_by_serial(), {"serial_number": serial_number})).first()
    return None if row is None else Found(row[0], row[1])


async def pass_to_register(session: AsyncSession, serial_number: str) -> Found | None:
    """``pass_by_serial``'s pass locked until the transaction ends (PostgreSQL, as ``lock_passes`` does;
    SQLite locks no rows), with its project's callback spec if any: one statement."""
    parameters = {"serial_number": serial_number}
    row = (await session.execute(_to_register(), parameters, execution_options=_FRESH)).first()
    return None if row is None else Found(row[0], row[1], row[2])


async def signed_by_serial(session: AsyncSession, serial_number: str) -> Signed | None:
    """The pass with this serial number with the versions of all its signed file is made from: one
    statement, by the serial number's unique index (``wallets.repository.signed``)."""
    found = await signed(session, _signed_by_serial(), {"serial_number": serial_number})
    return found[0] if found else None


@cache
def _by_serial() -> Select[Any]:
    """``pass_by_serial``'s statement, built once (its serial number a bound parameter): a point lookup."""
    columns: list[Any] = [Pass, Certificate.base_name]
    statement = with_signing(select(*columns)).where(Pass.serial_number == bindparam("serial_number"))
    return point_lookup(statement)


@cache
def _to_register() -> Select[Any]:
    """``pass_to_register``'s statement, built once: ``_by_serial``'s with the callback spec (an outer
    join on the project's unique spec) and ``FOR UPDATE OF passes``."""
    spec = CallbackSpec.project_id
    statement = _by_serial().add_columns(spec).outerjoin(CallbackSpec, spec == Template.project_id)
    return statement.with_for_update(of=Pass)


_FRESH = {"populate_existing": True}
"""A locked row's state as the lock found it (see ``lock_passes``)."""


@cache
def _signed_by_serial() -> Select[Any]:
    """``signed_by_serial``'s statement, built once: a point lookup."""
    return point_lookup(signed_statement(Pass.serial_number == bindparam("serial_number")))


async def device(session: AsyncSession, device_library_identifier: str) -> Device | None:
    return await session.scalar(
        select(Device).where(Device.device_library_identifier == device_library_identifier)
    )


async def put_device(session: AsyncSession, device_library_identifier: str, push_token: str) -> int:
    """The device's id, the device stored now with ``push_token`` or given it (one statement, so two
    registrations of the same new device at the same moment both succeed)."""
    now = utcnow()
    values = {
        "device_library_identifier": device_library_identifier,
        "push_token": push_token,
        "created_at": now,
        "updated_at": now,
    }
    device_id: int = (await session.execute(_built(session, _put_device), values)).scalar_one()
    return device_id


async def add_active(session: AsyncSession, registration: Registration) -> bool:
    """Store the registration unless the pair has an active one already (then False, nothing written).
    A Core insert of the row's values: the row does not join the session."""
    values = column_values(registration)
    values.setdefault("id", uuid.uuid4())
    return (await session.execute(_built(session, _add_active), values)).first() is not None


async def add_for_device(
    session: AsyncSession, registration: Registration, device_library_identifier: str, push_token: str
) -> bool:
    """``put_device`` then ``add_active`` for the registration (its device id set): False when the pair
    had an active registration (the push token is given all the same). On PostgreSQL one statement,
    the device's upsert a CTE of the registration's insert; SQLite has no writes in a CTE: two."""
    assert session.bind is not None
    if session.bind.dialect.name != "postgresql":
        registration.device_id = await put_device(session, device_library_identifier, push_token)
        return await add_active(session, registration)
    values = {f"r_{name}": getattr(registration, name) for name in _REGISTERED}
    values.update(r_id=uuid.uuid4(), d_id=device_library_identifier, d_push_token=push_token, d_now=utcnow())
    return (await session.execute(_built(session, _add_for_device), values)).first() is not None


_REGISTERED = ("pass_id", "pass_type_identifier", "wallet", "device_os", "user_agent", "created_at")
"""The registration's columns ``add_for_device`` binds (besides its new id and its device's)."""


_BUILT: dict[tuple[str, Callable[[AsyncSession], Executable]], Executable] = {}


def _built(session: AsyncSession, build: Callable[[AsyncSession], Executable]) -> Executable:
    """``build``'s statement for the session's dialect, built once (run with bound parameters)."""
    assert session.bind is not None
    key = (session.bind.dialect.name, build)
    found = _BUILT.get(key)
    if found is None:
        found = _BUILT[key] = build(session)
    return found


def _put_device(session: AsyncSession) -> Executable:
    """``put_device``'s upsert: a new device, or the stored one given the push token."""
    insert = insert_for(session, table_of(Device))
    set_ = {"push_token": insert.excluded.push_token, "updated_at": insert.excluded.updated_at}
    statement = insert.on_conflict_do_update(index_elements=["device_library_identifier"], set_=set_)
    return statement.returning(table_of(Device).c.id)


def _add_for_device(session: AsyncSession) -> Executable:
    """``add_for_device``'s statement (PostgreSQL): ``WITH device AS (upsert RETURNING id) INSERT INTO
    registrations SELECT ... FROM device ON CONFLICT DO NOTHING RETURNING id``."""
    devices, registrations = table_of(Device), table_of(Registration)
    upsert = insert_for(session, devices).values(
        device_library_identifier=bindparam("d_id"),
        push_token=bindparam("d_push_token"),
        created_at=bindparam("d_now"),
        updated_at=bindparam("d_now"),
    )
    set_ = {"push_token": upsert.excluded.push_token, "updated_at": upsert.excluded.updated_at}
    device = upsert.on_conflict_do_update(index_elements=["device_library_identifier"], set_=set_)
    stored = device.returning(devices.c.id).cte("device")
    names = ("id", *_REGISTERED)
    row = select(*(bindparam(f"r_{name}", type_=registrations.c[name].type) for name in names), stored.c.id)
    insert = insert_for(session, registrations).from_select([*names, "device_id"], row).add_cte(stored)
    return insert.on_conflict_do_nothing(
        index_elements=["pass_id", "device_id"], index_where=text("ended_at IS NULL")
    ).returning(registrations.c.id)


def _add_active(session: AsyncSession) -> Executable:
    """``add_active``'s insert: nothing when the pair has an active registration (the partial index)."""
    insert = insert_for(session, table_of(Registration)).on_conflict_do_nothing(
        index_elements=["pass_id", "device_id"], index_where=text("ended_at IS NULL")
    )
    return insert.returning(table_of(Registration).c.id)


async def active(session: AsyncSession, pass_id: int, device_id: int) -> Registration | None:
    return await session.scalar(
        select(Registration).where(
            Registration.pass_id == pass_id,
            Registration.device_id == device_id,
            Registration.ended_at.is_(None),
        )
    )


async def registered_with_type(session: AsyncSession, pass_id: int, pass_type_identifier: str) -> bool:
    """Whether a device holds the pass under this pass type identifier."""
    found = await session.scalar(
        select(Registration.id)
        .where(
            Registration.pass_id == pass_id,
            Registration.pass_type_identifier == pass_type_identifier,
            Registration.ended_at.is_(None),
        )
        .limit(1)
    )
    return found is not None


async def claim_personalization(session: AsyncSession, pass_id: int, token_digest: str) -> bool:
    """Bind the pass to the personalization token with this digest, unless it is bound to another one
    (one conditional update: of two requests racing with different tokens, one wins)."""
    statement = (
        update(Pass)
        .where(
            Pass.id == pass_id,
            or_(
                Pass.personalization_token_digest.is_(None), Pass.personalization_token_digest == token_digest
            ),
        )
        .values(personalization_token_digest=token_digest)
    )
    result = await session.execute(statement, execution_options={"synchronize_session": False})
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def pass_ids_of(session: AsyncSession, registration_ids: Sequence[uuid.UUID]) -> list[int]:
    statement = select(Registration.pass_id).where(Registration.id.in_(registration_ids)).distinct()
    return list(await session.scalars(statement))


async def lock_passes(session: AsyncSession, pass_ids: Sequence[int]) -> None:
    """Lock these passes' rows until the transaction ends (PostgreSQL; SQLite's writes take turns
    anyway), in id order so two transactions never wait on each other; their loaded state is refreshed.
    On SQLite it sends nothing: no row is locked there, and the transaction reads before its first write
    either way."""
    assert session.bind is not None
    if pass_ids and session.bind.dialect.name != "sqlite":
        statement = select(Pass).where(Pass.id.in_(pass_ids)).order_by(Pass.id).with_for_update()
        await session.execute(statement, execution_options={"populate_existing": True})


async def end_active(
    session: AsyncSession, registration_ids: Sequence[uuid.UUID], now: datetime
) -> list[tuple[int, str]]:
    """End those of the registrations still active, each counted as an uninstall; (pass id, device os)
    of each one ended here."""
    statement = (
        update(Registration)
        .where(Registration.id.in_(registration_ids), Registration.ended_at.is_(None))
        .values(ended_at=now)
        .returning(Registration.pass_id, Registration.device_os)
    )
    ended = [
        (pass_id, device_os)
        for pass_id, device_os in await session.execute(
            statement, execution_options={"synchronize_session": "fetch"}
        )
    ]
    of_passes = select(Pass.id, Pass.template_id).where(Pass.id.in_({pass_id for pass_id, _ in ended}))
    templates = {pass_id: template_id for pass_id, template_id in await session.execute(of_passes)}
    uninstalls = Counter((templates[pass_id], now.date(), device_os) for pass_id, device_os in ended)
    # each registration ended is an uninstall (an event)
    await counters.add_days(session, {key: [0, 0, count] for key, count in uninstalls.items()})
    return ended


async def mark_installed(session: AsyncSession, pass_: Pass, now: datetime, platform: str) -> None:
    """A device (of ``platform``) took the pass (locked by the caller) at ``now``: the pass is installed,
    and the counters count the install and the pass's move to installed (when it was not installed yet).
    One Core update built once; ``pass_`` is given the values it wrote."""
    before = counters.state_of(pass_)
    parameters = {"pass_id": pass_.id, "now": now}
    updated_at = (await session.execute(_built(session, _mark_installed), parameters)).scalar_one()
    for key, value in (("installed_at", now), ("uninstalled_at", None), ("updated_at", updated_at)):
        set_committed_value(pass_, key, value)
    await counters.add_event(session, pass_.template_id, now, platform, "installed")
    if before != "installed":
        await counters.move_state(session, pass_.template_id, before, "installed", now)


def _mark_installed(_session: AsyncSession) -> Executable:
    """``mark_installed``'s update (``updated_at`` set by its column's ``onupdate``, and returned)."""
    passes = table_of(Pass)
    return (
        update(passes)
        .where(passes.c.id == bindparam("pass_id"))
        .values(installed_at=bindparam("now"), uninstalled_at=None)
        .returning(passes.c.updated_at)
    )


async def mark_uninstalled(session: AsyncSession, pass_id: int, now: datetime) -> bool:
    """Mark the pass uninstalled if no device holds it and it is not marked already; whether it was."""
    held = select(Registration.id).where(Registration.pass_id == pass_id, Registration.ended_at.is_(None))
    statement = (
        update(Pass)
        .where(Pass.id == pass_id, Pass.uninstalled_at.is_(None), ~held.exists())
        .values(uninstalled_at=now)
    )
    result = await session.execute(statement, execution_options={"synchronize_session": "fetch"})
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    template_id = await session.scalar(select(Pass.template_id).where(Pass.id == pass_id))
    assert template_id is not None  # just updated
    await counters.move_state(session, template_id, "installed", "uninstalled", now)
    return True


async def updated_serials(
    session: AsyncSession, device_library_identifier: str, pass_type_identifier: str, *, since: int
) -> tuple[Sequence[str], int | None]:
    """Serial numbers of the device's registered passes of this type changed after ``since``, and the
    change clock's value they were read at (None when there are none): one statement, so one snapshot,
    in which every change numbered up to the clock's value is visible (see ``changes``)."""
    values = {"device": device_library_identifier, "pass_type": pass_type_identifier, "since": since}
    found = await plain_rows(session, _updated_serials(), values)  # plain rows: no ORM objects to make
    return [serial for serial, _ in found], (found[0][1] if found else None)


@cache
def _updated_serials() -> Select[Any]:
    """``updated_serials``'s statement, built once (the device, pass type and tag bound parameters). A
    point lookup: the device by its unique identifier, then its live registrations of the pass type through
    their (device, pass type) index, each one pass a phone holds (a registration takes the pass's own
    authentication token), so as many rows as passes of one type in one phone's wallet."""
    changed = changes.seq_of()
    clock = select(ChangeClock.value).where(ChangeClock.id == 1).scalar_subquery()
    return point_lookup(
        select(Pass.serial_number, clock)
        .join(Registration, Registration.pass_id == Pass.id)
        .join(Device, Device.id == Registration.device_id)
        .join(Template, Template.id == Pass.template_id)
        .where(
            Device.device_library_identifier == bindparam("device"),
            Registration.pass_type_identifier == bindparam("pass_type"),
            Registration.ended_at.is_(None),
            changed > bindparam("since", type_=BigInteger()),
            changed <= clock,
        )
        .order_by(Pass.serial_number)
    )


async def passes_with_serials(session: AsyncSession, serials: Sequence[str]) -> Sequence[Pass]:
    return (await session.scalars(select(Pass).where(Pass.serial_number.in_(serials)))).all()


async def logs_of(session: AsyncSession, pass_id: int, limit: int) -> Sequence[DeviceLog]:
    statement = (
        select(DeviceLog).where(DeviceLog.pass_id == pass_id).order_by(DeviceLog.id.desc()).limit(limit)
    )
    return (await session.scalars(statement)).all()


async def delete_logs_before(session: AsyncSession, cutoff: datetime, limit: int) -> int:
    """Delete up to ``limit`` of the oldest device logs made before ``cutoff``; how many."""
    oldest = select(DeviceLog.id).where(DeviceLog.created_at < cutoff).order_by(DeviceLog.id).limit(limit)
    statement = delete(DeviceLog).where(DeviceLog.id.in_(oldest.scalar_subquery()))
    result = await session.execute(statement, execution_options={"synchronize_session": False})
    return int(result.rowcount)  # type: ignore[attr-defined]


async def add(session: AsyncSession, *rows: Device | Registration | DeviceLog) -> None:
    session.add_all(rows)
    await session.flush()


async def oldest_active_of_wallet(session: AsyncSession, pass_id: int, wallet: str) -> Registration | None:
    """The pass's oldest active registration in this wallet app."""
    statement = (
        select(Registration)
        .where(Registration.pass_id == pass_id, Registration.wallet == wallet)
        .where(Registration.ended_at.is_(None))
        .order_by(Registration.created_at, Registration.id)
        .limit(1)
    )
    return await session.scalar(statement)
