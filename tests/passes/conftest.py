"""A project with the reference's Apple template, and a verifier for downloaded passes."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from passmint.config import Settings
from tests.factories import create_project, create_template

Verify = Callable[[bytes], dict[str, bytes]]


@pytest.fixture
async def template_id(api: httpx.AsyncClient) -> int:
    project = await create_project(api, "/v1/project/id/loyalty")
    return await create_template(api, project["id"], suffix="/id/card")


@pytest.fixture
def verify(settings: Settings, tmp_path: Path) -> Verify:
    """Unzips a .pkpass, checks every manifest digest and the signature with openssl; returns its files."""

    def check(data: bytes) -> dict[str, bytes]:
        archive = zipfile.ZipFile(io.BytesIO(data))
        files = {info.filename: archive.read(info) for info in archive.infolist()}
        manifest = json.loads(files["manifest.json"])
        assert set(manifest) == set(files) - {"manifest.json", "signature"}
        for name, digest in manifest.items():
            assert hashlib.sha1(files[name]).hexdigest() == digest, name  # Apple's manifest format
        (tmp_path / "manifest.json").write_bytes(files["manifest.json"])
        (tmp_path / "signature").write_bytes(files["signature"])
        ca = settings.data_dir / "dev-certs" / "ca.pem"
        command = ["openssl", "smime", "-verify", "-binary", "-inform", "DER", "-purpose", "any"]
        command += ["-in", str(tmp_path / "signature"), "-content", str(tmp_path / "manifest.json")]
        command += ["-CAfile", str(ca), "-out", "/dev/null"]
        result = subprocess.run(command, capture_output=True, check=False)
        assert result.returncode == 0, result.stderr
        return files

    return check


def pass_json(files: dict[str, bytes]) -> dict[str, Any]:
    return json.loads(files["pass.json"])  # type: ignore[no-any-return]
