"""Signers for an account's passes: its chosen or default certificate, else the development one."""

from __future__ import annotations

import functools
import uuid
from datetime import datetime
from pathlib import Path

from cachetools import LRUCache
from cryptography.hazmat.primitives import serialization

from passmint.apple import PassSigner, make_dev_certificates
from passmint.certificates.errors import PrivateKeyUnreadable
from passmint.kit.crypto import SealedDataUnreadable, SecretBox
from passmint.models import Certificate

DEV_PASS_TYPE_ID = "pass.dev.passmint"
DEV_TEAM_ID = "DEVTEAM001"
DEV_FILES = ("ca.pem", "wwdr.pem", "pass.pem", "pass.key")
CACHE_SIZE = 64

_cache: LRUCache[tuple[uuid.UUID, datetime], PassSigner] = LRUCache(maxsize=CACHE_SIZE)
_dev_signers: dict[Path, PassSigner] = {}


@functools.lru_cache(maxsize=8)
def key_box(secret_key: str) -> SecretBox:
    """The box private keys are sealed in, its key derived once per secret (every download asks)."""
    return SecretBox(secret_key, purpose="certificate-private-keys")


def seal_key(box: SecretBox, certificate_id: uuid.UUID, signer: PassSigner) -> bytes:
    return box.seal(signer.private_key_der(), context=certificate_id.bytes)


def signer_of(box: SecretBox, certificate: Certificate) -> PassSigner:
    """The signer of a stored certificate, parsed once per version of the row."""
    version = (certificate.id, certificate.updated_at)
    found = _cache.get(version)
    if found is None:
        key_pem = private_key_pem(box, certificate, "certificate")
        found = _cache[version] = PassSigner.from_pem(
            certificate.certificate_pem.encode(), key_pem, certificate.wwdr_pem.encode(), allow_expired=True
        )
    return found


def private_key_pem(box: SecretBox, certificate: Certificate, noun: str) -> bytes:
    """The stored private key of ``certificate`` (a ``noun``: certificate, credential), opened as PKCS#8
    PEM; ``PrivateKeyUnreadable`` when this deployment's secret key is not the one it was sealed with."""
    try:
        key_der = box.open(certificate.sealed_private_key, context=certificate.id.bytes)
    except SealedDataUnreadable:
        raise PrivateKeyUnreadable(
            f"The private key of {noun} {certificate.id} cannot be decrypted: "
            "PASSMINT_SECRET_KEY is not the one it was stored with"
        ) from None
    return serialization.load_der_private_key(key_der, None).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def dev_signer(data_dir: Path) -> PassSigner:
    """The development signer, its certificates made once into ``DATA_DIR/dev-certs`` (never for devices)."""
    found = _dev_signers.get(data_dir)  # by the path as given first: resolving it costs system calls
    if found is not None:
        return found
    directory = (data_dir / "dev-certs").resolve()
    if directory not in _dev_signers:
        if not all((directory / name).exists() for name in DEV_FILES):
            _write_dev_certificates(directory)
        pem = {name: (directory / name).read_bytes() for name in DEV_FILES}
        _dev_signers[directory] = PassSigner.from_pem(pem["pass.pem"], pem["pass.key"], pem["wwdr.pem"])
    _dev_signers[data_dir] = _dev_signers[directory]
    return _dev_signers[directory]


def _write_dev_certificates(directory: Path) -> None:
    certificates = make_dev_certificates(DEV_PASS_TYPE_ID, DEV_TEAM_ID)
    directory.mkdir(parents=True, exist_ok=True)
    contents = {
        "ca.pem": certificates.ca,
        "wwdr.pem": certificates.wwdr,
        "pass.pem": certificates.pass_cert,
        "pass.key": certificates.pass_key,
    }
    for name, data in contents.items():
        path = directory / name
        path.write_bytes(data)
        if name.endswith(".key"):
            path.chmod(0o600)


def kept_signer(version: tuple[uuid.UUID, datetime]) -> PassSigner | None:
    """The signer ``signer_of`` parsed for this version of a certificate row, if still kept (no read)."""
    return _cache.get(version)
