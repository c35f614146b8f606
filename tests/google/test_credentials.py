"""Service-account key files: what Google hands out is read back exactly; what is not is refused by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from passmint.certificates.google_accounts import DEV_KEY_FILE, _dev_accounts, dev_google_account
from passmint.google import GoogleCredentialError, make_development_account, parse_service_account


def test_a_key_file_reads_back_into_the_same_account() -> None:
    made = make_development_account("3388000000022222222")
    read = parse_service_account(made.key_file(), "3388000000022222222")
    assert (read.client_email, read.private_key_id, read.private_key_pem) == (
        made.client_email,
        made.private_key_id,
        made.private_key_pem,
    )
    assert read.private_key.key_size == 2048
    assert not read.development


@pytest.mark.parametrize(
    ("change", "issuer", "named"),
    [
        ({}, "33880000000x", "issuerId"),
        ({"type": "authorized_user"}, "3388", "service_account"),
        ({"client_email": ""}, "3388", "client_email"),
        ({"private_key": "not a key"}, "3388", "private_key"),
    ],
)
def test_an_unusable_key_file_is_refused_naming_what(change: dict[str, str], issuer: str, named: str) -> None:
    document = json.loads(make_development_account().key_file()) | change
    with pytest.raises(GoogleCredentialError, match=named):
        parse_service_account(json.dumps(document), issuer)


def test_text_that_is_not_json_is_refused() -> None:
    with pytest.raises(GoogleCredentialError, match="JSON"):
        parse_service_account(b"\x89PNG", "3388")


def test_the_development_account_is_made_once_and_kept_private(tmp_path: Path) -> None:
    made = dev_google_account(tmp_path)
    path = tmp_path / DEV_KEY_FILE
    assert made.development and path.stat().st_mode & 0o777 == 0o600
    _dev_accounts.clear()
    assert dev_google_account(tmp_path).private_key_pem == made.private_key_pem
