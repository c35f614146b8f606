"""SQL of the wallet formats: Google passes' NFC merchants; the versions a signed pass is made from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.designs import Vendor
from passmint.kit.sql import plain_rows
from passmint.models import Certificate, Journey, JourneyPass, Location, NfcMerchant, Pass, Project, Template

SMART_TAP_VENDORS = ("GOOGLE", "ANY")


async def smart_tap_issuer_ids(session: AsyncSession, project_id: int) -> Sequence[str | None] | None:
    """The ``smartTapIssuerId`` of each of the project's Google (or ANY) NFC merchants, oldest first
    (None where one has none); None when the project has no such merchant."""
    statement = (
        select(NfcMerchant.smart_tap_issuer_id)
        .where(NfcMerchant.project_id == project_id, NfcMerchant.vendor.in_(SMART_TAP_VENDORS))
        .order_by(NfcMerchant.created_at)
    )
    found = (await session.scalars(statement)).all()
    return found or None


def signing_certificate(account_id: Any = Pass.account_id) -> ColumnElement[bool]:
    """Joins the certificate ``certificates.service.project_signer`` signs a pass with, when stored: its
    project's own, else its account's default Apple one (none joined: the development certificate)."""
    return chosen(Certificate, Vendor.APPLE, Project.apple_certificate_id, account_id)


def chosen(certificate: Any, vendor: str, project_choice: Any, account_id: Any) -> ColumnElement[bool]:
    """Joins ``certificate`` (the model or an alias of it) on the one of ``vendor`` a project uses: the
    project's own choice (``project_choice``), else the account's default of that vendor."""
    default = and_(project_choice.is_(None), certificate.vendor == vendor, certificate.is_default.is_(True))
    return and_(certificate.account_id == account_id, or_(certificate.id == project_choice, default))


def place_versions(template_id: Any, *correlated: Any) -> list[Any]:
    """The versions of a pass's places, its own else its template's: their count and newest id (places
    are only ever added or deleted, and ids are never reused, so the two name the set)."""
    near = or_(Location.pass_id == Pass.id, Location.template_id == template_id)
    return [
        select(func.count(Location.id)).where(near).correlate(Pass, *correlated).scalar_subquery(),
        select(func.max(Location.id)).where(near).correlate(Pass, *correlated).scalar_subquery(),
    ]


def signed_versions() -> list[Any]:
    """Columns naming, by their versions, all a pass's signed file is made from besides the pass itself
    (a query of passes joined with their template, project, journey and ``signing_certificate``): its
    template's, project's, journey's and certificate's versions and its places' (``place_versions``)."""
    return [
        Template.id, Template.vendor, Template.change_seq, Template.updated_at,
        Project.id, Project.updated_at, Project.apple_certificate_id,
        Certificate.id, Certificate.updated_at,
        Journey.id, Journey.updated_at,
        *place_versions(Pass.template_id),
    ]  # fmt: skip


def with_signing(statement: Select[Any]) -> Select[Any]:
    """``statement`` over passes joined with their template, project and ``signing_certificate``."""
    return (
        statement.join(Template, Template.id == Pass.template_id)
        .join(Project, Project.id == Template.project_id)
        .outerjoin(Certificate, signing_certificate())
    )


@dataclass(frozen=True)
class Signed:
    """A pass with what names its signed file, read as plain rows (see ``signed_statement``)."""

    pass_id: int
    authentication_token: str
    certificate_type: str | None
    """The pass type identifier of the certificate it is signed with (None: the development one)."""
    vendor: str
    changed_at: datetime
    """The later of its own last change and its template's (its ``Last-Modified``)."""
    versions: tuple[object, ...]
    """Its id, serial number, change number and time, and ``signed_versions``: the stamp's part that
    is the database's (``wallets.signed_stamp`` adds the settings')."""


def signed_statement(*where: ColumnElement[bool]) -> Select[Any]:
    """The passes meeting ``where`` with the columns ``signed`` reads: one statement over the pass's
    indexes and its joins. Callers build it once (with bound parameters) and keep it."""
    columns: list[Any] = [
        Pass.id, Pass.authentication_token, Certificate.base_name, Template.vendor, Pass.updated_at,
        Template.updated_at, Pass.serial_number, Pass.change_seq, *signed_versions(),
    ]  # fmt: skip
    return (
        with_signing(select(*columns))
        .outerjoin(JourneyPass, JourneyPass.pass_id == Pass.id)
        .outerjoin(Journey, Journey.id == JourneyPass.journey_id)
        .where(*where)
    )


async def signed(
    session: AsyncSession, statement: Select[Any], values: Mapping[str, object], *, most: int = 1
) -> list[Signed]:
    """The rows of a ``signed_statement`` (at most ``most``), run on the session's connection: values,
    not objects of the session (a pass served from the signed files kept needs none)."""
    return [_signed(row) for row in (await plain_rows(session, statement, values))[:most]]


def _signed(row: Sequence[Any]) -> Signed:
    pass_id, token, certificate_type, vendor, changed, template_changed, *versions = row
    changed_at = max(changed, template_changed)
    return Signed(pass_id, token, certificate_type, vendor, changed_at, (pass_id, changed, *versions))
