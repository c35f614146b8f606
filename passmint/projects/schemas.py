"""Wire models of ``/v1/project``, spelled as the Airship reference spells them."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, StringConstraints, field_serializer

from passmint.kit.pagination import Pagination
from passmint.kit.schemas import ApiModel, InputModel, PatchModel
from passmint.kit.spellings import canonical_barcode_encoding, canonical_barcode_type
from passmint.kit.time import UtcDateTime


class ProjectType(StrEnum):
    MEMBER_CARD = "memberCard"
    COUPON = "coupon"
    BOARDING_PASS = "boardingPass"
    EVENT_TICKET = "eventTicket"
    GENERIC = "generic"
    LOYALTY = "loyalty"
    GIFT_CARD = "giftCard"


class BarcodeType(StrEnum):
    PDF417 = "pdf417"
    AZTEC = "aztec"
    CODE128 = "code128"
    QR = "qr"
    UPC_A = "upc-a"
    EAN_13 = "ean-13"
    CODE_39 = "code-39"


BARCODE_TYPE_TEXT = {
    BarcodeType.PDF417: "PDF417",
    BarcodeType.AZTEC: "Aztec",
    BarcodeType.CODE128: "Code 128",
    BarcodeType.QR: "QR",
    BarcodeType.UPC_A: "UPC-A",
    BarcodeType.EAN_13: "EAN-13",
    BarcodeType.CODE_39: "Code 39",
}


class BarcodeEncoding(StrEnum):
    ISO_8859_1 = "iso-8859-1"
    UTF_8 = "utf-8"


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
Text = Annotated[str, StringConstraints(max_length=10_000)]
SettingText = Annotated[str, StringConstraints(max_length=2_000)]


class ProjectSettings(InputModel):
    """Barcode settings that a project's templates and passes inherit. ``null`` removes a setting."""

    model_config = ConfigDict(alias_generator=None)
    read_only = frozenset({"barcode_type_text"})

    barcode_alt_text: SettingText | None = None
    barcode_label: SettingText | None = None
    barcode_default_value: SettingText | None = None
    barcode_encoding: Annotated[BarcodeEncoding, BeforeValidator(canonical_barcode_encoding)] | None = None
    barcode_type: Annotated[BarcodeType, BeforeValidator(canonical_barcode_type)] | None = None


PROJECT_READ_ONLY = frozenset({"id", "contextId", "createdAt", "updatedAt", "templates", "externalId"})


class ProjectCreate(InputModel):
    read_only = PROJECT_READ_ONLY

    name: Name
    project_type: ProjectType
    description: Text
    settings: ProjectSettings = Field(default_factory=ProjectSettings)
    apple_certificate_id: uuid.UUID | None = Field(
        default=None, description="The certificate that signs the project's Apple passes (else the default)."
    )
    google_certificate_id: uuid.UUID | None = Field(
        default=None,
        description="The Google credential that issues the project's Google passes (else the default).",
    )


class ProjectUpdate(PatchModel):
    """Only the keys sent change; ``settings`` keys merge into the stored ones."""

    read_only = PROJECT_READ_ONLY

    nullable = frozenset({"apple_certificate_id", "google_certificate_id"})

    name: Name | None = None
    project_type: ProjectType | None = None
    description: Text | None = None
    settings: ProjectSettings | None = None
    apple_certificate_id: uuid.UUID | None = None
    google_certificate_id: uuid.UUID | None = None


class ProjectRead(ApiModel):
    id: int
    external_id: str | None = None
    context_id: str
    name: str
    description: str
    project_type: str
    settings: dict[str, Any]
    apple_certificate_id: uuid.UUID | None = None
    google_certificate_id: uuid.UUID | None = None
    templates: list[dict[str, Any]] = Field(
        default_factory=list, description="Headers of the project's templates."
    )
    created_at: UtcDateTime
    updated_at: UtcDateTime

    @field_serializer("settings")
    def _with_type_text(self, settings: dict[str, Any]) -> dict[str, Any]:
        text = BARCODE_TYPE_TEXT.get(settings.get("barcode_type"))  # type: ignore[arg-type]
        return settings | {"barcode_type_text": text} if text else settings


class ProjectList(ApiModel):
    projects: list[ProjectRead]
    count: int
    pagination: Pagination


PROJECT_ORDERS = ("id", "name", "createdAt", "updatedAt")


class TemplateHeaderRead(ApiModel):
    """A template's meta data, as the v1 format prints it (booleans as "True"/"False", as the reference)."""

    id: int
    external_id: str | None = None
    project_id: int
    project_name: str | None = None
    project_type: str
    name: str
    description: str
    vendor: str
    vendor_id: int
    type: str | None = None
    deleted: Literal["True", "False"] = "False"
    disabled: Literal["True", "False"]
    expiry_duration: int | None = None
    created_at: UtcDateTime
    updated_at: UtcDateTime
