"""Tests of passmint.apple.pkpass (and the pass.strings files it writes)."""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7
from hypothesis import given
from hypothesis import strategies as st

from passmint.apple import PassSigner, PassValidationError, build_pkpass, build_pkpasses, pkpass
from passmint.apple.pkpass import file_digests, pass_json_bytes, png_size
from passmint.apple.pkzip import zip_archive
from passmint.apple.strings import StringsSyntaxError, decode_strings, encode_strings
from passmint.errors import InvalidInput
from tests.apple.conftest import (
    PASS_TYPE_ID,
    make_png,
    manifest_matches,
    minimal_pass,
    needs_openssl,
    unzip,
)

SIGNING_TIME_OID = "1.2.840.113549.1.9.5"
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)


def problem_fields(error: PassValidationError) -> list[str]:
    return [problem["field"] for problem in error.problems]


def flip_byte(data: bytes, index: int = 0) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


class FixedSignatureSigner(PassSigner):
    """A signer whose signature never changes, to show everything else in the zip is deterministic."""

    def sign(self, manifest: bytes) -> bytes:
        return b"fixed signature bytes"


class TestBuildPkpass:
    def test_members_in_fixed_order(self, verified, signer, icon):
        files = {"logo.png": make_png(160, 50), "icon.png": icon, "icon@2x.png": make_png(58, 58)}
        members = list(verified(build_pkpass(minimal_pass(), files, signer)))
        assert members == ["pass.json", "icon.png", "icon@2x.png", "logo.png", "manifest.json", "signature"]

    @needs_openssl
    def test_signature_verifies_with_openssl(self, verified, signer, icon, openssl_verify):
        members = verified(build_pkpass(minimal_pass(), {"icon.png": icon}, signer))
        result = openssl_verify(members)
        assert result.returncode == 0, result.stderr

    def test_manifest_lists_every_file_with_its_sha1(self, verified, signer, icon):
        files = {"icon.png": icon, "strip.png": make_png(375, 123), "fr.lproj/logo.png": make_png(160, 50)}
        members = verified(build_pkpass(minimal_pass(), files, signer))
        assert manifest_matches(members)
        assert set(json.loads(members["manifest.json"])) == {"pass.json", *files}

    def test_pass_json_is_the_callers_json(self, verified, signer, icon):
        pass_json = minimal_pass(userInfo={"tier": "gold", "ids": [1, 2.5, None]}, logoText="Café ☕")
        members = verified(build_pkpass(pass_json, {"icon.png": icon}, signer))
        assert json.loads(members["pass.json"]) == pass_json

    @needs_openssl
    def test_changed_pass_json_breaks_the_manifest(self, verified, signer, icon, openssl_verify):
        members = verified(build_pkpass(minimal_pass(), {"icon.png": icon}, signer))
        members["pass.json"] = members["pass.json"].replace(b"SN-0001", b"SN-0002")
        assert not manifest_matches(members)
        assert openssl_verify(members).returncode == 0  # the signature covers the manifest, which still holds

    def test_changed_icon_breaks_the_manifest(self, verified, signer, icon):
        members = verified(build_pkpass(minimal_pass(), {"icon.png": icon}, signer))
        members["icon.png"] = flip_byte(members["icon.png"], 40)
        assert not manifest_matches(members)

    @needs_openssl
    def test_changed_manifest_breaks_the_signature(self, verified, signer, icon, openssl_verify):
        members = verified(build_pkpass(minimal_pass(), {"icon.png": icon}, signer))
        members["manifest.json"] = flip_byte(members["manifest.json"], 30)
        result = openssl_verify(members)
        assert result.returncode != 0
        assert "digest failure" in result.stderr.lower() or "verification failure" in result.stderr.lower()

    def test_signature_carries_signer_and_wwdr_certificates(self, verified, signer, dev_certs, icon):
        members = verified(build_pkpass(minimal_pass(), {"icon.png": icon}, signer))
        carried = pkcs7.load_der_pkcs7_certificates(members["signature"])
        expected = {x509.load_pem_x509_certificate(pem) for pem in (dev_certs.pass_cert, dev_certs.wwdr)}
        assert set(carried) == expected

    @needs_openssl
    def test_signature_has_a_current_signing_time(self, verified, signer, icon, tmp_path):
        members = verified(build_pkpass(minimal_pass(), {"icon.png": icon}, signer))
        (tmp_path / "signature").write_bytes(members["signature"])
        command = [
            "openssl",
            "cms",
            "-cmsout",
            "-print",
            "-inform",
            "DER",
            "-in",
            str(tmp_path / "signature"),
        ]
        dump = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        stamp = re.search(rf"signingTime \({re.escape(SIGNING_TIME_OID)}\)\s+set:\s+UTCTIME:(.+? GMT)", dump)
        assert stamp is not None, dump
        signed_at = datetime.strptime(stamp.group(1), "%b %d %H:%M:%S %Y GMT").replace(tzinfo=UTC)
        assert abs(datetime.now(UTC) - signed_at) < timedelta(minutes=5)

    def test_identical_input_gives_identical_bytes_except_the_signature(self, verified, signer, icon):
        files = {"icon.png": icon, "logo.png": make_png(160, 50)}
        first = build_pkpass(minimal_pass(), files, signer, strings={"en": {"a": "b"}})
        second = build_pkpass(minimal_pass(), files, signer, strings={"en": {"a": "b"}})
        first_members, second_members = verified(first), verified(second)
        del first_members["signature"], second_members["signature"]
        assert first_members == second_members
        offset = zipfile.ZipFile(io.BytesIO(first)).getinfo("signature").header_offset
        assert first[:offset] == second[:offset]

    def test_identical_input_and_signature_give_identical_bytes(self, dev_certs, icon):
        fixed = FixedSignatureSigner.from_pem(dev_certs.pass_cert, dev_certs.pass_key, dev_certs.wwdr)
        files = {"icon.png": icon, "fr.lproj/pass.strings": encode_strings({"x": "y"})}
        assert build_pkpass(minimal_pass(), files, fixed) == build_pkpass(minimal_pass(), dict(files), fixed)

    def test_zip_entries_have_fixed_dates_and_modes(self, verified, signer, icon):
        data = build_pkpass(minimal_pass(), {"icon.png": icon}, signer)
        verified(data)
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
        assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {info.external_attr >> 16 for info in infos} == {0o100644}
        assert {info.create_system for info in infos} == {3}
        methods = {info.filename: info.compress_type for info in infos}
        assert methods["pass.json"] == zipfile.ZIP_STORED  # small
        assert methods["icon.png"] == zipfile.ZIP_STORED
        assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None

    def test_large_text_files_are_deflated(self, verified, signer, icon):
        back = [
            {"key": f"terms{i}", "label": "Terms", "value": "Lorem ipsum dolor sit amet. " * 8}
            for i in range(20)
        ]
        pass_json = minimal_pass()
        pass_json["storeCard"] = {"backFields": back}
        data = build_pkpass(pass_json, {"icon.png": icon}, signer)
        members = verified(data)
        infos = {info.filename: info for info in zipfile.ZipFile(io.BytesIO(data)).infolist()}
        assert infos["pass.json"].compress_type == zipfile.ZIP_DEFLATED
        assert infos["pass.json"].compress_size < infos["pass.json"].file_size
        assert json.loads(members["pass.json"])["storeCard"]["backFields"][0]["key"] == "terms0"
        assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None

    def test_localized_images_and_strings_are_included(self, verified, signer, icon):
        files = {"icon.png": icon, "fr.lproj/logo.png": make_png(), "de.lproj/pass.strings": b'"a" = "b";\n'}
        strings = {"en": {"balance": "Balance"}, "zh-Hans": {"balance": "余额"}}
        members = verified(build_pkpass(minimal_pass(), files, signer, strings=strings))
        assert decode_strings(members["en.lproj/pass.strings"]) == {"balance": "Balance"}
        assert decode_strings(members["zh-Hans.lproj/pass.strings"]) == {"balance": "余额"}
        assert members["de.lproj/pass.strings"] == files["de.lproj/pass.strings"]
        assert manifest_matches(members)

    def test_generated_strings_are_utf16_with_a_bom(self, verified, signer, icon):
        members = verified(
            build_pkpass(minimal_pass(), {"icon.png": icon}, signer, strings={"en": {"k": "v"}})
        )
        data = members["en.lproj/pass.strings"]
        assert data.startswith(codecs.BOM_UTF16_LE)
        assert data.decode("utf-16") == '"k" = "v";\n'

    def test_strings_given_twice_are_rejected(self, signer, icon):
        files = {"icon.png": icon, "en.lproj/pass.strings": encode_strings({"a": "b"})}
        with pytest.raises(PassValidationError) as caught:
            build_pkpass(minimal_pass(), files, signer, strings={"en": {"a": "c"}})
        assert problem_fields(caught.value) == ["en.lproj/pass.strings"]

    def test_bad_strings_language_is_rejected(self, signer, icon):
        with pytest.raises(PassValidationError) as caught:
            build_pkpass(minimal_pass(), {"icon.png": icon}, signer, strings={"../x": {"a": "b"}})
        assert problem_fields(caught.value) == ["strings.../x"]

    def test_personalization_files_are_accepted_with_nfc(self, verified, signer, icon):
        files = {
            "icon.png": icon,
            "personalization.json": b'{"requiredPersonalizationFields": ["PKPassPersonalizationFieldName"]}',
            "personalizationLogo@2x.png": make_png(150, 40),
        }
        members = verified(build_pkpass(minimal_pass(nfc={"message": "member-1"}), files, signer))
        assert "personalization.json" in members

    def test_personalization_needs_nfc_and_a_logo(self, signer, icon):
        files = {"icon.png": icon, "personalization.json": b"[]"}
        with pytest.raises(PassValidationError) as caught:
            build_pkpass(minimal_pass(), files, signer)
        messages = [p["message"] for p in caught.value.problems if p["field"] == "personalization.json"]
        assert len(messages) == 3
        assert any("nfc" in message for message in messages)
        assert any("personalizationLogo" in message for message in messages)

    def test_pass_type_identifier_must_match_the_certificate(self, signer, icon):
        with pytest.raises(PassValidationError) as caught:
            build_pkpass(minimal_pass(passTypeIdentifier="pass.com.other"), {"icon.png": icon}, signer)
        (problem,) = caught.value.problems
        assert problem["field"] == "passTypeIdentifier"
        assert "pass.com.other" in problem["message"] and PASS_TYPE_ID in problem["message"]

    def test_team_identifier_must_match_the_certificate(self, signer, icon):
        with pytest.raises(PassValidationError) as caught:
            build_pkpass(minimal_pass(teamIdentifier="OTHERTEAM1"), {"icon.png": icon}, signer)
        assert problem_fields(caught.value) == ["teamIdentifier"]

    def test_icon_is_required(self, signer):
        with pytest.raises(PassValidationError) as caught:
            build_pkpass(minimal_pass(), {"logo.png": make_png()}, signer)
        assert problem_fields(caught.value) == ["icon.png"]

    def test_icon_must_be_a_png(self, signer):
        with pytest.raises(PassValidationError) as caught:
            build_pkpass(minimal_pass(), {"icon.png": b"GIF89a not a png"}, signer)
        (problem,) = caught.value.problems
        assert problem == {
            "field": "icon.png",
            "message": "is not a PNG image (Apple Wallet accepts only PNG)",
        }

    def test_damaged_png_header_is_rejected(self, signer, icon):
        damaged = flip_byte(icon, 20)  # inside IHDR: its CRC no longer matches
        with pytest.raises(PassValidationError) as caught:
            build_pkpass(minimal_pass(), {"icon.png": icon, "strip.png": damaged}, signer)
        assert problem_fields(caught.value) == ["strip.png"]
        assert "damaged" in caught.value.problems[0]["message"]

    @pytest.mark.parametrize(
        "name", ["notes.txt", "icon.jpg", "icon@4x.png", "images/icon.png", "en.lproj/x.txt"]
    )
    def test_unknown_files_are_rejected(self, signer, icon, name):
        with pytest.raises(PassValidationError) as caught:
            build_pkpass(minimal_pass(), {"icon.png": icon, name: make_png()}, signer)
        assert problem_fields(caught.value) == [name]
        assert "not a file Apple's pass format knows" in caught.value.problems[0]["message"]

    @pytest.mark.parametrize("name", ["../icon.png", "/etc/passwd", "en.lproj/../../x.png", "a\\b.png"])
    def test_unsafe_paths_are_rejected(self, signer, icon, name):
        with pytest.raises(PassValidationError) as caught:
            build_pkpass(minimal_pass(), {"icon.png": icon, name: icon}, signer)
        assert caught.value.problems == [{"field": name, "message": "is not a safe path inside a pass"}]

    @pytest.mark.parametrize("name", ["pass.json", "manifest.json", "signature"])
    def test_reserved_names_are_rejected(self, signer, icon, name):
        with pytest.raises(PassValidationError) as caught:
            build_pkpass(minimal_pass(), {"icon.png": icon, name: b"{}"}, signer)
        assert problem_fields(caught.value) == [name]

    def test_every_problem_is_reported_at_once(self, signer):
        pass_json = minimal_pass(passTypeIdentifier="pass.other", backgroundColor="blue")
        with pytest.raises(PassValidationError) as caught:
            build_pkpass(pass_json, {"notes.txt": b""}, signer)
        assert set(problem_fields(caught.value)) == {
            "backgroundColor",
            "passTypeIdentifier",
            "notes.txt",
            "icon.png",
        }

    def test_the_error_is_invalid_input_with_details(self, signer):
        with pytest.raises(PassValidationError) as caught:
            build_pkpass(minimal_pass(), {}, signer)
        error = caught.value
        assert isinstance(error, InvalidInput)
        assert error.code == "pass_invalid"
        assert (
            error.details
            == error.problems
            == [{"field": "icon.png", "message": "is required: every pass needs an icon"}]
        )

    @pytest.mark.skipif(shutil.which("unzip") is None, reason="the unzip command is not installed")
    def test_standard_unzip_accepts_the_archive(self, verified, signer, icon, tmp_path):
        data = build_pkpass(minimal_pass(), {"icon.png": icon}, signer, strings={"fr": {"a": "b"}})
        verified(data)
        (tmp_path / "pass.pkpass").write_bytes(data)
        result = subprocess.run(
            ["unzip", "-t", "pass.pkpass"], cwd=tmp_path, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout
        assert "No errors detected" in result.stdout


JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.floats(min_value=-1e-3, max_value=1e-3)
    | TEXT
)
JSON_DOCUMENTS = st.dictionaries(
    TEXT,
    st.recursive(
        JSON_LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4)
    ),
    max_size=6,
)


class TestPassJsonBytes:
    """pass.json is written by orjson where it writes json.dumps's bytes, by json.dumps elsewhere."""

    @given(JSON_DOCUMENTS)
    def test_bytes_are_json_dumps_sorted_and_compact(self, document):
        expected = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert pass_json_bytes(document) == expected.encode("utf-8")

    @pytest.mark.parametrize("number", [1e-07, 2.5e-05, 1e-300, 1e16, 123456789.125, 2**64, -(2**63) - 1])
    def test_numbers_orjson_writes_otherwise_are_json_dumps(self, number):
        document = {"userInfo": {"n": number}, "serialNumber": "A"}
        assert (
            pass_json_bytes(document) == json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
        )


class TestFileDigests:
    def test_match_direct_computation(self):
        for data in (b"", b"small", bytes(range(256)) * 100):
            assert file_digests(data) == (hashlib.sha1(data).hexdigest(), zlib.crc32(data))

    def test_cache_keeps_within_its_byte_budget(self, monkeypatch):
        monkeypatch.setattr(pkpass, "_digest_cache", {})
        monkeypatch.setattr(pkpass, "_digest_cache_bytes", 0)
        monkeypatch.setattr(pkpass, "_DIGEST_CACHE_MAX_BYTES", 50_000)
        blobs = [bytes([n]) * 20_000 for n in range(4)]
        for blob in blobs:
            file_digests(blob)
        assert list(pkpass._digest_cache) == blobs[2:]
        assert pkpass._digest_cache_bytes == 40_000
        assert file_digests(blobs[0]) == (hashlib.sha1(blobs[0]).hexdigest(), zlib.crc32(blobs[0]))

    def test_zip_entries_of_large_files_go_with_their_digests(self, monkeypatch, verified, signer, icon):
        monkeypatch.setattr(pkpass, "_digest_cache", {})
        monkeypatch.setattr(pkpass, "_digest_cache_bytes", 0)
        monkeypatch.setattr(pkpass, "_entry_cache", {})
        monkeypatch.setattr(pkpass, "_DIGEST_CACHE_MAX_BYTES", 50_000)
        strips = [make_png(700 + n, 60) + bytes([n]) * 30_000 for n in range(3)]  # trailing bytes: 30 KB each
        assert all(20_000 < len(strip) < 50_000 for strip in strips)
        for strip in strips:
            members = verified(build_pkpass(minimal_pass(), {"icon.png": icon, "strip.png": strip}, signer))
            assert members["strip.png"] == strip
        assert list(pkpass._entry_cache) == list(pkpass._digest_cache) == strips[-1:]
        again = verified(build_pkpass(minimal_pass(), {"icon.png": icon, "strip.png": strips[-1]}, signer))
        assert again["strip.png"] == strips[-1]


class TestSharedFiles:
    """A pass's other files are prepared once (manifest entries, zip entries) and reused by later passes."""

    @pytest.mark.parametrize("strings", [None, {"de": {"a": "b"}}])
    def test_bytes_are_those_of_the_whole_manifest_and_zip(self, dev_certs, icon, strings):
        fixed = FixedSignatureSigner.from_pem(dev_certs.pass_cert, dev_certs.pass_key, dev_certs.wwdr)
        files = {
            "strip.png": make_png(375, 123),
            "icon.png": icon,
            "logo.png": make_png(160, 50),
            "fr.lproj/pass.strings": encode_strings({f"k{n}": "v" * 40 for n in range(120)}),  # deflated
        }
        document = minimal_pass(serialNumber="ünïcode", userInfo={"n": 1e-07})
        contents = {**files, "pass.json": pass_json_bytes(document)}
        if strings:
            contents["de.lproj/pass.strings"] = encode_strings(strings["de"])
        manifest = pkpass.manifest_json(contents)
        others = sorted(name for name in contents if name != "pass.json")
        expected = zip_archive(
            [
                ("pass.json", contents["pass.json"]),
                *((name, contents[name]) for name in others),
                ("manifest.json", manifest),
                ("signature", b"fixed signature bytes"),
            ]
        )
        for _ in range(2):  # prepared, then taken from the cache when strings are not given
            assert build_pkpass(document, files, fixed, strings=strings) == expected

    def test_nfc_is_asked_for_again_with_the_same_files(self, verified, signer, icon):
        files = {
            "icon.png": icon,
            "personalization.json": b'{"requiredPersonalizationFields": ["PKPassPersonalizationFieldName"]}',
            "personalizationLogo@2x.png": make_png(150, 40),
        }
        verified(build_pkpass(minimal_pass(nfc={"message": "member-1"}), files, signer))
        with pytest.raises(PassValidationError) as caught:
            build_pkpass(minimal_pass(), files, signer)
        assert problem_fields(caught.value) == ["personalization.json"]

    def test_changed_files_are_prepared_anew(self, verified, signer, icon):
        first = verified(build_pkpass(minimal_pass(), {"icon.png": icon}, signer))
        other = make_png(29, 30)
        second = verified(build_pkpass(minimal_pass(), {"icon.png": other}, signer))
        assert (first["icon.png"], second["icon.png"]) == (icon, other)

    def test_files_that_cannot_be_keys_are_checked(self, signer, icon):
        with pytest.raises(PassValidationError) as caught:
            build_pkpass(minimal_pass(), {"icon.png": bytearray(icon)}, signer)  # type: ignore[dict-item]
        assert problem_fields(caught.value) == ["icon.png"]

    def test_prepared_files_stay_within_the_byte_budget(self, monkeypatch, verified, signer, icon):
        monkeypatch.setattr(pkpass, "_shared_cache", {})
        monkeypatch.setattr(pkpass, "_shared_cache_bytes", 0)
        monkeypatch.setattr(pkpass, "_DIGEST_CACHE_MAX_BYTES", 50_000)
        strips = [make_png(700 + n, 60) + bytes([n]) * 30_000 for n in range(3)]
        for strip in strips:
            verified(build_pkpass(minimal_pass(), {"icon.png": icon, "strip.png": strip}, signer))
        assert len(pkpass._shared_cache) == 1
        assert pkpass._shared_cache_bytes < 50_000


class TestPngSize:
    @given(width=st.integers(1, 2**31 - 1), height=st.integers(1, 2**31 - 1))
    def test_reads_width_and_height(self, width, height):
        header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
        data = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + header
        data += struct.pack(">I", zlib.crc32(b"IHDR" + header))
        assert png_size(data) == (width, height)

    def test_reads_a_whole_image(self):
        assert png_size(make_png(375, 123)) == (375, 123)

    @pytest.mark.parametrize("data", [b"", b"\x89PNG\r\n\x1a\n", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40])
    def test_rejects_truncated_or_headerless_data(self, data):
        with pytest.raises(ValueError, match="PNG"):
            png_size(data)


class TestBuildPkpasses:
    def test_bundles_passes_in_order(self, verified, signer, icon):
        passes = [
            build_pkpass(minimal_pass(serialNumber=f"SN-{n}"), {"icon.png": icon}, signer) for n in range(3)
        ]
        members = unzip(build_pkpasses(passes))
        assert list(members) == ["pass1.pkpass", "pass2.pkpass", "pass3.pkpass"]
        assert list(members.values()) == passes
        assert [json.loads(verified(data)["pass.json"])["serialNumber"] for data in passes] == [
            "SN-0",
            "SN-1",
            "SN-2",
        ]

    def test_at_most_ten_passes(self, verified, signer, icon):
        one = build_pkpass(minimal_pass(), {"icon.png": icon}, signer)
        verified(one)
        with pytest.raises(PassValidationError) as caught:
            build_pkpasses([one] * 11)
        assert caught.value.problems == [
            {"field": "passes", "message": "a bundle holds at most 10 passes; got 11"}
        ]
        assert len(unzip(build_pkpasses([one] * 10))) == 10

    def test_needs_a_pass(self):
        with pytest.raises(PassValidationError) as caught:
            build_pkpasses([])
        assert problem_fields(caught.value) == ["passes"]

    def test_rejects_what_is_not_a_pkpass(self, verified, signer, icon):
        one = build_pkpass(minimal_pass(), {"icon.png": icon}, signer)
        verified(one)
        with pytest.raises(PassValidationError) as caught:
            build_pkpasses([one, b"PK\x03\x04 not really", icon])
        assert problem_fields(caught.value) == ["passes[1]", "passes[2]"]


class TestPassStrings:
    @given(table=st.dictionaries(TEXT, TEXT, max_size=8))
    def test_round_trips(self, table):
        data = encode_strings(table)
        assert data.startswith(codecs.BOM_UTF16_LE)
        assert decode_strings(data) == table

    def test_escapes_quotes_backslashes_and_newlines(self):
        data = encode_strings({'say "hi"': "a\\b\nc"})
        assert data.decode("utf-16") == '"say \\"hi\\"" = "a\\\\b\\nc";\n'

    def test_reads_comments_and_utf8(self):
        text = '/* header */\n"a" = "1"; // note\n"b"="2";\n'
        assert decode_strings(text.encode("utf-8")) == {"a": "1", "b": "2"}

    @pytest.mark.parametrize("text", ['"a" = "1"', '"a" "1";', '"a" = "\\q";', '"a = "1";'])
    def test_rejects_broken_files(self, text):
        with pytest.raises(StringsSyntaxError):
            decode_strings(text.encode("utf-16"))

    def test_rejects_lone_surrogates(self):
        with pytest.raises(ValueError, match="UTF-16"):
            encode_strings({"a": "\ud800"})


class TestPublicApi:
    def test_exported_names(self):
        import passmint.apple

        assert passmint.apple.__all__ == [
            "CertificateError",
            "DevCertificates",
            "PassSigner",
            "PassValidationError",
            "build_pkpass",
            "build_pkpasses",
            "make_dev_certificates",
        ]
