"""Which certificate signs an account's passes, and the development fallback."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from passmint.certificates import service as certificate_service
from passmint.certificates.errors import PrivateKeyUnreadable
from passmint.certificates.signers import DEV_PASS_TYPE_ID, dev_signer, key_box
from passmint.config import Settings
from passmint.db import Database
from tests.certificates.conftest import Upload
from tests.conftest import ApiClient


def test_dev_signer_writes_its_files_once(tmp_path: Path) -> None:
    signer = dev_signer(tmp_path)
    assert signer.pass_type_identifier == DEV_PASS_TYPE_ID
    files = sorted(path.name for path in (tmp_path / "dev-certs").iterdir())
    assert files == ["ca.pem", "pass.key", "pass.pem", "wwdr.pem"]
    assert stat.S_IMODE((tmp_path / "dev-certs" / "pass.key").stat().st_mode) == 0o600
    before = (tmp_path / "dev-certs" / "pass.pem").read_bytes()
    assert dev_signer(tmp_path).certificate_pem == before


def test_the_dev_signer_and_the_key_box_are_made_once_per_data_dir_and_secret(tmp_path: Path) -> None:
    # Every download asks for both: the box's key derivation and the path's resolution are not repeated.
    assert dev_signer(tmp_path) is dev_signer(tmp_path) is dev_signer(tmp_path / "." / "")
    assert key_box("one secret") is key_box("one secret")
    assert key_box("one secret") is not key_box("another secret")


async def signer_for(api: ApiClient, database: Database, settings: Settings, secret: str | None = None):  # type: ignore[no-untyped-def]
    assert settings.secret_key is not None
    box = key_box(secret or settings.secret_key.get_secret_value())
    async with database.transaction() as session:
        return await certificate_service.signer_for(session, api.account, box, settings.data_dir)


async def test_without_certificates_the_dev_certificate_signs(
    api: ApiClient, database: Database, settings: Settings
) -> None:
    signer = await signer_for(api, database, settings)
    assert signer.pass_type_identifier == DEV_PASS_TYPE_ID


async def test_the_default_certificate_signs(
    api: ApiClient, database: Database, settings: Settings, coupon_cert: Upload, ticket_cert: Upload
) -> None:
    for upload, default in ((coupon_cert, False), (ticket_cert, True)):
        payload = {"certificate": upload.certificate, "password": upload.password, "default": default}
        assert (await api.post("/v1/certificates", json=payload)).status_code == 201
    signer = await signer_for(api, database, settings)
    assert signer.pass_type_identifier == ticket_cert.pass_type_identifier
    assert signer.sign(b"{}")[:1] == b"\x30"


async def test_another_secret_key_cannot_open_the_key(
    api: ApiClient, database: Database, settings: Settings, coupon_cert: Upload
) -> None:
    payload = {"certificate": coupon_cert.certificate, "password": coupon_cert.password}
    assert (await api.post("/v1/certificates", json=payload)).status_code == 201
    with pytest.raises(PrivateKeyUnreadable):
        await signer_for(api, database, settings, secret="another secret key")
