"""An Apple pass's ``nfc``: its key taken from the project's NFC merchant when none is given, and only
under a certificate Apple enabled for NFC (Apple signs NFC passes with no other)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.certificates import repository as certificates
from passmint.designs import Vendor
from passmint.models import Certificate, Project, Template
from passmint.nfc import service as merchants
from passmint.passes.errors import PassInvalid


async def with_key(
    session: AsyncSession, template: Template, project: Project, values: dict[str, Any]
) -> dict[str, Any]:
    """``values`` with their ``nfc`` keyed: the key sent, else the newest Apple (or ANY) merchant's of
    the project; ``PassInvalid`` when there is none, or the project's certificate is not NFC-enabled."""
    nfc = values.get("nfc")
    if Vendor(template.vendor) is not Vendor.APPLE or not isinstance(nfc, dict):
        return values
    if not nfc.get("encryptionPublicKey"):
        key = await merchants.apple_key(session, project.id)
        if key is None:
            raise _invalid(
                "nfc.encryptionPublicKey",
                f"no key was sent and project {project.id} has no Apple NFC merchant: add one "
                f"(POST /v1/project/{project.id}/nfcMerchants) or send the key",
            )
        nfc = nfc | {"encryptionPublicKey": "".join(key.split())}
    certificate = await _certificate(session, template, project)
    if certificate is not None and not certificate.has_nfc_support:
        raise _invalid(
            "nfc",
            f"Apple signs NFC passes only with NFC-enabled certificates, and certificate {certificate.id} "
            f"({certificate.base_name}) is not one: use a certificate Apple issued for NFC and set its "
            "nfcSupport, or leave nfc out",
        )
    return values | {"nfc": nfc}


async def _certificate(session: AsyncSession, template: Template, project: Project) -> Certificate | None:
    """The certificate the project's passes are signed with (None: the development one)."""
    if project.apple_certificate_id is not None:
        return await certificates.get(session, template.account_id, project.apple_certificate_id)
    return await certificates.get_default(session, template.account_id)


def _invalid(field: str, message: str) -> PassInvalid:
    return PassInvalid(
        f"{field}: {message}", details=[{"field": field, "location": "body", "message": message}]
    )
