"""Detached PKCS#7 SignedData assembled around one signature: all but the signature is DER prepared once."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

# The encodings below are those cryptography's PKCS7SignatureBuilder writes (and OpenSSL's PKCS7_sign),
# so a signature made here is byte for byte the builder's for the same signingTime (RSA is deterministic).
_SIGNED_DATA_OID = bytes.fromhex("06092a864886f70d010702")
_VERSION_1 = b"\x02\x01\x01"
_SHA256 = bytes.fromhex("300d06096086480165030402010500")  # sha256, NULL parameters
_RSA = bytes.fromhex("300d06092a864886f70d0101010500")  # rsaEncryption, NULL parameters
_ECDSA_SHA256 = bytes.fromhex("300a06082a8648ce3d040302")  # ecdsa-with-SHA256, no parameters
_DATA_CONTENT_INFO = bytes.fromhex("300b06092a864886f70d010701")  # pkcs7-data, content detached
_CONTENT_TYPE_ATTR = bytes.fromhex("301806092a864886f70d010903310b06092a864886f70d010701")
_SIGNING_TIME_PREFIX = bytes.fromhex("301c06092a864886f70d010905310f170d")  # then 13 bytes of UTCTime
_MESSAGE_DIGEST_PREFIX = bytes.fromhex("302f06092a864886f70d01090431220420")  # then the 32-byte SHA-256
# sMIMECapabilities: aes256-CBC, aes192-CBC, aes128-CBC (what the builder adds without NoCapabilities).
_SMIME_CAPABILITIES_ATTR = bytes.fromhex(
    "303606092a864886f70d01090f31293027"
    "300b060960864801650304012a300b0609608648016503040116300b0609608648016503040102"
)


def der(tag: int, content: bytes) -> bytes:
    """One DER tag-length-value with the definite, shortest length encoding."""
    size = len(content)
    if size < 0x80:
        return bytes((tag, size)) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


def utc_time(moment: datetime) -> bytes:
    """UTCTime content (YYMMDDHHMMSSZ) for a time between 1950 and 2049, as RFC 5652 asks for signingTime."""
    return moment.astimezone(UTC).strftime("%y%m%d%H%M%SZ").encode("ascii")


class _Clock:
    """The current second as UTCTime, formatted once per second (every pass signed in it shares it)."""

    __slots__ = ("_second", "_text")

    def __init__(self) -> None:
        self._second = -1
        self._text = b""

    def now(self) -> bytes:
        second = int(time.time())
        if second != self._second:
            self._text, self._second = (
                time.strftime("%y%m%d%H%M%SZ", time.gmtime(second)).encode("ascii"),
                second,
            )
        return self._text


_CLOCK = _Clock()


def _attributes(moment: bytes, digest: bytes) -> bytes:
    """The signed attributes' content: contentType, signingTime, messageDigest, sMIMECapabilities."""
    return b"".join(
        (
            _CONTENT_TYPE_ATTR,
            _SIGNING_TIME_PREFIX,
            moment,
            _MESSAGE_DIGEST_PREFIX,
            digest,
            _SMIME_CAPABILITIES_ATTR,
        )
    )


class SignedDataTemplate:
    """Everything of a signer's SignedData that does not depend on the message, encoded once.

    For an RSA key every length is fixed (the attributes' and the signature's, the modulus size), so
    the output is a prepared head, the attributes, a prepared middle and the signature: one join.
    """

    __slots__ = (
        "_certificates",
        "_ecdsa",
        "_framing",
        "_key",
        "_pkcs1",
        "_sha256",
        "_signature_algorithm",
        "_signer_id",
    )

    def __init__(
        self,
        certificate: x509.Certificate,
        key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
        extra: x509.Certificate,
    ) -> None:
        self._key = key
        # The extra (WWDR) certificate first, then the signer's: the order the builder writes.
        chain = extra.public_bytes(serialization.Encoding.DER) + certificate.public_bytes(
            serialization.Encoding.DER
        )
        self._certificates = der(0xA0, chain)
        serial = certificate.serial_number
        issuer = certificate.issuer.public_bytes()
        self._signer_id = der(0x30, issuer + der(0x02, serial.to_bytes(serial.bit_length() // 8 + 1, "big")))
        self._signature_algorithm = _RSA if isinstance(key, rsa.RSAPrivateKey) else _ECDSA_SHA256
        self._sha256 = hashes.SHA256()
        self._pkcs1 = padding.PKCS1v15()
        self._ecdsa = ec.ECDSA(self._sha256)
        self._framing = self._fixed_framing(key) if isinstance(key, rsa.RSAPrivateKey) else None

    def sign(self, message: bytes, signing_time: datetime | None = None) -> bytes:
        """DER ContentInfo of a detached SignedData over message, carrying both certificates."""
        moment = _CLOCK.now() if signing_time is None else utc_time(signing_time)
        attributes = _attributes(moment, hashlib.sha256(message).digest())
        if self._framing is not None:
            key, to_sign, head, middle = self._framing
            signature = key.sign(to_sign + attributes, self._pkcs1, self._sha256)
            return b"".join((head, attributes, middle, signature))
        return self._assemble(attributes, self._signature(der(0x31, attributes)))

    def _fixed_framing(self, key: rsa.RSAPrivateKey) -> tuple[rsa.RSAPrivateKey, bytes, bytes, bytes]:
        """The key, the SET header signed over, and the bytes before and after the attributes."""
        attributes = _attributes(b"0" * 13, bytes(32))
        signature = bytes(key.key_size // 8)  # PKCS#1 v1.5 signatures are exactly the modulus size
        whole = self._assemble(attributes, signature)
        middle = self._signature_algorithm + der(0x04, signature)[: -len(signature)]
        head = whole[: len(whole) - len(signature) - len(middle) - len(attributes)]
        assert whole == head + attributes + middle + signature
        to_sign = der(0x31, attributes)[: -len(attributes)]
        return key, to_sign, head, middle

    def _assemble(self, attributes: bytes, signature: bytes) -> bytes:
        signer_info = der(
            0x30,
            b"".join(
                (
                    _VERSION_1,
                    self._signer_id,
                    _SHA256,
                    der(0xA0, attributes),
                    self._signature_algorithm,
                    der(0x04, signature),
                )
            ),
        )
        digest_algorithms = der(0x31, _SHA256)
        body = (_VERSION_1, digest_algorithms, _DATA_CONTENT_INFO, self._certificates, der(0x31, signer_info))
        signed_data = der(0x30, b"".join(body))
        return der(0x30, _SIGNED_DATA_OID + der(0xA0, signed_data))

    def _signature(self, data: bytes) -> bytes:
        """The one private-key operation: PKCS#1 v1.5 for RSA keys, ECDSA for elliptic-curve keys."""
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, self._pkcs1, self._sha256)
        return self._key.sign(data, self._ecdsa)
