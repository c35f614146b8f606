"""Tests of passmint.apple.signing: loading Pass Type ID certificates and signing manifests."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12

from passmint.apple import CertificateError, PassSigner, build_pkpass, make_dev_certificates
from passmint.apple.cms import SignedDataTemplate
from passmint.apple.signing import bundled_wwdr_pem, rc2_supported
from passmint.errors import InvalidInput
from tests.apple.conftest import (
    PASS_TYPE_ID,
    TEAM_ID,
    issue_test_chain,
    manifest_matches,
    minimal_pass,
    needs_openssl,
    unzip,
)

SIGNING_TIME_PREFIX = bytes.fromhex("301c06092a864886f70d010905310f170d")  # signingTime, then UTCTime
WWDR_G4_SHA256 = "EA4757885538DD8CB59FF4556F676087D83C85E70902C122E42C0808B5BCE14C"

LOAD_IN_FRESH_PROCESS = """
import sys
from passmint.apple import CertificateError, PassSigner
for path in sys.argv[1:]:
    try:
        PassSigner.from_pkcs12(open(path, "rb").read(), b"pw")
        print("loaded")
    except CertificateError as error:
        print("refused:", error.message)
"""


def encrypted_key(key_pem: bytes, password: bytes) -> bytes:
    key = serialization.load_pem_private_key(key_pem, None)
    encryption = serialization.BestAvailableEncryption(password)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def openssl_p12(tmp_path, cert_dir, name: str, *options: str) -> bytes:
    """A PKCS#12 file exported by the openssl command with ``options`` (password "pw")."""
    out = tmp_path / name
    command = ["openssl", "pkcs12", "-export", *options, "-in", str(cert_dir / "pass.pem")]
    command += ["-inkey", str(cert_dir / "pass.key"), "-certfile", str(cert_dir / "wwdr.pem")]
    command += ["-passout", "pass:pw", "-out", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"this openssl cannot export {name}: {result.stderr.strip()}")
    return out.read_bytes()


class TestFromPem:
    def test_exposes_the_certificate_facts(self, signer, dev_certs):
        assert signer.pass_type_identifier == PASS_TYPE_ID
        assert signer.team_identifier == TEAM_ID
        assert signer.not_valid_before.tzinfo is UTC and signer.not_valid_after.tzinfo is UTC
        assert signer.not_valid_before < datetime.now(UTC) < signer.not_valid_after
        assert signer.certificate_pem == dev_certs.pass_cert
        assert signer.wwdr_pem == dev_certs.wwdr
        assert (
            repr(signer) == f"PassSigner(pass_type_identifier='{PASS_TYPE_ID}', team_identifier='{TEAM_ID}')"
        )

    def test_private_key_der_round_trips(self, signer, dev_certs):
        key = serialization.load_der_private_key(signer.private_key_der(), None)
        expected = serialization.load_pem_private_key(dev_certs.pass_key, None)
        assert key.public_key() == expected.public_key()

    def test_bundled_wwdr_is_apples_g4(self):
        certificate = x509.load_pem_x509_certificate(bundled_wwdr_pem())
        der = certificate.public_bytes(serialization.Encoding.DER)
        assert hashlib.sha256(der).hexdigest().upper() == WWDR_G4_SHA256

    def test_defaults_to_the_bundled_wwdr(self, dev_certs):
        with pytest.raises(CertificateError, match=r"was not issued by the WWDR certificate .*G4"):
            PassSigner.from_pem(dev_certs.pass_cert, dev_certs.pass_key)

    def test_finds_the_wwdr_in_a_chain_file(self, dev_certs):
        chain = dev_certs.pass_cert + dev_certs.wwdr
        signer = PassSigner.from_pem(chain, dev_certs.pass_key)
        assert signer.wwdr_pem == dev_certs.wwdr

    def test_certificate_and_key_in_one_file(self, dev_certs):
        combined = dev_certs.pass_cert + encrypted_key(dev_certs.pass_key, b"secret") + dev_certs.wwdr
        signer = PassSigner.from_pem(combined, combined, key_password=b"secret")
        assert signer.pass_type_identifier == PASS_TYPE_ID

    def test_encrypted_key_needs_its_password(self, dev_certs):
        key = encrypted_key(dev_certs.pass_key, b"secret")
        with pytest.raises(CertificateError, match="encrypted; give its password"):
            PassSigner.from_pem(dev_certs.pass_cert, key, dev_certs.wwdr)
        with pytest.raises(CertificateError, match="password is wrong"):
            PassSigner.from_pem(dev_certs.pass_cert, key, dev_certs.wwdr, key_password=b"wrong")

    def test_a_password_for_a_plain_key_is_ignored(self, dev_certs):
        PassSigner.from_pem(dev_certs.pass_cert, dev_certs.pass_key, dev_certs.wwdr, key_password=b"unused")

    def test_key_must_match_the_certificate(self, dev_certs):
        _, _, other_key = issue_test_chain()
        with pytest.raises(CertificateError, match="does not belong to the certificate") as caught:
            PassSigner.from_pem(dev_certs.pass_cert, other_key, dev_certs.wwdr)
        assert isinstance(caught.value, InvalidInput)
        assert caught.value.code == "certificate_invalid"

    def test_garbage_is_refused(self, dev_certs):
        with pytest.raises(CertificateError, match="No PEM certificate"):
            PassSigner.from_pem(b"not a certificate", dev_certs.pass_key, dev_certs.wwdr)
        with pytest.raises(CertificateError, match="cannot be read"):
            PassSigner.from_pem(dev_certs.pass_cert, b"not a key", dev_certs.wwdr)

    def test_elliptic_curve_keys_are_accepted(self):
        issuer, certificate, key = issue_test_chain()
        signer = PassSigner.from_pem(certificate, key, issuer)
        assert signer.pass_type_identifier == PASS_TYPE_ID

    def test_expired_certificates_are_refused(self):
        issuer, certificate, key = issue_test_chain(
            not_before=datetime.now(UTC) - timedelta(days=400), days=30
        )
        with pytest.raises(CertificateError, match="Pass Type ID certificate expired on"):
            PassSigner.from_pem(certificate, key, issuer)
        signer = PassSigner.from_pem(certificate, key, issuer, allow_expired=True)
        assert signer.not_valid_after < datetime.now(UTC)

    def test_certificates_without_a_pass_type_id_are_refused(self):
        issuer, certificate, key = issue_test_chain(uid=None)
        with pytest.raises(CertificateError, match="not a Pass Type ID certificate"):
            PassSigner.from_pem(certificate, key, issuer)

    def test_uid_must_be_a_pass_type_id(self):
        issuer, certificate, key = issue_test_chain(uid="com.example.app")
        with pytest.raises(CertificateError, match="not a Pass Type ID certificate"):
            PassSigner.from_pem(certificate, key, issuer)

    def test_certificates_without_a_team_are_refused(self):
        issuer, certificate, key = issue_test_chain(team=None)
        with pytest.raises(CertificateError, match="no team identifier"):
            PassSigner.from_pem(certificate, key, issuer)


class TestFromPkcs12:
    def test_loads_with_the_right_password(self, dev_certs):
        signer = PassSigner.from_pkcs12(dev_certs.p12, b"p12-secret")
        assert (signer.pass_type_identifier, signer.team_identifier) == (PASS_TYPE_ID, TEAM_ID)
        assert signer.wwdr_pem == dev_certs.wwdr  # taken from the file, which carries it

    @pytest.mark.parametrize("password", [b"wrong", None])
    def test_wrong_password_is_refused(self, dev_certs, password):
        with pytest.raises(CertificateError, match="password is wrong or the file is damaged"):
            PassSigner.from_pkcs12(dev_certs.p12, password)

    def test_file_without_a_key_is_refused(self, dev_certs):
        certificate = x509.load_pem_x509_certificate(dev_certs.pass_cert)
        encryption = serialization.BestAvailableEncryption(b"pw")
        only_certificate = pkcs12.serialize_key_and_certificates(b"x", None, certificate, None, encryption)
        with pytest.raises(CertificateError, match="both the Pass Type ID certificate and its private key"):
            PassSigner.from_pkcs12(only_certificate, b"pw", dev_certs.wwdr)

    def test_expired_certificate_is_refused(self):
        start = datetime.now(UTC) - timedelta(days=100)
        expired = make_dev_certificates(
            PASS_TYPE_ID, TEAM_ID, p12_password=b"pw", valid_from=start, valid_days=10
        )
        with pytest.raises(CertificateError, match="expired on"):
            PassSigner.from_pkcs12(expired.p12, b"pw")
        PassSigner.from_pkcs12(expired.p12, b"pw", allow_expired=True)

    def test_non_pass_type_id_certificate_is_refused(self):
        issuer, certificate, key_pem = issue_test_chain(uid=None)
        key = serialization.load_pem_private_key(key_pem, None)
        cert = x509.load_pem_x509_certificate(certificate)
        encryption = serialization.BestAvailableEncryption(b"pw")
        data = pkcs12.serialize_key_and_certificates(b"x", key, cert, None, encryption)  # type: ignore[arg-type]
        with pytest.raises(CertificateError, match="not a Pass Type ID certificate"):
            PassSigner.from_pkcs12(data, b"pw", issuer)

    @needs_openssl
    @pytest.mark.skipif(not rc2_supported(), reason="this OpenSSL cannot read RC2 at all")
    def test_legacy_rc2_export_loads_where_openssl_still_reads_rc2(self, tmp_path, cert_dir):
        legacy = openssl_p12(tmp_path, cert_dir, "legacy.p12", "-legacy")
        assert bytes.fromhex("060a2a864886f70d010c0106") in legacy  # pbeWithSHAAnd40BitRC2-CBC
        assert PassSigner.from_pkcs12(legacy, b"pw").pass_type_identifier == PASS_TYPE_ID

    @needs_openssl
    def test_legacy_rc2_export_is_explained_where_openssl_refuses_it(self, tmp_path, cert_dir):
        legacy = openssl_p12(tmp_path, cert_dir, "legacy.p12", "-legacy")
        triple_des = openssl_p12(
            tmp_path, cert_dir, "3des.p12", "-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES"
        )
        assert legacy and triple_des
        environment = {**os.environ, "CRYPTOGRAPHY_OPENSSL_NO_LEGACY": "1"}
        command = [
            sys.executable,
            "-c",
            LOAD_IN_FRESH_PROCESS,
            str(tmp_path / "legacy.p12"),
            str(tmp_path / "3des.p12"),
        ]
        result = subprocess.run(command, capture_output=True, text=True, env=environment, check=True)
        legacy_line, triple_des_line = result.stdout.splitlines()
        assert legacy_line.startswith("refused:") and "RC2" in legacy_line
        assert "openssl pkcs12 -legacy -in old.p12 -nodes -out tmp.pem" in legacy_line
        assert triple_des_line == "loaded"  # 3DES is not legacy for OpenSSL 3: it still loads


class TestSign:
    def test_detached_signature_over_the_manifest(self, signer, dev_certs):
        signature = signer.sign(b'{"pass.json":"00"}')
        certificates = pkcs7.load_der_pkcs7_certificates(signature)
        assert x509.load_pem_x509_certificate(dev_certs.pass_cert) in certificates
        assert b'{"pass.json":"00"}' not in signature  # detached: the content is not embedded

    @needs_openssl
    def test_elliptic_curve_signatures_verify(self, tmp_path, icon):
        issuer, certificate, key = issue_test_chain()
        signer = PassSigner.from_pem(certificate, key, issuer)
        members = unzip(build_pkpass(minimal_pass(), {"icon.png": icon}, signer))
        assert manifest_matches(members)
        for name in ("signature", "manifest.json"):
            (tmp_path / name).write_bytes(members[name])
        (tmp_path / "issuer.pem").write_bytes(issuer)
        command = ["openssl", "smime", "-verify", "-binary", "-inform", "DER", "-in", "signature"]
        command += [
            "-content",
            "manifest.json",
            "-CAfile",
            "issuer.pem",
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ]
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr


class TestSignedDataAssembly:
    """The SignedData passmint assembles around one RSA signature (passmint/apple/cms.py)."""

    def test_is_cryptographys_pkcs7_builder_byte_for_byte(self, signer, dev_certs):
        manifest = b'{"icon.png":"0a","pass.json":"1b"}'
        certificate = x509.load_pem_x509_certificate(dev_certs.pass_cert)
        key = serialization.load_pem_private_key(dev_certs.pass_key, None)
        wwdr = x509.load_pem_x509_certificate(dev_certs.wwdr)
        builder = (
            pkcs7.PKCS7SignatureBuilder().set_data(manifest).add_signer(certificate, key, hashes.SHA256())
        )
        options = [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]
        expected = builder.add_certificate(wwdr).sign(serialization.Encoding.DER, options)
        at = expected.index(SIGNING_TIME_PREFIX) + len(SIGNING_TIME_PREFIX)
        moment = datetime.strptime(expected[at : at + 13].decode(), "%y%m%d%H%M%SZ").replace(tzinfo=UTC)
        assert SignedDataTemplate(certificate, key, wwdr).sign(manifest, moment) == expected

    @needs_openssl
    def test_verifies_with_openssl_and_carries_signing_time_and_wwdr(self, signer, dev_certs, icon, verified):
        before = datetime.now(UTC).replace(microsecond=0)
        members = verified(build_pkpass(minimal_pass(), {"icon.png": icon}, signer))
        command = ["openssl", "cms", "-cmsout", "-print", "-inform", "DER"]
        printed = subprocess.run(command, input=members["signature"], capture_output=True, check=True).stdout
        assert b"signingTime" in printed and b"messageDigest" in printed
        digest = hashlib.sha256(members["manifest.json"]).hexdigest()
        assert bytes.fromhex(digest) in members["signature"]
        wwdr = x509.load_pem_x509_certificate(dev_certs.wwdr)
        assert wwdr in pkcs7.load_der_pkcs7_certificates(members["signature"])
        at = members["signature"].index(SIGNING_TIME_PREFIX) + len(SIGNING_TIME_PREFIX)
        text = members["signature"][at : at + 13].decode()
        signed_at = datetime.strptime(text, "%y%m%d%H%M%SZ").replace(tzinfo=UTC)
        assert before <= signed_at <= datetime.now(UTC)

    @needs_openssl
    def test_a_tampered_manifest_fails_verification(self, signer, icon, openssl_verify):
        members = unzip(build_pkpass(minimal_pass(), {"icon.png": icon}, signer))
        members["manifest.json"] = members["manifest.json"].replace(b'"icon.png"', b'"icon.PNG"')
        assert openssl_verify(members).returncode != 0
