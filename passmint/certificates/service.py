"""Certificates: upload (or renew), read, update, remove, and pick the signer of an account's passes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.apple import PassSigner
from passmint.certificates import repository
from passmint.certificates.errors import (
    CertificateClash,
    CertificateInUse,
    CertificateNotFound,
    CertificateUploadInvalid,
    DefaultCertificateRequired,
)
from passmint.certificates.google_keys import GOOGLE, put_google_material, read_google_upload
from passmint.certificates.schemas import CertificateCreate, CertificateUpdate
from passmint.certificates.signers import dev_signer, kept_signer, key_box, seal_key, signer_of
from passmint.certificates.uploads import read_upload
from passmint.certificates.versions import Credentials, unread
from passmint.config import Settings
from passmint.google import ServiceAccount
from passmint.kit.crypto import SecretBox
from passmint.kit.pagination import PageRequest
from passmint.kit.threads import in_thread
from passmint.models import Account, Certificate, Project


async def list_certificates(
    session: AsyncSession, account: Account, page: PageRequest, *, vendor: str | None, enabled: bool | None
) -> tuple[Sequence[Certificate], int]:
    """One page of the account's certificates, optionally only one vendor's or only (not) enabled ones."""
    return await repository.page(session, account.id, page, vendor=vendor, enabled=enabled)


async def get(session: AsyncSession, account: Account, certificate_id: uuid.UUID) -> Certificate:
    """The account's certificate ``certificate_id``."""
    certificate = await repository.get(session, account.id, certificate_id)
    if certificate is None:
        raise CertificateNotFound(f"Certificate {certificate_id} was not found")
    return certificate


async def add(
    session: AsyncSession, account: Account, box: SecretBox, body: CertificateCreate
) -> tuple[Certificate, bool]:
    """Store an uploaded certificate, or renew the one with the same pass type and team (for Google: the
    same issuer and service account); True if new."""
    if body.vendor == GOOGLE:
        return await _add_google(session, account, box, body)
    _refuse_issuer_id(body.issuer_id)
    signer = await in_thread(read_upload, body.certificate, body.password)
    identity = (account.id, signer.pass_type_identifier, signer.team_identifier)
    existing = await repository.get_by_identity(session, *identity)
    if existing is None:
        created = await _add_new(session, account, box, body, signer)
        if created is not None:
            return created, True
        existing = await repository.get_by_identity(session, *identity)  # stored by another request
        assert existing is not None  # the insert met it
    sent = body.model_fields_set
    _put_material(existing, box, signer)
    existing.vendor = body.vendor
    if "name" in sent:
        existing.name = body.name
    if "comment" in sent:
        existing.comment = body.comment
    if "enabled" in sent:
        existing.is_enabled = body.enabled
    if "nfc_support" in sent:
        existing.has_nfc_support = body.nfc_support
    await session.flush()
    if body.default:
        await _make_default(session, account, existing)
    return existing, False


async def _add_new(
    session: AsyncSession, account: Account, box: SecretBox, body: CertificateCreate, signer: PassSigner
) -> Certificate | None:
    """Store a new certificate; None (nothing written) when another request stored the same pass type and
    team a moment ago (then the upload renews that one)."""
    certificate = Certificate(id=uuid.uuid4(), account_id=account.id, is_default=False, vendor=body.vendor)
    _put_material(certificate, box, signer)
    certificate.name, certificate.comment = body.name, body.comment
    certificate.is_enabled, certificate.has_nfc_support = body.enabled, body.nfc_support
    return await _store_new(session, account, certificate, default=body.default)


async def _store_new(
    session: AsyncSession, account: Account, certificate: Certificate, *, default: bool
) -> Certificate | None:
    first = await repository.count(session, account.id, certificate.vendor) == 0
    stored = await repository.add_unless_taken(session, certificate)
    if stored is not None and (default or first):
        await _make_default(session, account, stored)
    return stored


async def _add_google(
    session: AsyncSession, account: Account, box: SecretBox, body: CertificateCreate
) -> tuple[Certificate, bool]:
    """A Google credential: new, or the one of the same issuer and service account renewed."""
    google = read_google_upload(body.certificate, body.issuer_id)
    identity = (account.id, google.issuer_id, google.client_email)
    existing = await repository.get_by_identity(session, *identity)
    if existing is None:
        certificate = Certificate(
            id=uuid.uuid4(), account_id=account.id, is_default=False, vendor=GOOGLE, has_nfc_support=False
        )
        put_google_material(certificate, box, google)
        certificate.name, certificate.comment, certificate.is_enabled = body.name, body.comment, body.enabled
        stored = await _store_new(session, account, certificate, default=body.default)
        if stored is not None:
            return stored, True
        existing = await repository.get_by_identity(session, *identity)
        assert existing is not None
    if existing.vendor != GOOGLE:
        raise CertificateClash(f"Certificate {existing.id} is an Apple certificate")
    put_google_material(existing, box, google)
    sent = body.model_fields_set
    for name, column in (("name", "name"), ("comment", "comment"), ("enabled", "is_enabled")):
        if name in sent:
            setattr(existing, column, getattr(body, name))
    await session.flush()
    if body.default:
        await _make_default(session, account, existing)
    return existing, False


def _refuse_issuer_id(issuer_id: str | None) -> None:
    if issuer_id is not None:
        message = "is for Google credentials only"
        raise CertificateUploadInvalid(
            f"issuerId: {message}", details=[{"field": "issuerId", "location": "body", "message": message}]
        )


async def update(
    session: AsyncSession,
    account: Account,
    box: SecretBox,
    certificate_id: uuid.UUID,
    body: CertificateUpdate,
) -> Certificate:
    """Apply an update with the reference's rules (see ``CertificateUpdate``)."""
    certificate = await get(session, account, certificate_id)
    if body.default is False and certificate.is_default:
        raise DefaultCertificateRequired(
            "default: an account keeps one default certificate; make another one the default instead",
            details=[{"field": "default", "location": "body", "message": "cannot unset the default"}],
        )
    if body.vendor is not None and body.vendor != certificate.vendor:
        message = f"is {certificate.vendor}: a certificate keeps its vendor"
        raise CertificateUploadInvalid(
            f"vendor: {message}", details=[{"field": "vendor", "location": "body", "message": message}]
        )
    if body.certificate is not None and certificate.vendor == GOOGLE:
        google = read_google_upload(body.certificate, body.issuer_id or certificate.base_name)
        await _renew_google(session, account, box, certificate, google)
    elif body.certificate is not None:
        _refuse_issuer_id(body.issuer_id)
        signer = await in_thread(read_upload, body.certificate, body.password)
        await _renew(session, account, box, certificate, signer)
    sent = body.model_fields_set
    certificate.name = body.name if body.name is not None else (certificate.name if "name" in sent else None)
    certificate.comment = (
        body.comment if body.comment is not None else (certificate.comment if "comment" in sent else None)
    )
    if body.enabled is not None:
        certificate.is_enabled = body.enabled
    if body.nfc_support is not None:
        certificate.has_nfc_support = body.nfc_support
    if body.default:
        await _make_default(session, account, certificate)
    await session.flush()
    return certificate


async def delete(session: AsyncSession, account: Account, certificate_id: uuid.UUID) -> None:
    """Remove a certificate; the default one only when it is the account's last."""
    certificate = await get(session, account, certificate_id)
    if await repository.used_by_projects(session, certificate.id):
        raise CertificateInUse(
            f"Certificate {certificate_id} signs passes of projects; give them another first"
        )
    if certificate.is_default and await repository.count(session, account.id, certificate.vendor) > 1:
        raise CertificateInUse(
            f"Certificate {certificate_id} is the default; make another certificate the default first"
        )
    await repository.delete(session, certificate)


async def signer_for(
    session: AsyncSession,
    account: Account,
    box: SecretBox,
    data_dir: Path,
    certificate_id: uuid.UUID | None = None,
) -> PassSigner:
    """The signer for the account's passes: the certificate asked for, else the account's default,
    else the development certificate (whose passes no real device accepts)."""
    if certificate_id is not None:
        return signer_of(box, await get(session, account, certificate_id))
    default = await repository.get_default(session, account.id, "Apple")
    return signer_of(box, default) if default is not None else dev_signer(data_dir)


async def project_signer(
    session: AsyncSession, account: Account, project: Project, settings: Settings,
    read: Credentials | None = None,
) -> PassSigner:  # fmt: skip
    """The signer of the project's passes: its own certificate, else as ``signer_for`` chooses. Given
    the certificate's version as the request's lookup ``read`` it (``wallets.repository.signing_certificate``
    joins the same one), a signer kept for that version, or the development one, is used unread."""
    if read is not None:
        development = partial(dev_signer, settings.data_dir)
        found = unread(read.apple, project.apple_certificate_id, development, kept_signer)
        if found is not None:
            return found
    assert settings.secret_key is not None
    box = key_box(settings.secret_key.get_secret_value())
    return await signer_for(session, account, box, settings.data_dir, project.apple_certificate_id)


async def _renew(
    session: AsyncSession, account: Account, box: SecretBox, certificate: Certificate, signer: PassSigner
) -> None:
    clash = await repository.get_by_identity(
        session, account.id, signer.pass_type_identifier, signer.team_identifier
    )
    if clash is not None and clash.id != certificate.id:
        identity = f"{signer.pass_type_identifier} of team {signer.team_identifier}"
        raise CertificateClash(f"Certificate {clash.id} already holds {identity}")
    _put_material(certificate, box, signer)


async def _renew_google(
    session: AsyncSession, account: Account, box: SecretBox, certificate: Certificate, google: ServiceAccount
) -> None:
    clash = await repository.get_by_identity(session, account.id, google.issuer_id, google.client_email)
    if clash is not None and clash.id != certificate.id:
        raise CertificateClash(
            f"Credential {clash.id} already holds {google.client_email} for {google.issuer_id}"
        )
    put_google_material(certificate, box, google)


def _put_material(certificate: Certificate, box: SecretBox, signer: PassSigner) -> None:
    certificate.base_name = signer.pass_type_identifier
    certificate.team_identifier = signer.team_identifier
    certificate.validity_start = signer.not_valid_before
    certificate.validity_end = signer.not_valid_after
    certificate.certificate_pem = signer.certificate_pem.decode()
    certificate.wwdr_pem = signer.wwdr_pem.decode()
    certificate.sealed_private_key = seal_key(box, certificate.id, signer)


async def _make_default(session: AsyncSession, account: Account, certificate: Certificate) -> None:
    await repository.clear_default(session, account.id, certificate.vendor)
    certificate.is_default = True
    await session.flush()
