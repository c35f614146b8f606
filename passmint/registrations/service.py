"""Apple's web service, as the registrations it keeps: register, unregister, what changed, logs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from enum import Enum

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.callbacks import service as callbacks
from passmint.certificates.signers import DEV_PASS_TYPE_ID
from passmint.config import Settings
from passmint.kit.files import Download
from passmint.kit.ids import MAX_ID, parse_id
from passmint.kit.refs import PassLocator, Ref
from passmint.kit.security import tokens_equal
from passmint.kit.time import utcnow
from passmint.models import Account, DeviceLog, Pass, Registration
from passmint.passes import downloads
from passmint.passes import service as pass_service
from passmint.passes.downloads import Unchanged
from passmint.projects import repository as project_repository
from passmint.registrations import listings, repository
from passmint.registrations.errors import CampaignNotFound, PassNotAuthorized
from passmint.registrations.repository import Found as Found  # the lookup Apple's register hands on
from passmint.registrations.schemas import PROJECT_TYPES, CampaignType, RegistrationFilter
from passmint.registrations.wallet_apps import WalletClient
from passmint.wallets import format_of
from passmint.wallets.repository import Signed


class Registered(Enum):
    CREATED = "created"  # Apple's web service answers 201
    ALREADY = "already"  # 200


async def authorized_pass(
    session: AsyncSession, pass_type_identifier: str, serial_number: str, token: str | None
) -> Pass:
    """The pass named by (type, serial number) whose authentication token is ``token`` (compared in
    constant time); an unknown pair is refused like a wrong token."""
    found = await repository.pass_by_serial(session, serial_number)
    _check_token(token, None if found is None else found.pass_.authentication_token)
    assert found is not None  # a pass's token was checked
    await _check_pass_type(session, found.pass_.id, found.certificate_type, pass_type_identifier)
    return found.pass_


async def pass_of_type(session: AsyncSession, pass_type_identifier: str, serial_number: str) -> Pass:
    """The pass named by (type, serial number), as Apple names passes; anything else is refused as
    ``PassNotAuthorized`` (Apple's protocol answers 401 for a pass it may not have)."""
    found = await repository.pass_by_serial(session, serial_number)
    if found is None:
        raise PassNotAuthorized("No pass has this pass type identifier and serial number")
    await _check_pass_type(session, found.pass_.id, found.certificate_type, pass_type_identifier)
    return found.pass_


def _check_token(token: str | None, expected: str | None) -> None:
    """Refuse a missing or wrong token, or no pass (``expected`` None), alike and in constant time."""
    if token is None or not tokens_equal(token, expected or "no pass has this token") or expected is None:
        raise PassNotAuthorized("The pass's authentication token is missing or wrong")


async def _check_pass_type(
    session: AsyncSession, pass_id: int, certificate_type: str | None, pass_type_identifier: str
) -> None:
    """Refuse a pass type that is neither the pass's own (its signing certificate's, as
    ``certificates.service.project_signer`` chooses it, else the development one) nor one a device
    holding it registered with (the pass's certificate may have changed since that device installed it)."""
    if pass_type_identifier == (certificate_type or DEV_PASS_TYPE_ID):
        return
    if not await repository.registered_with_type(session, pass_id, pass_type_identifier):
        raise PassNotAuthorized("No pass has this pass type identifier and serial number")


async def latest(
    session: AsyncSession,
    pass_type_identifier: str,
    serial_number: str,
    token: str | None,
    settings: Settings,
    *,
    since: datetime | None = None,
) -> Download | Unchanged:
    """The pass's current .pkpass for a device holding it (authenticated by its token), unless it has
    not changed since ``since`` (the device's If-Modified-Since). A pass unchanged since it was last
    signed costs one indexed lookup: its versions name the signed file kept for it (``downloads.kept``)."""
    found = await held(session, pass_type_identifier, serial_number, token)
    download = downloads.answered(found, settings, since)
    if download is not None:
        return download
    if format_of(found.vendor).delivers_file:
        return await downloads.signed_file(session, found, settings)
    pass_ = await session.get(Pass, found.pass_id)
    assert pass_ is not None  # just read
    return await downloads.for_device(session, pass_, settings)


async def held(
    session: AsyncSession, pass_type_identifier: str, serial_number: str, token: str | None
) -> Signed:
    """The lookup of ``latest``: the pass with the versions of its signed file, for a device that holds
    it (its token and pass type checked); ``downloads.answered`` says what it answers alone."""
    found = await repository.signed_by_serial(session, serial_number)
    _check_token(token, None if found is None else found.authentication_token)
    assert found is not None  # a pass's token was checked
    await _check_pass_type(session, found.pass_id, found.certificate_type, pass_type_identifier)
    return found


async def register(
    session: AsyncSession,
    pass_: Pass,
    *,
    device_library_identifier: str | None,
    pass_type_identifier: str,
    push_token: str | None,
    client: WalletClient,
    user_agent: str | None,
) -> Registered:
    """Register the device for the pass's updates; a second registration of the same pair changes nothing.

    A Google Wallet save has no device (``device_library_identifier`` None): each is a registration of
    its own, nothing is pushed to it, and the callback's nonce keeps a replay from counting twice.

    Safe under concurrency: a phone adding several passes at once registers itself for each at the
    same moment, and a phone may send the same registration again while the first is under way."""
    await repository.lock_passes(session, [pass_.id])  # take turns with ends (see ``end``)
    registration = _registration(pass_, pass_type_identifier, client, user_agent)
    if not await _add(session, registration, device_library_identifier, push_token):
        return Registered.ALREADY
    await repository.mark_installed(session, pass_, registration.created_at, client.device_os)
    await callbacks.emit(session, pass_, "install", platform=client.device_os)
    return Registered.CREATED


async def authorized_to_register(
    session: AsyncSession, pass_type_identifier: str, serial_number: str, token: str | None
) -> Found:
    """``authorized_pass`` for Apple's register: the pass locked (as ``register`` locks it) and whether
    its project has a callback spec, read in the same one statement (``register_device`` uses both)."""
    found = await repository.pass_to_register(session, serial_number)
    _check_token(token, None if found is None else found.pass_.authentication_token)
    assert found is not None  # a pass's token was checked
    await _check_pass_type(session, found.pass_.id, found.certificate_type, pass_type_identifier)
    return found


async def register_device(
    session: AsyncSession,
    found: Found,
    *,
    device_library_identifier: str,
    pass_type_identifier: str,
    push_token: str,
    client: WalletClient,
    user_agent: str | None,
) -> Registered:
    """``register`` for a device of Apple's web service, the pass read by ``authorized_to_register``
    (locked, with its callback spec): no statement besides the writes."""
    pass_ = found.pass_
    registration = _registration(pass_, pass_type_identifier, client, user_agent)
    if not await _add(session, registration, device_library_identifier, push_token):
        return Registered.ALREADY
    await repository.mark_installed(session, pass_, registration.created_at, client.device_os)
    await callbacks.emit_to(session, found.callback_project, pass_, "install", platform=client.device_os)
    return Registered.CREATED


def _registration(
    pass_: Pass, pass_type_identifier: str, client: WalletClient, user_agent: str | None
) -> Registration:
    """A new registration of ``pass_`` (its device set by ``_add``), made before the first write."""
    return Registration(
        created_at=utcnow(),
        pass_id=pass_.id,
        pass_type_identifier=pass_type_identifier,
        wallet=client.wallet,
        device_os=client.device_os,
        user_agent=(user_agent or "")[:255] or None,
    )


async def _add(
    session: AsyncSession,
    registration: Registration,
    device_library_identifier: str | None,
    push_token: str | None,
) -> bool:
    """Store the device (or give it ``push_token``) and the registration; False when the pair had an
    active registration already (the device's push token is updated all the same)."""
    if device_library_identifier is None:
        return await repository.add_active(session, registration)
    return await repository.add_for_device(session, registration, device_library_identifier, push_token or "")


async def unregister(session: AsyncSession, pass_: Pass, *, device_library_identifier: str) -> None:
    """End the device's registration for the pass."""
    device = await repository.device(session, device_library_identifier)
    registration = None if device is None else await repository.active(session, pass_.id, device.id)
    if registration is not None:
        await end_by_ids(session, [registration.id])


async def end_by_ids(session: AsyncSession, registration_ids: Sequence[uuid.UUID]) -> None:
    """End those of these registrations that are still active; a pass no device holds any more is
    uninstalled, with its callback.

    Safe under concurrency: the passes are locked first (registering locks its pass too), so the ends
    and registrations of one pass take turns; a registration is ended by one request only, and of
    devices leaving a pass at the same moment exactly one uninstalls it."""
    await repository.lock_passes(session, await repository.pass_ids_of(session, registration_ids))
    now = utcnow()
    ended = dict(await repository.end_active(session, registration_ids, now))  # pass id -> device os
    for pass_id, device_os in ended.items():
        if await repository.mark_uninstalled(session, pass_id, now):
            pass_ = await session.get(Pass, pass_id)
            assert pass_ is not None  # just updated
            await callbacks.emit(session, pass_, "uninstall", platform=device_os)


async def updated_since(
    session: AsyncSession, *, device_library_identifier: str, pass_type_identifier: str, tag: str | None
) -> tuple[Sequence[str], str]:
    """Serial numbers of the device's passes of this type changed since ``tag``, and the tag to use next
    (empty when none changed: the answer is then 204, without one).

    Tags are values of the change clock (see changes.py): exact, whatever the timing. A tag
    this server did not issue is read as "since the beginning".
    """
    issued = None if tag is None else parse_id(tag)
    serials, until = await repository.updated_serials(
        session, device_library_identifier, pass_type_identifier, since=-1 if issued is None else issued
    )
    return serials, "" if until is None else str(until)


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
    return await listings.page(
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
