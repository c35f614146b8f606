"""NFC keys: ECDSA/ECDH P-256, as Apple's NFC passes (``nfc.encryptionPublicKey``) and Google's Smart Tap
take them, written as the reference prints them: base64 DER without PEM armour lines."""

from __future__ import annotations

import base64
import binascii
import textwrap
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

ARMOUR = ("-----BEGIN", "-----END")


@dataclass(frozen=True)
class KeyPair:
    public: str
    private: str


def generate() -> KeyPair:
    """A new P-256 key pair: the public key as SubjectPublicKeyInfo, the private one as PKCS#8 (never
    stored: the caller hands it out once)."""
    private = ec.generate_private_key(ec.SECP256R1())
    public_der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private_der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return KeyPair(_base64_lines(public_der), _base64_lines(private_der))


def _base64_lines(der: bytes) -> str:
    return "\n".join(textwrap.wrap(base64.b64encode(der).decode("ascii"), 64)) + "\n"


def checked_public_key(text: str) -> str:
    """The key as sent (a PEM's armour lines dropped) if it is a P-256 public key (base64 DER of a
    SubjectPublicKeyInfo, its point compressed or not); ``ValueError`` saying why not otherwise."""
    lines = [line.strip() for line in text.strip().splitlines()]
    body = "\n".join(line for line in lines if line and not line.startswith(ARMOUR))
    try:
        der = base64.b64decode("".join(body.split()), validate=True)
        key = serialization.load_der_public_key(der)
    except (binascii.Error, ValueError):
        raise ValueError("is not a base64 DER (or PEM) public key") from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("must be an elliptic-curve P-256 (prime256v1) public key, as NFC terminals use")
    return body + "\n" if text.lstrip().startswith(ARMOUR[0]) else text
