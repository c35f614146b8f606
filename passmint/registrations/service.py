"""Apple's web service, as the registrations it keeps: register, unregister, what changed, logs."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from enum import Enum

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.callbacks import service as callbacks
from passmint.config import Settings
from passmint.kit.ids import MAX_ID, parse_id
from passmint.kit.refs import Ref
from passmint.kit.security import tokens_equal
from passmint.kit.time import format_utc, utcnow
from passmint.models import Account, Device, DeviceLog, Pass, Registration
from passmint.passes import changes, downloads
from passmint.passes import service as pass_service
from passmint.passes.service import PassLocator
from passmint.projects import repository as project_repository
from passmint.registrations import repository
from passmint.registrations.clients import WalletClient
from passmint.registrations.errors import CampaignNotFound, PassNotAuthorized, PersonalizationNotOffered
from passmint.registrations.schemas import PROJECT_TYPES, CampaignType, RegistrationFilter

MAX_LOG_ENTRIES = 100
MAX_LOG_LENGTH = 4000
_SERIAL = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class Registered(Enum):
    CREATED = "created"  # Apple's web service answers 201
    ALREADY = "already"  # 200


async def authorized_pass(session: AsyncSession, serial_number: str, token: str | None) -> Pass:
    """The pass with this serial number whose authentication token is ``token`` (constant-time compare)."""
    pass_ = await repository.pass_by_serial(session, serial_number)
    expected = pass_.authentication_token if pass_ is not None else "no pass has this token"
    if token is None or not tokens_equal(token, expected) or pass_ is None:
        raise PassNotAuthorized("The pass's authentication token is missing or wrong")
    return pass_


async def register(
    session: AsyncSession,
    pass_: Pass,
    *,
    device_library_identifier: str,
    pass_type_identifier: str,
    push_token: str,
    client: WalletClient,
    user_agent: str | None,
) -> Registered:
    """Register the device for the pass's updates; a second registration of the same pair changes nothing."""
    device = await repository.device(session, device_library_identifier)
    if device is None:
        device = Device(device_library_identifier=device_library_identifier, push_token=push_token)
        await repository.add(session, device)
    device.push_token = push_token
    if await repository.active(session, pass_.id, device.id) is not None:
        return Registered.ALREADY
    registration = Registration(
        pass_id=pass_.id,
        device_id=device.id,
        pass_type_identifier=pass_type_identifier,
        wallet=client.wallet,
        device_os=client.device_os,
        user_agent=(user_agent or "")[:255] or None,
    )
    await repository.add(session, registration)
    pass_.installed_at, pass_.uninstalled_at = utcnow(), None
    await callbacks.emit(session, pass_, "install", platform=client.device_os)
    return Registered.CREATED


async def unregister(session: AsyncSession, pass_: Pass, *, device_library_identifier: str) -> None:
    """End the device's registration for the pass."""
    device = await repository.device(session, device_library_identifier)
    registration = None if device is None else await repository.active(session, pass_.id, device.id)
    if registration is not None:
        await end(session, [registration])


async def end(session: AsyncSession, registrations: Sequence[Registration]) -> None:
    """End these registrations; a pass no device holds any more is uninstalled, with its callback."""
    now = utcnow()
    for registration in registrations:
        registration.ended_at = now
    await session.flush()
    for registration in registrations:
        if await repository.active_count(session, registration.pass_id) == 0:
            pass_ = await session.get(Pass, registration.pass_id)
            if pass_ is not None and pass_.uninstalled_at is None:
                pass_.uninstalled_at = now
                await callbacks.emit(session, pass_, "uninstall", platform=registration.device_os)


async def end_by_ids(session: AsyncSession, registration_ids: Sequence[uuid.UUID]) -> None:
    """End the registrations with these ids that are still active (a device said it holds no pass)."""
    await end(session, await repository.active_by_ids(session, registration_ids))


async def updated_since(
    session: AsyncSession, *, device_library_identifier: str, pass_type_identifier: str, tag: str | None
) -> tuple[Sequence[str], str]:
    """Serial numbers of the device's passes of this type changed since ``tag``, and the tag to use next.

    Tags are values of the change clock (see passes/changes.py): exact, whatever the timing. A tag
    this server did not issue is read as "since the beginning".
    """
    until = await changes.now(session)
    device = await repository.device(session, device_library_identifier)
    if device is None:
        return [], str(until)
    issued = None if tag is None else parse_id(tag)
    since = -1 if issued is None else issued
    serials = await repository.updated_serials(
        session, device.id, pass_type_identifier, since=since, until=until
    )
    return serials, str(until)


async def log(session: AsyncSession, entries: Sequence[str]) -> int:
    """Keep a wallet app's log lines, each tied to the pass whose serial number it names; how many kept."""
    kept = [entry[:MAX_LOG_LENGTH] for entry in entries[:MAX_LOG_ENTRIES]]
    named = {serial.lower() for entry in kept for serial in _SERIAL.findall(entry)}
    passes = {
        p.serial_number.lower(): p.id for p in await repository.passes_with_serials(session, sorted(named))
    }
    rows = []
    for entry in kept:
        pass_id = next((passes[s.lower()] for s in _SERIAL.findall(entry) if s.lower() in passes), None)
        rows.append(DeviceLog(pass_id=pass_id, message=entry))
    await repository.add(session, *rows)
    return len(rows)


async def listing(
    session: AsyncSession,
    account: Account,
    campaign_type: CampaignType,
    campaign: Ref,
    query: RegistrationFilter,
    *,
    pass_id: int | None = None,
) -> tuple[Sequence[Registration], int]:
    """A campaign's (or one of its passes') registrations, active unless ``show_ended``, and the total."""
    project = await project_repository.get(session, account.id, campaign)
    if project is None or project.project_type not in PROJECT_TYPES[campaign_type]:
        raise CampaignNotFound(f"No {campaign_type.value} campaign {campaign}")
    return await repository.page(
        session,
        project_id=project.id,
        pass_id=pass_id,
        start=query.start,
        end=query.end,
        show_ended=query.show_ended,
        offset=min((query.page - 1) * query.per_page, MAX_ID),
        limit=query.per_page,
    )


async def logs(
    session: AsyncSession, account: Account, locator: PassLocator, *, limit: int = 100
) -> Sequence[DeviceLog]:
    """The newest log lines wallet apps sent about the account's pass."""
    pass_ = await pass_service.get(session, account, locator)
    return await repository.logs_of(session, pass_.id, limit)


async def personalize(
    session: AsyncSession, serial_number: str, token: str, info: dict[str, str], settings: Settings
) -> bytes:
    """Keep what a person entered on a personalizable pass's sign-up sheet, and answer Apple's token
    signed with the pass's certificate. The pass changes (its sign-up files go), and the customer hears
    of it through the ``personalize`` callback; a second call only signs again."""
    pass_ = await repository.pass_by_serial(session, serial_number)
    if pass_ is None:
        raise PassNotAuthorized("No pass has this serial number")
    template, project = await pass_service.project_of(session, pass_)
    if "personalization" not in template.design:
        raise PersonalizationNotOffered(f"Pass {serial_number} is not personalizable")
    if "personalization" not in pass_.values:
        pass_.values = {**pass_.values, "personalization": info | {"personalizedAt": format_utc(utcnow())}}
        pass_.updated_at = utcnow()
        changes.mark_passes(session, [pass_.id])
        await callbacks.emit(session, pass_, "personalize", platform="ios", personalization=info)
    account = await session.get(Account, pass_.account_id)
    assert account is not None  # the foreign key guarantees it
    signer = await downloads.signer_of(session, account, project, settings)
    return signer.sign(token.encode())
