"""Fixtures for the Apple pass engine: one development certificate set, PNGs made in code, openssl checks."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from passmint.apple import DevCertificates, PassSigner, make_dev_certificates
from tests.support.certs import common_name, issue

PASS_TYPE_ID = "pass.dev.passmint"
TEAM_ID = "DEVTEAM001"

needs_openssl = pytest.mark.skipif(
    shutil.which("openssl") is None, reason="the openssl command is not installed"
)


def make_png(width: int = 29, height: int = 29, colour: bytes = b"\x20\x60\xa0") -> bytes:
    """A valid RGB PNG of one colour."""
    raw = b"".join(b"\x00" + colour * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def minimal_pass(**changes: object) -> dict[str, object]:
    """A valid store card for the development certificate; keyword arguments replace top-level keys."""
    pass_json: dict[str, object] = {
        "formatVersion": 1,
        "passTypeIdentifier": PASS_TYPE_ID,
        "teamIdentifier": TEAM_ID,
        "serialNumber": "SN-0001",
        "organizationName": "passmint tests",
        "description": "Test loyalty card",
        "storeCard": {
            "primaryFields": [{"key": "balance", "label": "Balance", "value": 21.5, "currencyCode": "EUR"}],
            "backFields": [{"key": "terms", "label": "Terms", "value": "None at all"}],
        },
        "barcodes": [{"format": "PKBarcodeFormatQR", "message": "SN-0001", "messageEncoding": "iso-8859-1"}],
    }
    pass_json.update(changes)
    return pass_json


def unzip(data: bytes) -> dict[str, bytes]:
    """Every member of a zip archive by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def manifest_matches(members: dict[str, bytes]) -> bool:
    """Whether manifest.json lists exactly the other files with their SHA-1 digests."""
    manifest = json.loads(members["manifest.json"])
    others = {name: data for name, data in members.items() if name not in ("manifest.json", "signature")}
    return manifest == {name: hashlib.sha1(data).hexdigest() for name, data in others.items()}


@pytest.fixture(scope="session")
def dev_certs() -> DevCertificates:
    return make_dev_certificates(PASS_TYPE_ID, TEAM_ID, p12_password=b"p12-secret")


@pytest.fixture(scope="session")
def signer(dev_certs: DevCertificates) -> PassSigner:
    return PassSigner.from_pem(dev_certs.pass_cert, dev_certs.pass_key, dev_certs.wwdr)


@pytest.fixture(scope="session")
def cert_dir(dev_certs: DevCertificates, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The development certificates as files, laid out as ``certs dev`` writes them."""
    directory = tmp_path_factory.mktemp("certs")
    (directory / "ca.pem").write_bytes(dev_certs.ca)
    (directory / "wwdr.pem").write_bytes(dev_certs.wwdr)
    (directory / "pass.pem").write_bytes(dev_certs.pass_cert)
    (directory / "pass.key").write_bytes(dev_certs.pass_key)
    return directory


@pytest.fixture(scope="session")
def icon() -> bytes:
    return make_png()


OpensslVerify = Callable[[dict[str, bytes]], subprocess.CompletedProcess[str]]


@pytest.fixture
def openssl_verify(cert_dir: Path, tmp_path: Path) -> OpensslVerify:
    """Check a pass's signature over its manifest with the openssl command, trusting the development root."""

    def verify(members: dict[str, bytes]) -> subprocess.CompletedProcess[str]:
        (tmp_path / "signature").write_bytes(members["signature"])
        (tmp_path / "manifest.json").write_bytes(members["manifest.json"])
        command = ["openssl", "smime", "-verify", "-binary", "-inform", "DER", "-in", "signature"]
        command += ["-content", "manifest.json", "-CAfile", str(cert_dir / "ca.pem"), "-purpose", "any"]
        command += ["-out", "/dev/null"]
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)

    return verify


def issue_test_chain(
    *,
    uid: str | None = PASS_TYPE_ID,
    team: str | None = TEAM_ID,
    not_before: datetime | None = None,
    days: int = 30,
) -> tuple[bytes, bytes, bytes]:
    """A fast elliptic-curve chain (issuer PEM, leaf PEM, leaf key PEM) for certificate edge cases."""
    start = not_before or datetime.now(UTC) - timedelta(days=1)
    issuer = issue("Test issuer (NOT FOR DEVICES)", start=start, days=days, ca=True)
    attributes = [common_name("Test pass certificate")]
    if uid is not None:
        attributes.insert(0, x509.NameAttribute(NameOID.USER_ID, uid))
    if team is not None:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, team))
    leaf = issue(x509.Name(attributes), issuer=issuer, start=start, days=days)
    return issuer.pem(), leaf.pem(), leaf.key_pem()


@pytest.fixture
def verified(openssl_verify: OpensslVerify) -> Callable[[bytes], dict[str, bytes]]:
    """Unzip a built .pkpass after checking its manifest digests and, with openssl, its signature."""

    def check(data: bytes) -> dict[str, bytes]:
        members = unzip(data)
        assert manifest_matches(members)
        if shutil.which("openssl") is not None:
            result = openssl_verify(members)
            assert result.returncode == 0, result.stderr
        return members

    return check
