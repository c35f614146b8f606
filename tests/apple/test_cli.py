"""Tests of passmint.apple.cli through Typer's runner: ``certs dev`` and ``pkpass build``."""

from __future__ import annotations

import json
import shutil
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from typer.testing import CliRunner

from passmint.apple.cli import certs_app, pkpass_app
from passmint.apple.strings import encode_strings
from tests.apple.conftest import make_png, manifest_matches, minimal_pass, needs_openssl, unzip

runner = CliRunner()


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def model_dir(tmp_path, icon):
    """A pass folder as designers lay it out: pass.json, images and a localisation folder."""
    folder = tmp_path / "Loyalty.pass"
    (folder / "fr.lproj").mkdir(parents=True)
    (folder / "pass.json").write_text(json.dumps(minimal_pass()))
    (folder / "icon.png").write_bytes(icon)
    (folder / "icon@2x.png").write_bytes(make_png(58, 58))
    (folder / "fr.lproj" / "pass.strings").write_bytes(encode_strings({"Balance": "Solde"}))
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    return folder


def build_args(model_dir, cert_dir, out, *extra: str) -> list[str]:
    return [
        "build",
        str(model_dir),
        "--cert",
        str(cert_dir / "pass.pem"),
        "--key",
        str(cert_dir / "pass.key"),
        "--wwdr",
        str(cert_dir / "wwdr.pem"),
        "--out",
        str(out),
        *extra,
    ]


class TestCertsDev:
    def test_writes_certificates_with_private_key_mode(self, tmp_path):
        out = tmp_path / "certs"
        result = runner.invoke(certs_app, ["dev", "--out", str(out), "--pass-type-id", "pass.dev.cli"])
        assert result.exit_code == 0, result.output
        assert sorted(path.name for path in out.iterdir()) == ["ca.pem", "pass.key", "pass.pem", "wwdr.pem"]
        assert mode(out / "pass.key") == 0o600
        assert {mode(out / name) for name in ("ca.pem", "wwdr.pem", "pass.pem")} == {0o644}
        assert (out / "pass.key").read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
        assert "NOT FOR DEVICES" in result.output
        assert "real iPhone" in " ".join(result.output.split())

    def test_refuses_to_overwrite_without_force(self, tmp_path):
        out = tmp_path / "certs"
        out.mkdir()
        (out / "pass.key").write_text("keep me")
        result = runner.invoke(certs_app, ["dev", "--out", str(out)])
        assert result.exit_code == 2
        assert "--force" in result.output
        assert (out / "pass.key").read_text() == "keep me"

    def test_rejects_a_bad_pass_type_id(self, tmp_path):
        result = runner.invoke(certs_app, ["dev", "--out", str(tmp_path), "--pass-type-id", "com.example"])
        assert result.exit_code == 2
        assert "must start with 'pass.'" in result.output
        assert list(tmp_path.iterdir()) == []


class TestPkpassBuild:
    @needs_openssl
    def test_builds_a_verifiable_pass_from_a_folder(self, model_dir, cert_dir, tmp_path, openssl_verify):
        out = tmp_path / "loyalty.pkpass"
        result = runner.invoke(pkpass_app, build_args(model_dir, cert_dir, out))
        assert result.exit_code == 0, result.output
        members = unzip(out.read_bytes())
        assert set(members) == {
            "pass.json",
            "icon.png",
            "icon@2x.png",
            "fr.lproj/pass.strings",
            "manifest.json",
            "signature",
        }
        assert manifest_matches(members)
        assert openssl_verify(members).returncode == 0
        assert "Skipped hidden files: .DS_Store" in result.output

    def test_invalid_pass_exits_2_naming_the_field(self, model_dir, cert_dir, tmp_path):
        broken = minimal_pass(barcodes=[{"format": "QR", "message": "x", "messageEncoding": "utf-8"}])
        (model_dir / "pass.json").write_text(json.dumps(broken))
        (model_dir / "notes.txt").write_text("draft")
        out = tmp_path / "broken.pkpass"
        result = runner.invoke(pkpass_app, build_args(model_dir, cert_dir, out))
        assert result.exit_code == 2
        assert "barcodes[0].format" in result.output
        assert "notes.txt" in result.output
        assert not out.exists()

    def test_missing_pass_json_exits_2(self, model_dir, cert_dir, tmp_path):
        (model_dir / "pass.json").unlink()
        result = runner.invoke(pkpass_app, build_args(model_dir, cert_dir, tmp_path / "x.pkpass"))
        assert result.exit_code == 2
        assert "has no pass.json" in result.output

    def test_malformed_pass_json_exits_2(self, model_dir, cert_dir, tmp_path):
        (model_dir / "pass.json").write_text("{not json")
        result = runner.invoke(pkpass_app, build_args(model_dir, cert_dir, tmp_path / "x.pkpass"))
        assert result.exit_code == 2
        assert "is not valid JSON" in result.output

    def test_certificate_problems_exit_2(self, model_dir, cert_dir, tmp_path):
        args = build_args(model_dir, cert_dir, tmp_path / "x.pkpass")
        wwdr_at = args.index("--wwdr")
        del args[wwdr_at : wwdr_at + 2]  # Apple's G4 did not issue the development certificate
        result = runner.invoke(pkpass_app, args)
        assert result.exit_code == 2
        assert "Certificate problem" in result.output

    def test_encrypted_key_with_its_password(self, model_dir, cert_dir, tmp_path, dev_certs):
        key = serialization.load_pem_private_key(dev_certs.pass_key, None)
        encrypted = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"s3cret"),
        )
        keys = tmp_path / "keys"
        shutil.copytree(cert_dir, keys)
        (keys / "pass.key").write_bytes(encrypted)
        out = tmp_path / "x.pkpass"
        result = runner.invoke(pkpass_app, build_args(model_dir, keys, out, "--key-password", "s3cret"))
        assert result.exit_code == 0, result.output
        assert manifest_matches(unzip(out.read_bytes()))
