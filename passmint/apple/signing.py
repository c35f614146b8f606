"""PassSigner: a Pass Type ID certificate, its key and the WWDR certificate, parsed once; signs manifests."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import resources

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.decrepit.ciphers.algorithms import RC2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, modes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from passmint.apple.cms import SignedDataTemplate
from passmint.apple.errors import CertificateError, CertificatePasswordError

SigningKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

PASS_TYPE_ID_PREFIX = "pass."
# pbeWithSHAAnd128BitRC2-CBC and pbeWithSHAAnd40BitRC2-CBC (PKCS#12 v1.1, 1.2.840.113549.1.12.1.5/6) in DER.
_RC2_PBE_OIDS = (
    bytes.fromhex("060a2a864886f70d010c0105"),
    bytes.fromhex("060a2a864886f70d010c0106"),
)
_REEXPORT = (
    "openssl pkcs12 -legacy -in old.p12 -nodes -out tmp.pem && "
    "openssl pkcs12 -export -in tmp.pem -out new.p12 && rm tmp.pem"
)

MESSAGES = {
    "no_certificate": "No PEM certificate found in the certificate file.",
    "bad_wwdr": "The WWDR file holds no PEM certificate.",
    "key_password_needed": "The private key is encrypted; give its password.",
    "key_unreadable": "The private key cannot be read: its password is wrong or the file is damaged.",
    "key_type": "The private key is {kind}; Apple pass signing needs an RSA or elliptic-curve key.",
    "key_mismatch": "The private key does not belong to the certificate {subject}.",
    "no_uid": (
        "The certificate {subject} is not a Pass Type ID certificate: its subject has no UID "
        "starting with 'pass.'. Download the Pass Type ID certificate from Apple's developer portal."
    ),
    "no_team": "The certificate {subject} has no team identifier (OU) in its subject.",
    "expired": "The {what} expired on {date} (UTC); get a current one from Apple's developer portal.",
    "not_issued_by_wwdr": (
        "The certificate {subject} was not issued by the WWDR certificate {wwdr}. Pass Type ID "
        "certificates issued since 2022 need Apple's WWDR G4 (bundled); give the matching WWDR otherwise."
    ),
    "p12_password": "The PKCS#12 file cannot be opened: the password is wrong or the file is damaged.",
    "p12_legacy": (
        "The PKCS#12 file uses RC2 encryption, which this system's OpenSSL no longer reads (OpenSSL 3 "
        "moved it to its legacy provider). Re-export it with the same password: " + _REEXPORT
    ),
    "p12_incomplete": "The PKCS#12 file must hold both the Pass Type ID certificate and its private key.",
}


@functools.cache
def bundled_wwdr_pem() -> bytes:
    """Apple's WWDR G4 intermediate certificate shipped with passmint (valid to 2030-12-10)."""
    return resources.files("passmint.apple").joinpath("data/AppleWWDRCAG4.pem").read_bytes()


class PassSigner:
    """Signs pass manifests with one Pass Type ID certificate; all parsing happens in the constructor."""

    __slots__ = (
        "_certificate",
        "_certificate_pem",
        "_fingerprint",
        "_key",
        "_team",
        "_template",
        "_type_id",
        "_wwdr",
        "_wwdr_pem",
    )

    def __init__(
        self,
        certificate: x509.Certificate,
        private_key: SigningKey,
        wwdr: x509.Certificate,
        *,
        allow_expired: bool = False,
    ) -> None:
        _check_key(certificate, private_key)
        self._type_id = _pass_type_identifier(certificate)
        self._team = _team_identifier(certificate)
        _check_issuer(certificate, wwdr)
        if not allow_expired:
            _check_not_expired(certificate, "Pass Type ID certificate")
            _check_not_expired(wwdr, "WWDR certificate")
        self._certificate = certificate
        self._key = private_key
        self._wwdr = wwdr
        self._template = SignedDataTemplate(certificate, private_key, wwdr)
        self._certificate_pem = certificate.public_bytes(serialization.Encoding.PEM)
        self._wwdr_pem = wwdr.public_bytes(serialization.Encoding.PEM)
        chain = certificate.fingerprint(hashes.SHA256()) + wwdr.fingerprint(hashes.SHA256())
        self._fingerprint = hashlib.sha256(chain).hexdigest()  # the certificate binds the key

    @classmethod
    def from_pem(
        cls,
        cert_pem: bytes,
        key_pem: bytes,
        wwdr_pem: bytes | None = None,
        key_password: bytes | None = None,
        *,
        allow_expired: bool = False,
    ) -> PassSigner:
        """Load a PEM certificate (or chain), its PEM private key and optionally a WWDR certificate."""
        key = _load_pem_key(key_pem, key_password)
        try:
            certificates = x509.load_pem_x509_certificates(cert_pem)
        except ValueError:
            raise CertificateError(MESSAGES["no_certificate"]) from None
        certificate = _matching_certificate(certificates, key)
        wwdr = _choose_wwdr(certificate, certificates, wwdr_pem)
        return cls(certificate, key, wwdr, allow_expired=allow_expired)

    @classmethod
    def from_pkcs12(
        cls,
        p12: bytes,
        password: bytes | None,
        wwdr_pem: bytes | None = None,
        *,
        allow_expired: bool = False,
    ) -> PassSigner:
        """Load a PKCS#12 (.p12) export of the Pass Type ID certificate and its key."""
        try:
            bundle = pkcs12.load_pkcs12(p12, password)
        except ValueError:
            legacy = any(oid in p12 for oid in _RC2_PBE_OIDS) and not rc2_supported()
            if legacy:
                raise CertificateError(MESSAGES["p12_legacy"]) from None
            raise CertificatePasswordError(MESSAGES["p12_password"]) from None
        if bundle.key is None or bundle.cert is None:
            raise CertificateError(MESSAGES["p12_incomplete"])
        key = _signing_key(bundle.key)
        extra = [entry.certificate for entry in bundle.additional_certs]
        wwdr = _choose_wwdr(bundle.cert.certificate, extra, wwdr_pem)
        return cls(bundle.cert.certificate, key, wwdr, allow_expired=allow_expired)

    @property
    def pass_type_identifier(self) -> str:
        """The pass type identifier (the certificate subject's UID), e.g. pass.com.example.ticket."""
        return self._type_id

    @property
    def team_identifier(self) -> str:
        """The Apple team identifier (the certificate subject's OU)."""
        return self._team

    @property
    def not_valid_before(self) -> datetime:
        """Start of the certificate's validity, timezone-aware UTC."""
        return self._certificate.not_valid_before_utc

    @property
    def not_valid_after(self) -> datetime:
        """End of the certificate's validity, timezone-aware UTC."""
        return self._certificate.not_valid_after_utc

    @property
    def certificate_pem(self) -> bytes:
        """The Pass Type ID certificate in PEM."""
        return self._certificate_pem

    @property
    def wwdr_pem(self) -> bytes:
        """The WWDR intermediate certificate put into every signature, in PEM."""
        return self._wwdr_pem

    @property
    def fingerprint(self) -> str:
        """SHA-256 over the certificate and the WWDR certificate: changes when either is renewed."""
        return self._fingerprint

    def private_key_der(self) -> bytes:
        """The private key as unencrypted PKCS#8 DER, for storing it sealed; never log it."""
        return self._key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def sign(self, manifest: bytes) -> bytes:
        """Detached PKCS#7 signature (DER) over manifest.json, carrying signer and WWDR certificates."""
        return self._template.sign(manifest)

    def __repr__(self) -> str:
        return f"PassSigner(pass_type_identifier={self._type_id!r}, team_identifier={self._team!r})"


def rc2_supported() -> bool:
    """Whether this process's OpenSSL can still decrypt RC2 (needed by old PKCS#12 exports)."""
    try:
        Cipher(RC2(bytes(16)), modes.CBC(bytes(8))).decryptor()
    except UnsupportedAlgorithm:
        return False
    return True


def _load_pem_key(key_pem: bytes, password: bytes | None) -> SigningKey:
    try:
        key = serialization.load_pem_private_key(key_pem, password)
    except TypeError:
        if password is None:
            raise CertificatePasswordError(MESSAGES["key_password_needed"]) from None
        return _load_pem_key(key_pem, None)  # a password was given for an unencrypted key
    except (ValueError, UnsupportedAlgorithm):
        raise CertificatePasswordError(MESSAGES["key_unreadable"]) from None
    return _signing_key(key)


def _signing_key(key: object) -> SigningKey:
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise CertificateError(MESSAGES["key_type"].format(kind=type(key).__name__))
    return key


def _matching_certificate(certificates: Sequence[x509.Certificate], key: SigningKey) -> x509.Certificate:
    for certificate in certificates:
        if certificate.public_key() == key.public_key():
            return certificate
    raise CertificateError(MESSAGES["key_mismatch"].format(subject=certificates[0].subject.rfc4514_string()))


def _check_key(certificate: x509.Certificate, key: SigningKey) -> None:
    _signing_key(key)
    if certificate.public_key() != key.public_key():
        raise CertificateError(MESSAGES["key_mismatch"].format(subject=certificate.subject.rfc4514_string()))


def _choose_wwdr(
    certificate: x509.Certificate, others: Sequence[x509.Certificate], wwdr_pem: bytes | None
) -> x509.Certificate:
    """The WWDR given, else an issuer shipped alongside the certificate, else Apple's bundled G4."""
    if wwdr_pem is not None:
        try:
            candidates = x509.load_pem_x509_certificates(wwdr_pem)
        except ValueError:
            raise CertificateError(MESSAGES["bad_wwdr"]) from None
    else:
        candidates = [other for other in others if other.subject == certificate.issuer]
        if not candidates:
            candidates = x509.load_pem_x509_certificates(bundled_wwdr_pem())
    issuers = [candidate for candidate in candidates if candidate.subject == certificate.issuer]
    return issuers[0] if issuers else candidates[0]


def _pass_type_identifier(certificate: x509.Certificate) -> str:
    values = certificate.subject.get_attributes_for_oid(NameOID.USER_ID)
    value = values[0].value if values else None
    if not isinstance(value, str) or not value.startswith(PASS_TYPE_ID_PREFIX):
        raise CertificateError(MESSAGES["no_uid"].format(subject=certificate.subject.rfc4514_string()))
    return value


def _team_identifier(certificate: x509.Certificate) -> str:
    values = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    value = values[0].value if values else None
    if not isinstance(value, str) or not value:
        raise CertificateError(MESSAGES["no_team"].format(subject=certificate.subject.rfc4514_string()))
    return value


def _check_issuer(certificate: x509.Certificate, wwdr: x509.Certificate) -> None:
    try:
        certificate.verify_directly_issued_by(wwdr)
    except (ValueError, TypeError, InvalidSignature):
        subject, issuer = certificate.subject.rfc4514_string(), wwdr.subject.rfc4514_string()
        raise CertificateError(MESSAGES["not_issued_by_wwdr"].format(subject=subject, wwdr=issuer)) from None


def _check_not_expired(certificate: x509.Certificate, what: str) -> None:
    expiry = certificate.not_valid_after_utc
    if expiry <= datetime.now(UTC):
        raise CertificateError(MESSAGES["expired"].format(what=what, date=expiry.strftime("%Y-%m-%d %H:%M")))
