"""Errors of the NFC merchants domain."""

from __future__ import annotations

from passmint.errors import InvalidInput, NotFound, PassmintError


class NfcError(PassmintError): ...


class MerchantNotFound(NfcError, NotFound):
    code = "nfc_merchant_not_found"


class MerchantKeyInvalid(NfcError, InvalidInput):
    code = "nfc_merchant_key_invalid"
