"""NFC merchants as the API answers them."""

from __future__ import annotations

from passmint.models import NfcMerchant
from passmint.nfc.schemas import MerchantRead


def read(merchant: NfcMerchant, private_key: str | None = None) -> MerchantRead:
    """A merchant as stored; its private key only in the answer that made it (stored nowhere)."""
    return MerchantRead(
        merchant_id=str(merchant.id),
        project_id=merchant.project_id,
        vendor=merchant.vendor,
        merchant_name=merchant.merchant_name,
        merchant_email=merchant.merchant_email,
        terminal_provider=merchant.terminal_provider,
        public_key_pem=merchant.public_key_pem,
        private_key_pem=private_key,
        key_version=merchant.key_version,
        key_source=merchant.key_source,
        smart_tap_issuer_id=merchant.smart_tap_issuer_id,
        smart_tap_collector_id=merchant.smart_tap_collector_id,
        updated_at=merchant.updated_at,
    )
