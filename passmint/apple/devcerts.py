"""Development certificates laid out like Apple's: a root, a WWDR stand-in and a Pass Type ID certificate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from passmint.apple.errors import CertificateError
from passmint.apple.signing import PASS_TYPE_ID_PREFIX

NOT_FOR_DEVICES = "NOT FOR DEVICES - passmint development"
ROOT_NAME = f"Development Root CA ({NOT_FOR_DEVICES})"
WWDR_NAME = f"Development WWDR CA ({NOT_FOR_DEVICES})"
DEFAULT_VALID_DAYS = 3 * 365
# Apple's markers: the pass signing extended key usage, the Pass Type ID leaf extension,
# the WWDR intermediate extension and Apple's certificate policy. Apple's Pass Type ID certificates
# (WWDR G4) list TLS client authentication first among their extended key usages, then pass signing:
# the same certificate authenticates to APNs, and OpenSSL refuses a client certificate whose extended
# key usages leave clientAuth out.
APPLE_PASS_SIGNING_EKU = ObjectIdentifier("1.2.840.113635.100.4.14")
APPLE_PASS_TYPE_ID_EXTENSION = ObjectIdentifier("1.2.840.113635.100.6.1.16")
APPLE_WWDR_EXTENSION = ObjectIdentifier("1.2.840.113635.100.6.2.1")
APPLE_CERTIFICATE_POLICY = ObjectIdentifier("1.2.840.113635.100.5.1")
_DER_NULL = b"\x05\x00"

MESSAGES = {
    "type_id": "The pass type identifier must start with 'pass.', e.g. pass.dev.passmint.",
    "team_id": "The team identifier must not be empty.",
    "too_long": "{what} is too long for a certificate name (at most {limit} characters).",
}


@dataclass(frozen=True)
class DevCertificates:
    """PEM certificates and key for development signing; Wallet on a real device rejects them."""

    ca: bytes
    wwdr: bytes
    pass_cert: bytes
    pass_key: bytes
    p12: bytes


def make_dev_certificates(
    pass_type_identifier: str,
    team_identifier: str,
    organization: str = "passmint development",
    *,
    p12_password: bytes | None = None,
    valid_from: datetime | None = None,
    valid_days: int = DEFAULT_VALID_DAYS,
) -> DevCertificates:
    """Make a development root, a WWDR stand-in it signs, and a Pass Type ID certificate (RSA-2048)."""
    _check_names(pass_type_identifier, team_identifier, organization)
    start = valid_from or datetime.now(UTC) - timedelta(minutes=5)
    window = (start, start + timedelta(days=valid_days))
    root_key, wwdr_key, pass_key = (_new_key() for _ in range(3))
    root = _ca_certificate(_ca_name(ROOT_NAME, organization), root_key, None, window)
    wwdr = _ca_certificate(_ca_name(WWDR_NAME, organization), wwdr_key, (root, root_key), window)
    subject = _pass_name(pass_type_identifier, team_identifier, organization)
    leaf = _pass_certificate(subject, pass_type_identifier, pass_key, (wwdr, wwdr_key), window)
    return DevCertificates(
        ca=_pem(root),
        wwdr=_pem(wwdr),
        pass_cert=_pem(leaf),
        pass_key=pass_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        p12=_p12(leaf, pass_key, wwdr, p12_password),
    )


def _check_names(pass_type_identifier: str, team_identifier: str, organization: str) -> None:
    if (
        not pass_type_identifier.startswith(PASS_TYPE_ID_PREFIX)
        or pass_type_identifier == PASS_TYPE_ID_PREFIX
    ):
        raise CertificateError(MESSAGES["type_id"])
    if not team_identifier:
        raise CertificateError(MESSAGES["team_id"])
    limit = 64 - len("Pass Type ID: ")
    if len(pass_type_identifier) > limit:
        raise CertificateError(MESSAGES["too_long"].format(what="The pass type identifier", limit=limit))
    for what, value in (("The team identifier", team_identifier), ("The organization", organization)):
        if len(value) > 64:
            raise CertificateError(MESSAGES["too_long"].format(what=what, limit=64))


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _ca_name(common_name: str, organization: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, NOT_FOR_DEVICES),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        ]
    )


def _pass_name(pass_type_identifier: str, team_identifier: str, organization: str) -> x509.Name:
    """Apple's subject layout: UID, CN, OU (team), O, C."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.USER_ID, pass_type_identifier),
            x509.NameAttribute(NameOID.COMMON_NAME, f"Pass Type ID: {pass_type_identifier}"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, team_identifier),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
        ]
    )


def _builder(
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer: tuple[x509.Certificate, rsa.RSAPrivateKey] | None,
    window: tuple[datetime, datetime],
) -> x509.CertificateBuilder:
    issuer_name = issuer[0].subject if issuer else subject
    issuer_key = issuer[1] if issuer else key
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(window[0])
        .not_valid_after(window[1])
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    )


def _ca_certificate(
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer: tuple[x509.Certificate, rsa.RSAPrivateKey] | None,
    window: tuple[datetime, datetime],
) -> x509.Certificate:
    """The root when ``issuer`` is None, else an intermediate playing WWDR's part."""
    builder = _builder(subject, key, issuer, window)
    builder = builder.add_extension(
        x509.BasicConstraints(ca=True, path_length=None if issuer is None else 0), critical=True
    ).add_extension(_key_usage(cert_sign=True), critical=True)
    if issuer is not None:
        builder = builder.add_extension(x509.UnrecognizedExtension(APPLE_WWDR_EXTENSION, _DER_NULL), False)
    return builder.sign(issuer[1] if issuer else key, hashes.SHA256())


def _pass_certificate(
    subject: x509.Name,
    pass_type_identifier: str,
    key: rsa.RSAPrivateKey,
    issuer: tuple[x509.Certificate, rsa.RSAPrivateKey],
    window: tuple[datetime, datetime],
) -> x509.Certificate:
    marker = _der_utf8_string(pass_type_identifier)
    policy = x509.PolicyInformation(APPLE_CERTIFICATE_POLICY, None)
    return (
        _builder(subject, key, issuer, window)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH, APPLE_PASS_SIGNING_EKU]), critical=False
        )
        .add_extension(x509.CertificatePolicies([policy]), critical=False)
        .add_extension(x509.UnrecognizedExtension(APPLE_PASS_TYPE_ID_EXTENSION, marker), critical=False)
        .sign(issuer[1], hashes.SHA256())
    )


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _der_utf8_string(text: str) -> bytes:
    """DER UTF8String, the value Apple puts in the Pass Type ID extension."""
    data = text.encode("utf-8")
    length = len(data)
    if length < 0x80:
        return bytes([0x0C, length]) + data
    size = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x0C, 0x80 | len(size)]) + size + data


def _p12(
    certificate: x509.Certificate, key: rsa.RSAPrivateKey, wwdr: x509.Certificate, password: bytes | None
) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    )
    name = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    label = name.encode() if isinstance(name, str) else bytes(name)
    return pkcs12.serialize_key_and_certificates(label, key, certificate, [wwdr], encryption)
