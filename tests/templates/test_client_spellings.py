"""What existing Airship clients send to templates and projects: every spelling is read, one is stored,
each format answers in its own; what would break a pass is still refused (issue 11)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import GOOGLE_TEMPLATE, apple_template, create_project, create_template


@pytest.fixture
async def project(api: httpx.AsyncClient) -> dict[str, Any]:
    return await create_project(api)


def with_barcode(body: dict[str, Any], kind: str, encoding: str = "iso-8859-1") -> dict[str, Any]:
    headers = body["headers"] | {
        "barcode_type": {"fieldType": "barcode", "value": kind},
        "barcode_value": {"fieldType": "barcode", "value": "M-1"},
        "barcode_encoding": {"fieldType": "barcode", "value": encoding},
    }
    return body | {"headers": headers}


class TestBarcodeTypes:
    @pytest.mark.parametrize(
        ("sent", "v1", "v2", "apple"),
        [
            ("PDF_417", "pdf417", "PDF_417", "PKBarcodeFormatPDF417"),
            ("pdf417", "pdf417", "PDF_417", "PKBarcodeFormatPDF417"),
            ("QR_CODE", "qr", "QR_CODE", "PKBarcodeFormatQR"),
            ("qr-code", "qr", "QR_CODE", "PKBarcodeFormatQR"),
            ("Aztec", "aztec", "AZTEC", "PKBarcodeFormatAztec"),
            ("CODE_128", "code128", "CODE_128", "PKBarcodeFormatCode128"),
            ("PKBarcodeFormatCode128", "code128", "CODE_128", "PKBarcodeFormatCode128"),
        ],
    )
    async def test_every_spelling_is_read_and_each_format_answers_its_own(
        self, api: httpx.AsyncClient, project: dict[str, Any], sent: str, v1: str, v2: str, apple: str
    ) -> None:
        template_id = await create_template(api, project["id"], with_barcode(apple_template(), sent))
        v1_view = (await api.get(f"/v1/template/{template_id}")).json()
        assert v1_view["fieldsModel"]["headers"]["barcode_type"]["value"] == v1
        v2_view = (await api.get(f"/v1/templates/{template_id}")).json()
        assert v2_view["headers"]["barcode_type"]["value"] == v2
        created = (await api.post(f"/v1/pass/{template_id}", json={})).json()
        assert created["headers"]["barcode_type"]["value"] == apple
        document = (await api.get(f"/v1/pass/{created['id']}/viewJSONPass")).json()
        assert document["barcodes"][0]["format"] == apple

    async def test_a_v2_document_sent_back_is_the_same_template(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        template_id = await create_template(api, project["id"], with_barcode(apple_template(), "QR_CODE"))
        document = (await api.get(f"/v1/templates/{template_id}")).json()
        assert (await api.put(f"/v1/templates/{template_id}", json=document)).status_code == 200
        assert (await api.get(f"/v1/templates/{template_id}")).json()["headers"] == document["headers"]

    @pytest.mark.parametrize("kind", ["UPC_A", "ean-13", "CODE_39"])
    async def test_formats_apple_cannot_render_are_refused_on_apple_templates(
        self, api: httpx.AsyncClient, project: dict[str, Any], kind: str
    ) -> None:
        response = await api.post(f"/v1/template/{project['id']}", json=with_barcode(apple_template(), kind))
        assert response.status_code == 400
        assert response.json()["details"][0]["field"].startswith("headers.barcode_type")

    async def test_google_templates_take_them(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        template_id = await create_template(api, project["id"], with_barcode(GOOGLE_TEMPLATE, "UPC_A"))
        v2_view = (await api.get(f"/v1/templates/{template_id}")).json()
        assert v2_view["headers"]["barcode_type"]["value"] == "UPC_A"

    @pytest.mark.parametrize("body", [apple_template(), GOOGLE_TEMPLATE])
    @pytest.mark.parametrize("kind", ["PDF_418", "barcode", "QR CODE 2"])
    async def test_what_is_no_barcode_type_is_refused(
        self, api: httpx.AsyncClient, project: dict[str, Any], body: dict[str, Any], kind: str
    ) -> None:
        response = await api.post(f"/v1/template/{project['id']}", json=with_barcode(body, kind))
        assert response.status_code == 400
        assert response.json()["details"][0]["field"] == "headers.barcode_type.value"

    async def test_encodings_in_any_case(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        body = with_barcode(apple_template(), "qr", encoding="UTF-8")
        template_id = await create_template(api, project["id"], body)
        v2_view = (await api.get(f"/v1/templates/{template_id}")).json()
        assert v2_view["headers"]["barcode_encoding"]["value"] == "utf-8"
        bad = with_barcode(apple_template(), "qr", encoding="ebcdic")
        response = await api.post(f"/v1/template/{project['id']}", json=bad)
        assert response.status_code == 400
        assert response.json()["details"][0]["field"] == "headers.barcode_encoding.value"

    async def test_project_settings_take_every_spelling(self, api: httpx.AsyncClient) -> None:
        settings = {"barcode_type": "QR_CODE", "barcode_encoding": "ISO-8859-1"}
        created = await create_project(api, settings=settings)
        assert created["settings"]["barcode_type"] == "qr"
        assert created["settings"]["barcode_type_text"] == "QR"
        assert created["settings"]["barcode_encoding"] == "iso-8859-1"
        response = await api.post("/v1/project", json={**created, "settings": {"barcode_type": "PDF_418"}})
        assert response.status_code == 400
        assert response.json()["details"][0]["field"].startswith("settings.barcode_type")


class TestEmptyHeaderValues:
    async def test_an_empty_value_means_not_set(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        body = apple_template()
        body["headers"] |= {
            "barcode_type": {"fieldType": "barcode", "value": ""},
            "barcode_encoding": {"fieldType": "barcode", "value": ""},
            "background_color": {"fieldType": "topLevel", "value": ""},
        }
        template_id = await create_template(api, project["id"], body)
        created = (await api.post(f"/v1/pass/{template_id}", json={})).json()
        document = (await api.get(f"/v1/pass/{created['id']}/viewJSONPass")).json()
        assert "backgroundColor" not in document and "barcodes" not in document

    @pytest.mark.parametrize(
        ("header", "value"),
        [("background_color", "blue"), ("background_color", "rgb(300,0,0)"), ("barcode_encoding", "klingon")],
    )
    async def test_a_value_that_is_wrong_is_still_refused(
        self, api: httpx.AsyncClient, project: dict[str, Any], header: str, value: str
    ) -> None:
        body = apple_template()
        body["headers"][header] = {"value": value}
        response = await api.post(f"/v1/template/{project['id']}", json=body)
        assert response.status_code == 400
        assert response.json()["details"][0]["field"].startswith(f"headers.{header}")


class TestFieldSpellings:
    @pytest.mark.parametrize("style", ["PKNumberStyleSpellOut", "numberStyleSpellOut", "spellOut"])
    async def test_number_styles(self, api: httpx.AsyncClient, project: dict[str, Any], style: str) -> None:
        body = apple_template()
        body["fields"]["Points"] = {"fieldType": "back", "formatType": "number", "value": "100",
                                    "numberStyle": style, "label": "Points"}  # fmt: skip
        template_id = await create_template(api, project["id"], body)
        field = (await api.get(f"/v1/templates/{template_id}")).json()["fields"]["Points"]
        assert field["numberStyle"] == "PKNumberStyleSpellOut" and field["value"] == 100
        created = (await api.post(f"/v1/pass/{template_id}", json={})).json()
        document = (await api.get(f"/v1/pass/{created['id']}/viewJSONPass")).json()
        back = {item["key"]: item for item in document["storeCard"]["backFields"]}
        assert back["Points"]["value"] == 100 and back["Points"]["numberStyle"] == "PKNumberStyleSpellOut"

    @pytest.mark.parametrize(
        ("key", "value"),
        [("numberStyle", "numberStyleRoman"), ("dateStyle", "fancy"), ("formatType", "Money")],
    )
    async def test_a_style_that_is_none_is_refused(
        self, api: httpx.AsyncClient, project: dict[str, Any], key: str, value: str
    ) -> None:
        body = apple_template()
        body["fields"]["Coupon"][key] = value
        response = await api.post(f"/v1/template/{project['id']}", json=body)
        assert response.status_code == 400
        assert response.json()["details"][0]["field"] == f"fields.Coupon.{key}"

    async def test_text_alignment_in_apples_spelling(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        body = apple_template()
        body["fields"]["Coupon"]["textAlignment"] = "PKTextAlignmentLeft"
        template_id = await create_template(api, project["id"], body)
        field = (await api.get(f"/v1/templates/{template_id}")).json()["fields"]["Coupon"]
        assert field["textAlignment"] == "textAlignmentLeft"

    async def test_a_text_in_a_number_field_stays_text(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        """The reference's own example declares a URL field as Number: its value is kept as written."""
        template_id = await create_template(api, project["id"], apple_template())
        field = (await api.get(f"/v1/templates/{template_id}")).json()["fields"]["SiteAddress"]
        assert field["value"] == "https://www.example.com/new?custnumb=123456"


class TestExpiry:
    async def test_the_get_example_sent_back_keeps_its_duration(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        """The reference's GET prints ``"expiryNever": null`` beside the duration: it is not "never"."""
        template_id = await create_template(api, project["id"], apple_template())
        document = (await api.get(f"/v1/templates/{template_id}")).json()
        document["expiryInfo"] = {"expiryDuration": 400, "expiryNever": None}
        assert (await api.put(f"/v1/templates/{template_id}", json=document)).status_code == 200
        assert (await api.get(f"/v1/templates/{template_id}")).json()["expiryInfo"] == {"expiryDuration": 400}

    async def test_expire_never_with_any_value_is_never(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        body = apple_template(expiryInfo={"expireNever": None})
        template_id = await create_template(api, project["id"], body)
        assert (await api.get(f"/v1/templates/{template_id}")).json()["expiryInfo"] == {"expiryNever": True}
        both = apple_template(expiryInfo={"expiryDuration": 10, "expiryNever": True})
        assert (await api.post(f"/v1/template/{project['id']}", json=both)).status_code == 400


async def test_header_kinds_as_pass_responses_print_them(
    api: httpx.AsyncClient, project: dict[str, Any]
) -> None:
    body = apple_template()
    body["headers"]["logo_text"] = {"fieldType": "TOP_LEVEL", "formatType": "String", "value": "Logo"}
    template_id = await create_template(api, project["id"], body)
    header = (await api.get(f"/v1/templates/{template_id}")).json()["headers"]["logo_text"]
    assert header["fieldType"] == "topLevel"
    body["headers"]["logo_text"]["fieldType"] = "MIDDLE"
    response = await api.post(f"/v1/template/{project['id']}", json=body)
    assert (
        response.status_code == 400
        and response.json()["details"][0]["field"] == "headers.logo_text.fieldType"
    )


async def test_vendor_in_any_case(api: httpx.AsyncClient, project: dict[str, Any]) -> None:
    template_id = await create_template(api, project["id"], apple_template(vendor="APPLE"))
    assert (await api.get(f"/v1/templates/{template_id}")).json()["vendor"] == "Apple"
    response = await api.post(f"/v1/template/{project['id']}", json=apple_template(vendor="Samsung"))
    assert response.status_code == 400 and response.json()["details"][0]["field"] == "vendor"
