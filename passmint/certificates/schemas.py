"""Wire models of ``/v1/certificates``."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from passmint.kit.pagination import Pagination
from passmint.kit.schemas import ApiModel, InputModel
from passmint.kit.time import UtcDateTime, utcnow
from passmint.models import Certificate

Base64File = Annotated[str, StringConstraints(min_length=1, max_length=200_000)]
Label = Annotated[str, StringConstraints(max_length=255)]
Comment = Annotated[str, StringConstraints(max_length=10_000)]
IssuerId = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Vendor = Literal["Apple", "Google"]
CERTIFICATE_READ_ONLY = frozenset(
    {
        "id",
        "baseName",
        "teamIdentifier",
        "createdAt",
        "updatedAt",
        "validityStart",
        "validityEnd",
        "expired",
        "templates",
        "serviceAccountEmail",
        "keyId",
        "projectId",
    }
)


class CertificateCreate(InputModel):
    """An upload: ``certificate`` is the base64 of a .p12 holding the certificate and its private key
    (or of a PEM file holding both); for ``vendor: "Google"``, the base64 of a service account's JSON key
    file, with the numeric ``issuerId`` of the Google Wallet issuer it acts for."""

    read_only = CERTIFICATE_READ_ONLY

    vendor: Vendor = "Apple"
    certificate: Base64File
    issuer_id: IssuerId | None = None
    password: str | None = None
    name: Label | None = None
    comment: Comment | None = None
    enabled: bool = True
    default: bool = False
    nfc_support: bool = False


class CertificateUpdate(InputModel):
    """As the reference defines it: ``name``/``comment`` left out are removed and ``null`` keeps them;
    ``enabled``/``default``/``nfcSupport`` left out (or ``null``) are kept."""

    read_only = CERTIFICATE_READ_ONLY

    vendor: Vendor | None = None
    certificate: Base64File | None = None
    issuer_id: IssuerId | None = None
    password: str | None = None
    name: Label | None = None
    comment: Comment | None = None
    enabled: bool | None = None
    default: bool | None = None
    nfc_support: bool | None = None


class TemplateRef(ApiModel):
    id: int
    name: str


class CertificateRead(ApiModel):
    id: str
    vendor: str
    name: str | None = None
    comment: str | None = None
    base_name: str = Field(description="The pass type identifier the certificate signs for.")
    team_identifier: str
    nfc_support: bool
    enabled: bool
    default: bool
    expired: bool
    validity_start: UtcDateTime | None = Field(default=None, description="Apple only.")
    validity_end: UtcDateTime | None = Field(default=None, description="Apple only.")
    issuer_id: str | None = Field(default=None, description="Google only: the Wallet issuer's id.")
    service_account_email: str | None = Field(default=None, description="Google only.")
    key_id: str | None = Field(default=None, description="Google only: the key file's private_key_id.")
    project_id: str | None = Field(default=None, description="Google only: the Cloud project.")
    templates: list[TemplateRef] = Field(default_factory=list, description="Templates signed with it.")
    created_at: UtcDateTime
    updated_at: UtcDateTime

    @classmethod
    def of(cls, certificate: Certificate) -> CertificateRead:
        if certificate.vendor == "Google":
            return cls._of_google(certificate)
        return cls(
            id=str(certificate.id),
            vendor=certificate.vendor,
            name=certificate.name,
            comment=certificate.comment,
            base_name=certificate.base_name,
            team_identifier=certificate.team_identifier,
            nfc_support=certificate.has_nfc_support,
            enabled=certificate.is_enabled,
            default=certificate.is_default,
            expired=certificate.validity_end <= utcnow(),
            validity_start=certificate.validity_start,
            validity_end=certificate.validity_end,
            created_at=certificate.created_at,
            updated_at=certificate.updated_at,
        )

    @classmethod
    def _of_google(cls, certificate: Certificate) -> CertificateRead:
        return cls(
            id=str(certificate.id),
            vendor=certificate.vendor,
            name=certificate.name,
            comment=certificate.comment,
            base_name=certificate.base_name,
            team_identifier=certificate.team_identifier,
            nfc_support=False,
            enabled=certificate.is_enabled,
            default=certificate.is_default,
            expired=False,
            issuer_id=certificate.base_name,
            service_account_email=certificate.team_identifier,
            key_id=certificate.google_key_id,
            project_id=certificate.google_project_id,
            created_at=certificate.created_at,
            updated_at=certificate.updated_at,
        )


class CertificateList(ApiModel):
    certificates: list[CertificateRead]
    count: int = Field(description="How many certificates match, on all pages.")
    next_page: str | None = Field(default=None, description="URL of the next page; absent on the last one.")
    pagination: Pagination


CERTIFICATE_ORDERS = ("id", "name", "createdAt", "updatedAt", "validityEnd")
