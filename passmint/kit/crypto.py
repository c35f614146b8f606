"""Encryption of secrets at rest (private keys) under a key derived from PASSMINT_SECRET_KEY."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_FORMAT = b"\x01"  # AES-256-GCM, 96-bit random nonce
_NONCE_BYTES = 12


class SealedDataUnreadable(Exception):
    """Sealed data could not be opened: another secret key, another context, or damaged data."""


class SecretBox:
    """Seals bytes with AES-256-GCM under a key derived (HKDF-SHA256) from a secret and a purpose.

    ``context`` binds a sealed value to where it is stored (e.g. a row id), so a sealed value copied
    to another row does not open there.
    """

    def __init__(self, secret: str, *, purpose: str) -> None:
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=f"passmint:{purpose}".encode()
        ).derive(secret.encode())
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, *, context: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return _FORMAT + nonce + self._aead.encrypt(nonce, plaintext, context)

    def open(self, sealed: bytes, *, context: bytes) -> bytes:
        if sealed[:1] != _FORMAT:
            raise SealedDataUnreadable("unknown sealed-data format")
        nonce, ciphertext = sealed[1 : 1 + _NONCE_BYTES], sealed[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, ciphertext, context)
        except InvalidTag:
            raise SealedDataUnreadable("sealed data does not open with this key and context") from None
