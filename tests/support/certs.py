"""Certificates made in code for tests: one builder for every self-signed certificate, test CA and chain."""

from __future__ import annotations

import ipaddress
import ssl
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
Extension = tuple[x509.ExtensionType, bool]
"""An extension to add, and whether it is critical."""


@dataclass(frozen=True)
class Issued:
    """A certificate and its private key."""

    certificate: x509.Certificate
    key: PrivateKey

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )


def issue(
    subject: str | x509.Name,
    *,
    issuer: Issued | None = None,
    key: PrivateKey | None = None,
    start: datetime | None = None,
    days: float = 1,
    ca: bool = False,
    hosts: Sequence[str] = (),
    extensions: Sequence[Extension] = (),
) -> Issued:
    """A certificate for ``subject`` (a common name, or a whole name) signed by ``issuer``, or by itself.

    ``key`` is a new P-256 key unless given (elliptic curves are fast to make); the certificate is valid
    from ``start`` (five minutes ago by default) for ``days``. A ``ca`` may issue certificates (path
    length 0, with a subject key identifier); ``hosts`` (DNS names and IP addresses) become its
    subject alternative names; ``extensions`` are added as given."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    name = subject if isinstance(subject, x509.Name) else x509.Name([common_name(subject)])
    start = start or datetime.now(UTC) - timedelta(minutes=5)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.certificate.subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
    )
    if ca:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    if issuer is not None:
        authority = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key())
        builder = builder.add_extension(authority, critical=False)
    if hosts:
        builder = builder.add_extension(x509.SubjectAlternativeName(map(_general_name, hosts)), False)
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return Issued(builder.sign(issuer.key if issuer else key, hashes.SHA256()), key)


def common_name(value: str) -> x509.NameAttribute:
    return x509.NameAttribute(NameOID.COMMON_NAME, value)


def _general_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def tls_contexts(certificate: Issued) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context presenting a self-signed ``certificate``, and a client context trusting it."""
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as directory:
        (Path(directory) / "cert.pem").write_bytes(certificate.pem())
        (Path(directory) / "key.pem").write_bytes(certificate.key_pem())
        server.load_cert_chain(Path(directory) / "cert.pem", Path(directory) / "key.pem")
    client = ssl.create_default_context(cadata=certificate.pem().decode())
    return server, client
