"""The public pass link answers the landing page to a desktop browser and the file to everyone else."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from passmint.wallets.apple import PKPASS
from tests.factories import GOOGLE_TEMPLATE, create_pass, create_project, create_template
from tests.pages.conftest import DESKTOP, public_path

PHONES_AND_CLIENTS = {
    "iphone": {
        **DESKTOP,
        "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1",
    },
    "android": {**DESKTOP, "user-agent": "Mozilla/5.0 (Linux; Android 15; Pixel 9) Chrome/150.0 Mobile"},
    "wallet app": {**DESKTOP, "user-agent": "WalletPasses/3.1 (Android)"},
    "pass client": {**DESKTOP, "x-pass-client": "Passes"},
    "curl": {"accept": "*/*", "user-agent": "curl/8.5.0"},
    "api client": {"user-agent": "python-httpx/0.28"},
}


class TestWhoGetsWhat:
    async def test_desktop_browser_gets_the_page(
        self, anonymous: httpx.AsyncClient, public_pass: dict[str, Any]
    ) -> None:
        response = await anonymous.get(public_path(public_pass), headers=DESKTOP)
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert "<!doctype html>" in response.text
        assert public_pass["publicUrl"]["path"] in response.text  # the QR code's link
        assert f'href="{public_pass["publicUrl"]["path"]}?form=pkpass"' in response.text
        assert 'data-wallet="google"' not in response.text  # Google passes are not delivered yet
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert "style-src 'sha256-" in response.headers["content-security-policy"]
        assert response.headers["referrer-policy"] == "no-referrer"

    @pytest.mark.parametrize("client", sorted(PHONES_AND_CLIENTS))
    async def test_phones_apps_and_clients_get_the_file_as_before(
        self, anonymous: httpx.AsyncClient, api: httpx.AsyncClient, public_pass: dict[str, Any], client: str
    ) -> None:
        response = await anonymous.get(public_path(public_pass), headers=PHONES_AND_CLIENTS[client])
        assert response.status_code == 200
        assert response.headers["content-type"] == PKPASS
        assert response.headers["content-disposition"].startswith("attachment;")
        own = await api.get(f"/v1/pass/{public_pass['id']}/download")
        assert response.content == own.content

    async def test_form_chooses_either(
        self, anonymous: httpx.AsyncClient, public_pass: dict[str, Any]
    ) -> None:
        path = public_path(public_pass)
        file = await anonymous.get(path, params={"form": "pkpass"}, headers=DESKTOP)
        page = await anonymous.get(path, params={"form": "page"}, headers={"user-agent": "curl/8"})
        assert file.headers["content-type"] == PKPASS
        assert page.headers["content-type"].startswith("text/html")
        assert file.headers["vary"] == page.headers["vary"] == "Accept, Accept-Language, User-Agent"

    async def test_bad_form_is_400(self, anonymous: httpx.AsyncClient, public_pass: dict[str, Any]) -> None:
        response = await anonymous.get(public_path(public_pass), params={"form": "zip"})
        assert response.status_code == 400
        assert "form" in response.text

    async def test_unknown_link_is_404_for_a_browser_too(self, anonymous: httpx.AsyncClient) -> None:
        response = await anonymous.get("/v1/download/pass/nope", headers=DESKTOP)
        assert response.status_code == 404


class TestCaching:
    async def test_etag_and_304(self, anonymous: httpx.AsyncClient, public_pass: dict[str, Any]) -> None:
        path = public_path(public_pass)
        first = await anonymous.get(path, headers=DESKTOP)
        assert first.headers["cache-control"] == "public, no-cache"
        again = await anonymous.get(path, headers={**DESKTOP, "if-none-match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == first.headers["etag"]

    async def test_a_changed_pass_changes_the_page(
        self, anonymous: httpx.AsyncClient, api: httpx.AsyncClient, public_pass: dict[str, Any]
    ) -> None:
        path = public_path(public_pass)
        first = await anonymous.get(path, headers=DESKTOP)
        changed = await api.put(
            f"/v1/pass/{public_pass['id']}", json={"fields": {"Coupon": {"value": "55%"}}}
        )
        assert changed.status_code == 200, changed.text
        second = await anonymous.get(path, headers={**DESKTOP, "if-none-match": first.headers["etag"]})
        assert second.status_code == 200 and "55%" in second.text


class TestLanguage:
    async def test_english_without_lproj_whatever_is_asked(
        self, anonymous: httpx.AsyncClient, public_pass: dict[str, Any]
    ) -> None:
        response = await anonymous.get(
            public_path(public_pass), headers={**DESKTOP, "accept-language": "fr-FR,fr;q=0.9"}
        )
        assert '<html lang="en">' in response.text
        assert "Add to Apple Wallet" in response.text


class TestGooglePass:
    async def test_drawn_from_its_headers_with_the_google_button(
        self, anonymous: httpx.AsyncClient, api: httpx.AsyncClient
    ) -> None:
        project = await create_project(api)
        template_id = await create_template(api, project["id"], copy.deepcopy(GOOGLE_TEMPLATE))
        created = await create_pass(api, template_id, {"headers": {"barcode_value": {"value": "G-9"}}})
        response = await anonymous.get(public_path(created), headers=DESKTOP)
        assert response.status_code == 200, response.text
        assert 'data-barcode="PKBarcodeFormatQR"' in response.text
        assert "Google loyalty" in response.text
        assert 'data-wallet="google"' in response.text and 'data-wallet="apple"' not in response.text
        assert f'href="{created["publicUrl"]["path"]}?form=pkpass"' in response.text
