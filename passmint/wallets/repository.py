"""SQL of the wallet formats: Google passes' NFC merchants; the versions a signed pass is made from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.designs import Vendor
from passmint.models import Certificate, Journey, Location, NfcMerchant, Pass, Project, Template

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
