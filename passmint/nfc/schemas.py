"""Wire models of ``/v1/project/{projectId}/nfcMerchants``."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from passmint.kit.schemas import ApiModel, InputModel
from passmint.kit.time import UtcDateTime
from passmint.nfc.keys import checked_public_key

Name = Annotated[str, StringConstraints(max_length=255)]
ShortId = Annotated[str, StringConstraints(max_length=64)]
PublicKey = Annotated[str, StringConstraints(max_length=4096), AfterValidator(checked_public_key)]


class NfcVendor(StrEnum):
    APPLE = "APPLE"
    GOOGLE = "GOOGLE"
    ANY = "ANY"


SPELLINGS = {"apple": "APPLE", "ios": "APPLE", "google": "GOOGLE", "android": "GOOGLE", "any": "ANY",
             "both": "ANY", "all": "ANY"}  # fmt: skip


def _vendor(value: object) -> object:
    """``apple``, ``Apple``, ``iOS``... are APPLE; ``google``/``android`` GOOGLE; ``any``/``both`` ANY."""
    return SPELLINGS.get(value.strip().lower(), value) if isinstance(value, str) else value


class MerchantBody(InputModel):
    """A new NFC merchant: its key is generated when ``publicKeyPem`` is left out."""

    read_only = frozenset({"merchantId", "projectId", "keySource", "updatedAt", "privateKeyPem"})

    vendor: Annotated[NfcVendor, BeforeValidator(_vendor)] = NfcVendor.ANY
    merchant_name: Name | None = None
    merchant_email: Name | None = None
    terminal_provider: Name | None = None
    public_key_pem: PublicKey | None = None
    key_version: Annotated[int, Field(ge=0, le=2**31 - 1)] | None = None
    smart_tap_collector_id: ShortId | None = None
    smart_tap_issuer_id: ShortId | None = None


class MerchantUpdate(InputModel):
    """Only the name and the email change; keys never do (add a new merchant, delete the old one)."""

    read_only = frozenset({"merchantId", "projectId", "keySource", "updatedAt"})

    merchant_name: Name | None = None
    merchant_email: Name | None = None


class MerchantRead(ApiModel):
    merchant_id: str
    project_id: int
    vendor: str
    merchant_name: str | None = None
    merchant_email: str | None = None
    terminal_provider: str | None = None
    public_key_pem: str
    private_key_pem: str | None = None
    """Only in the answer to the POST that generated the key: passmint keeps no copy."""
    key_version: int | None = None
    key_source: str
    smart_tap_issuer_id: str | None = None
    smart_tap_collector_id: str | None = None
    updated_at: UtcDateTime


class MerchantList(ApiModel):
    merchants: list[MerchantRead]


class MerchantDeleted(ApiModel):
    merchant_id: str
    updated_at: UtcDateTime
