"""Certificates for the certificate tests, made once per session."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from passmint.apple import make_dev_certificates
from tests.support.certs import issue

PASSWORD = "p12-secret"


@dataclass(frozen=True)
class Upload:
    """A certificate as a client uploads it, and what it should be read as."""

    certificate: str
    password: str | None
    pass_type_identifier: str
    team_identifier: str
    not_valid_after: datetime


def p12_upload(pass_type: str, team: str, **options: object) -> Upload:
    made = make_dev_certificates(pass_type, team, p12_password=PASSWORD.encode(), **options)  # type: ignore[arg-type]
    end = x509.load_pem_x509_certificate(made.pass_cert).not_valid_after_utc
    return Upload(base64.b64encode(made.p12).decode(), PASSWORD, pass_type, team, end)


@pytest.fixture(scope="session")
def coupon_cert() -> Upload:
    return p12_upload("pass.com.example.coupon", "TEAM000001")


@pytest.fixture(scope="session")
def coupon_cert_renewed() -> Upload:
    """The same pass type and team as ``coupon_cert``, issued later with a longer validity."""
    return p12_upload("pass.com.example.coupon", "TEAM000001", valid_days=5 * 365)


@pytest.fixture(scope="session")
def ticket_cert() -> Upload:
    return p12_upload("pass.com.example.ticket", "TEAM000001")


@pytest.fixture(scope="session")
def expired_cert() -> Upload:
    return p12_upload(
        "pass.com.example.old",
        "TEAM000001",
        valid_from=datetime.now(UTC) - timedelta(days=400),
        valid_days=30,
    )


@pytest.fixture(scope="session")
def pem_upload() -> Upload:
    """A PEM file holding a Pass Type ID certificate, its issuer and its key, base64-encoded."""
    made = make_dev_certificates("pass.com.example.pem", "TEAM000002")
    end = x509.load_pem_x509_certificate(made.pass_cert).not_valid_after_utc
    return Upload(
        base64.b64encode(made.pass_cert + made.wwdr + made.pass_key).decode(),
        None,
        "pass.com.example.pem",
        "TEAM000002",
        end,
    )


@pytest.fixture(scope="session")
def tls_cert() -> str:
    """A .p12 of an ordinary certificate that is not a Pass Type ID certificate."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    made = issue("www.example.com", key=key, start=datetime.now(UTC) - timedelta(days=1), days=31)
    data = pkcs12.serialize_key_and_certificates(
        b"tls", key, made.certificate, None, serialization.NoEncryption()
    )
    return base64.b64encode(data).decode()
