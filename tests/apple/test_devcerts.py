"""Tests of passmint.apple.devcerts: development certificates laid out like Apple's."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from passmint.apple import CertificateError, make_dev_certificates
from passmint.apple.devcerts import (
    APPLE_PASS_SIGNING_EKU,
    APPLE_PASS_TYPE_ID_EXTENSION,
    NOT_FOR_DEVICES,
    _der_utf8_string,
)
from passmint.pushes.apns import ApnsClient, PushOutcome
from tests.apple.conftest import PASS_TYPE_ID, TEAM_ID, needs_openssl
from tests.pushes.apns_standin import ApnsStandIn


def load(pem: bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem)


class TestMakeDevCertificates:
    def test_pass_certificate_subject_follows_apples_layout(self, dev_certs):
        subject = load(dev_certs.pass_cert).subject
        assert [attribute.oid for attribute in subject] == [
            NameOID.USER_ID,
            NameOID.COMMON_NAME,
            NameOID.ORGANIZATIONAL_UNIT_NAME,
            NameOID.ORGANIZATION_NAME,
            NameOID.COUNTRY_NAME,
        ]
        assert [attribute.value for attribute in subject] == [
            PASS_TYPE_ID,
            f"Pass Type ID: {PASS_TYPE_ID}",
            TEAM_ID,
            "passmint development",
            "US",
        ]

    def test_authorities_say_they_are_not_for_devices(self, dev_certs):
        for pem in (dev_certs.ca, dev_certs.wwdr):
            common_name = load(pem).subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
            assert "NOT FOR DEVICES - passmint development" in str(common_name)
        assert NOT_FOR_DEVICES == "NOT FOR DEVICES - passmint development"

    def test_chain_root_signs_wwdr_signs_pass(self, dev_certs):
        root, wwdr, leaf = load(dev_certs.ca), load(dev_certs.wwdr), load(dev_certs.pass_cert)
        root.verify_directly_issued_by(root)
        wwdr.verify_directly_issued_by(root)
        leaf.verify_directly_issued_by(wwdr)
        assert wwdr.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        assert wwdr.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length == 0
        assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca

    @needs_openssl
    def test_openssl_accepts_the_chain(self, cert_dir):
        command = ["openssl", "verify", "-CAfile", "ca.pem", "-untrusted", "wwdr.pem", "pass.pem"]
        result = subprocess.run(command, cwd=cert_dir, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "pass.pem: OK"

    def test_pass_certificate_carries_apples_markers(self, dev_certs):
        extensions = load(dev_certs.pass_cert).extensions
        usage = extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        assert list(usage) == [ExtendedKeyUsageOID.CLIENT_AUTH, APPLE_PASS_SIGNING_EKU]  # Apple's order
        assert ExtendedKeyUsageOID.SERVER_AUTH not in usage
        marker = extensions.get_extension_for_oid(APPLE_PASS_TYPE_ID_EXTENSION).value
        assert isinstance(marker, x509.UnrecognizedExtension)
        assert marker.value == b"\x0c" + bytes([len(PASS_TYPE_ID)]) + PASS_TYPE_ID.encode()
        assert extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature

    def test_pass_key_is_unencrypted_pkcs8_rsa_2048(self, dev_certs):
        assert dev_certs.pass_key.startswith(b"-----BEGIN PRIVATE KEY-----")
        key = serialization.load_pem_private_key(dev_certs.pass_key, None)
        assert isinstance(key, rsa.RSAPrivateKey)
        assert key.key_size == 2048
        assert key.public_key() == load(dev_certs.pass_cert).public_key()

    def test_valid_for_a_few_years(self, dev_certs):
        leaf = load(dev_certs.pass_cert)
        assert leaf.not_valid_before_utc <= datetime.now(UTC)
        assert leaf.not_valid_after_utc - leaf.not_valid_before_utc == timedelta(days=3 * 365)

    def test_validity_can_be_chosen(self):
        start = datetime(2020, 1, 1, tzinfo=UTC)
        certs = make_dev_certificates("pass.dev.old", "OLDTEAM", valid_from=start, valid_days=10)
        leaf = load(certs.pass_cert)
        assert (leaf.not_valid_before_utc, leaf.not_valid_after_utc) == (start, start + timedelta(days=10))

    def test_p12_holds_certificate_key_and_wwdr(self, dev_certs):
        bundle = pkcs12.load_pkcs12(dev_certs.p12, b"p12-secret")
        assert bundle.cert is not None and bundle.cert.certificate == load(dev_certs.pass_cert)
        assert [extra.certificate for extra in bundle.additional_certs] == [load(dev_certs.wwdr)]

    @pytest.mark.parametrize(
        ("type_id", "team", "message"),
        [
            ("com.example.pass", TEAM_ID, "must start with 'pass.'"),
            ("pass.", TEAM_ID, "must start with 'pass.'"),
            ("pass." + "x" * 50, TEAM_ID, "too long"),
            (PASS_TYPE_ID, "", "must not be empty"),
        ],
    )
    def test_rejects_bad_identifiers(self, type_id, team, message):
        with pytest.raises(CertificateError, match=message):
            make_dev_certificates(type_id, team)


class TestClientAuthentication:
    """APNs authenticates a server with the Pass Type ID certificate that signs its passes."""

    @needs_openssl
    def test_openssl_accepts_the_pass_certificate_as_a_tls_client(self, cert_dir):
        command = [
            "openssl",
            "verify",
            "-purpose",
            "sslclient",
            "-CAfile",
            "ca.pem",
            "-untrusted",
            "wwdr.pem",
        ]
        result = subprocess.run(
            [*command, "pass.pem"], cwd=cert_dir, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "pass.pem: OK"

    async def test_the_apns_standin_accepts_a_client_with_the_development_signer(self, dev_certs, signer):
        async with ApnsStandIn(dev_certs.wwdr + dev_certs.ca) as standin:
            async with ApnsClient(signer, base_url=standin.url, ca_file=standin.ca_file) as client:
                result = await client.push("token", PASS_TYPE_ID)

            assert result.outcome is PushOutcome.DELIVERED
            assert (standin.refused, standin.connections) == (0, 1)
            assert standin.requests[0].client_uid == PASS_TYPE_ID


class TestDerUtf8String:
    @pytest.mark.parametrize(
        ("length", "prefix"),
        [(0, b"\x0c\x00"), (127, b"\x0c\x7f"), (128, b"\x0c\x81\x80"), (300, b"\x0c\x82\x01\x2c")],
    )
    def test_short_and_long_lengths(self, length, prefix):
        assert _der_utf8_string("a" * length) == prefix + b"a" * length
