"""Tests of passmint.apple.render: Airship-style Apple templates and pass values to pass.json and files."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given
from hypothesis import strategies as st

from passmint.apple import PassValidationError, build_pkpass
from passmint.apple.pkpass import png_size
from passmint.apple.render import (
    DEFAULT_ICON_FILES,
    PassIdentity,
    RenderedPass,
    check_design,
    check_expiry,
    check_values,
    render_pass,
)
from passmint.apple.render_values import as_number
from tests.apple.conftest import PASS_TYPE_ID, TEAM_ID, make_png

CREATED_AT = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
IDENTITY = PassIdentity(
    serial_number="6b1e3c2a-1f0e-4a8b-9c51-2f3e4d5a6b7c",
    authentication_token="k3v9Xq2LmN8pR4sT6uW1yZ0a",
    web_service_url="http://127.0.0.1:8000/apple",
    pass_type_identifier=PASS_TYPE_ID,
    team_identifier=TEAM_ID,
    organization_name="passmint tests",
    description="Loyalty Card",
    created_at=CREATED_AT,
)
SETTINGS = {"barcode_type": "pdf417", "barcode_default_value": "123456789", "barcode_encoding": "iso-8859-1"}
BEACON_UUID = "55502220-A123-A88A-F321-555A444B333C"
P256_PUBLIC_KEY = base64.b64encode(
    ec.generate_private_key(ec.SECP256R1())
    .public_key()
    .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
).decode("ascii")


def header(value: str, field_type: str = "topLevel") -> dict[str, object]:
    return {"formatType": 1, "fieldType": field_type, "value": value}


# The reference's "Example Apple template" (POST /template/{id}); its image URLs arrive as PNGs in `images`.
REFERENCE_DESIGN: dict[str, object] = {
    "headers": {
        "logo_color": header("rgb(24,86,148)"),
        "icon_image": header(
            "https://s3.amazonaws.com/passtools_prod/1/images/default-pass-icon.png", "image"
        ),
        "logo_text": header("Logo Text"),
        "barcode_encoding": header("iso-8859-1", "barcode"),
        "suppress_strip_shine": header("true"),
        "logo_image": header(
            "https://s3.amazonaws.com/passtools_prod/1/images/default-pass-logo.png", "image"
        ),
        "foreground_color": header("rgb(255,255,255)"),
        "background_color": header("rgb(49,159,196)"),
    },
    "fields": {
        "Coupon": {
            "formatType": "String",
            "changeMessage": "Enjoy %@ off your next order!",
            "order": 1,
            "fieldType": "primary",
            "textAlignment": "textAlignmentRight",
            "value": "20%",
            "label": "coupon",
            "required": False,
            "hideEmpty": True,
        },
        "SiteAddress": {
            "formatType": "Number",
            "changeMessage": "New stuff, just for you at %@",
            "order": 2,
            "textAlignment": "textAlignmentCenter",
            "fieldType": "secondary",
            "value": "https://www.example.com/new?custnumb=123456",
            "label": "personalDeals",
            "required": False,
            "hideEmpty": True,
        },
        "InStore": {
            "formatType": "String",
            "changeMessage": "Or visit your nearest store at %@",
            "order": 1,
            "fieldType": "secondary",
            "value": "1234 Fake St.",
            "label": "nearestStore",
            "required": False,
            "hideEmpty": False,
        },
    },
}
REFERENCE_IMAGES = {
    "icon_image": make_png(29, 29),
    "icon_image@2x": make_png(58, 58),
    "logo_image": make_png(160, 50),
}


def render(
    design: Mapping[str, object] | None = None,
    values: Mapping[str, object] | None = None,
    *,
    project_type: str = "memberCard",
    settings: Mapping[str, str] = SETTINGS,
    expiry: Mapping[str, object] | None = None,
    images: Mapping[str, bytes] | None = None,
) -> RenderedPass:
    return render_pass(
        project_type=project_type,
        project_settings=settings,
        design=REFERENCE_DESIGN if design is None else design,
        expiry=expiry,
        values=values or {},
        identity=IDENTITY,
        images=REFERENCE_IMAGES if images is None else images,
    )


def one_field(spec: Mapping[str, object], values: Mapping[str, object] | None = None, **kw: object) -> object:
    """Render a template holding the single field ``F`` and return it (None when it is left out)."""
    design = {"fields": {"F": {"fieldType": "secondary", "label": "F", **spec}}}
    fields = render(design, {"fields": {"F": values}} if values else {}, **kw).pass_json["storeCard"]
    found = [field for group in fields.values() for field in group]
    return found[0] if found else None


def fields_of(result: RenderedPass, style: str = "storeCard") -> dict[str, list[dict[str, object]]]:
    return result.pass_json[style]


def problem_fields(problems: list[dict[str, str]] | list[object]) -> list[str]:
    return [problem["field"] for problem in problems]


class TestReferenceTemplate:
    def test_headers_map_to_apple_keys(self):
        pass_json = render(expiry={"expiryDuration": 365}).pass_json
        assert pass_json["labelColor"] == "rgb(24,86,148)"
        assert pass_json["foregroundColor"] == "rgb(255,255,255)"
        assert pass_json["backgroundColor"] == "rgb(49,159,196)"
        assert pass_json["logoText"] == "Logo Text"
        assert pass_json["suppressStripShine"] is True
        assert pass_json["expirationDate"] == "2026-01-15T12:00:00Z"

    def test_identity_keys(self):
        pass_json = render().pass_json
        assert pass_json["formatVersion"] == 1
        assert pass_json["passTypeIdentifier"] == PASS_TYPE_ID
        assert pass_json["teamIdentifier"] == TEAM_ID
        assert pass_json["serialNumber"] == IDENTITY.serial_number
        assert pass_json["authenticationToken"] == IDENTITY.authentication_token
        assert pass_json["webServiceURL"] == "http://127.0.0.1:8000/apple"
        assert pass_json["organizationName"] == "passmint tests"
        assert pass_json["description"] == "Loyalty Card"

    def test_member_card_is_a_store_card(self):
        pass_json = render().pass_json
        assert [
            style for style in ("boardingPass", "coupon", "eventTicket", "generic") if style in pass_json
        ] == []
        assert set(fields_of(render())) == {"primaryFields", "secondaryFields"}

    def test_primary_field(self):
        primary = fields_of(render())["primaryFields"]
        assert primary == [
            {
                "key": "Coupon",
                "label": "coupon",
                "value": "20%",
                "changeMessage": "Enjoy %@ off your next order!",
                "textAlignment": "PKTextAlignmentRight",
            }
        ]

    def test_secondary_fields_follow_order(self):
        secondary = fields_of(render())["secondaryFields"]
        assert [field["key"] for field in secondary] == ["InStore", "SiteAddress"]
        assert secondary[1]["textAlignment"] == "PKTextAlignmentCenter"

    def test_a_template_default_that_is_no_number_is_written_as_text(self):
        site = fields_of(render())["secondaryFields"][1]
        assert site["value"] == "https://www.example.com/new?custnumb=123456"
        assert "numberStyle" not in site

    def test_barcode_from_project_settings(self):
        pass_json = render().pass_json
        expected = {
            "format": "PKBarcodeFormatPDF417",
            "message": "123456789",
            "messageEncoding": "iso-8859-1",
        }
        assert pass_json["barcodes"] == [expected]
        assert pass_json["barcode"] == expected

    def test_images_become_files(self):
        files = render().files
        assert files == {
            "icon.png": REFERENCE_IMAGES["icon_image"],
            "icon@2x.png": REFERENCE_IMAGES["icon_image@2x"],
            "logo.png": REFERENCE_IMAGES["logo_image"],
        }

    def test_design_passes_check_design(self):
        assert check_design(REFERENCE_DESIGN, project_type="memberCard", project_settings=SETTINGS) == []

    def test_builds_and_verifies_as_a_pkpass(self, signer, verified):
        result = render(expiry={"expiryDuration": 365})
        members = verified(build_pkpass(result.pass_json, result.files, signer))
        assert json.loads(members["pass.json"]) == result.pass_json
        assert {"icon.png", "icon@2x.png", "logo.png"} <= set(members)

    def test_rendering_leaves_the_inputs_untouched(self):
        design = copy.deepcopy(REFERENCE_DESIGN)
        values = {"fields": {"Coupon": {"value": "30%"}}, "headers": {"barcode_value": {"value": "X1"}}}
        kept = copy.deepcopy(values)
        render(design, values)
        assert design == REFERENCE_DESIGN
        assert values == kept


class TestReferencePassExample:
    """The reference's "Create pass" example body, against its "Example Apple template"."""

    VALUES: dict[str, object] = {
        "headers": {
            "expirationDate": {"value": "2014-08-20T09:41-08:00"},
            "barcodeAltText": {"changeMessage": None, "value": "abc1234567890", "label": ""},
            "barcode_value": {"changeMessage": None, "value": "abc1234567890", "label": ""},
        },
        "fields": {
            "Coupon": {"changeMessage": "Enjoy %@ off your next order!", "value": "20%", "label": "Coupon"},
            "SiteAddress": {
                "changeMessage": "Check out things we think you would like at %@",
                "value": "https://www.example.com/new?custnumb=123456",
                "label": "personal deals",
            },
            "InStore": {
                "changeMessage": "Or visit your nearest store at %@",
                "value": "1234 Fake St.",
                "label": "nearestStore",
            },
            "thumbnail_image": {"value": "https://wallet.urbanairship.com/assets/favicon.png"},
        },
        "beacons": [
            {"uuid": BEACON_UUID, "relevantText": "You are near the Ship", "major": 2, "minor": 346},
        ],
        "locations": [
            {
                "longitude": -122.374,
                "latitude": 37.618,
                "relevantText": "Hello loc0",
                "streetAddress1": "address line #1",
                "streetAddress2": "address line #2",
                "city": "San Francisco",
                "region": "CA",
                "regionCode": "94404",
                "country": "US",
            }
        ],
    }

    def test_is_accepted_as_printed(self):
        # The reference's template declares SiteAddress a Number yet both examples hold a URL there:
        # a field whose template default does not fit its format is text in practice.
        assert check_values(REFERENCE_DESIGN, self.VALUES, project_settings=SETTINGS) == []

    def test_a_number_field_with_a_numeric_default_holds_pass_values_to_it(self):
        design = copy.deepcopy(REFERENCE_DESIGN)
        design["fields"]["SiteAddress"]["value"] = "12"
        problems = check_values(design, self.VALUES, project_settings=SETTINGS)
        assert problem_fields(problems) == ["fields.SiteAddress.value"]

    def test_renders(self, signer, verified):
        values = copy.deepcopy(self.VALUES)
        assert check_values(REFERENCE_DESIGN, values, project_settings=SETTINGS) == []
        result = render(values=values, images=REFERENCE_IMAGES | {"thumbnail_image": make_png(90, 90)})
        pass_json = result.pass_json
        assert pass_json["expirationDate"] == "2014-08-20T09:41:00-08:00"
        assert pass_json["barcode"] == {
            "format": "PKBarcodeFormatPDF417",
            "message": "abc1234567890",
            "messageEncoding": "iso-8859-1",
            "altText": "abc1234567890",
        }
        assert fields_of(result)["secondaryFields"][1]["label"] == "personal deals"
        assert pass_json["locations"] == [
            {"latitude": 37.618, "longitude": -122.374, "relevantText": "Hello loc0"}
        ]
        members = verified(build_pkpass(pass_json, result.files, signer))
        assert "thumbnail.png" in members


class TestViewJsonPassExample:
    """The reference's viewJSONPass example: the pass.json Airship writes for a loyalty template."""

    DESIGN: dict[str, object] = {
        "headers": {
            "logo_color": header("rgb(24,86,148)"),
            "foreground_color": header("rgb(255,255,255)"),
            "background_color": header("rgb(0,147,201)"),
            "barcode_type": header("PKBarcodeFormatPDF417", "barcode"),
            "barcode_value": header("123456789", "barcode"),
            "barcodeAltText": header("123456789", "barcode"),
            "barcode_label": header("Member ID", "barcode"),
        },
        "fields": {
            "Program Name": {"fieldType": "primary", "label": "Airship", "value": "Program Name", "order": 1},
            "Points": {"fieldType": "header", "formatType": "Number", "label": "Points", "value": 1234.0},
            "Tier": {
                "fieldType": "secondary",
                "formatType": "Number",
                "label": "Tier",
                "value": 2.0,
                "order": 1,
            },
            "Tier Name": {"fieldType": "secondary", "label": "Tier Name", "value": "Silver", "order": 2},
            "Member Name": {
                "fieldType": "secondary",
                "label": "Member Name",
                "value": "First Last",
                "order": 3,
            },
            "Program Details": {
                "fieldType": "back",
                "label": "Program Details",
                "value": "About.",
                "order": 1,
            },
            "Merchant Website": {
                "fieldType": "back",
                "formatType": "URL",
                "label": "Merchant Website",
                "value": "http://www.example.com",
                "order": 2,
            },
        },
    }

    def test_same_groups_and_top_level_as_airship(self):
        design = copy.deepcopy(self.DESIGN)
        for name in ("Program Name", "Tier Name", "Member Name"):
            design["fields"][name]["textAlignment"] = "textAlignmentNatural"
        for name in ("Points", "Tier"):
            design["fields"][name].update(
                textAlignment="textAlignmentNatural", numberStyle="PKNumberStyleDecimal"
            )
        pass_json = render(design, images={}).pass_json
        natural = {"textAlignment": "PKTextAlignmentNatural"}
        decimal = {**natural, "numberStyle": "PKNumberStyleDecimal"}
        assert pass_json["storeCard"] == {
            "headerFields": [{"key": "Points", "label": "Points", "value": 1234, **decimal}],
            "primaryFields": [
                {"key": "Program Name", "label": "Airship", "value": "Program Name", **natural}
            ],
            "secondaryFields": [
                {"key": "Tier", "label": "Tier", "value": 2, **decimal},
                {"key": "Tier Name", "label": "Tier Name", "value": "Silver", **natural},
                {"key": "Member Name", "label": "Member Name", "value": "First Last", **natural},
            ],
            "backFields": [
                {"key": "Program Details", "label": "Program Details", "value": "About."},
                {"key": "Merchant Website", "label": "Merchant Website", "value": "http://www.example.com"},
            ],
        }
        assert pass_json["barcode"] == {
            "message": "123456789",
            "messageEncoding": "iso-8859-1",
            "format": "PKBarcodeFormatPDF417",
            "altText": "123456789",
        }
        assert (pass_json["backgroundColor"], pass_json["labelColor"]) == ("rgb(0,147,201)", "rgb(24,86,148)")


class TestPassValues:
    def test_value_label_and_change_message_override_the_template(self):
        values = {"fields": {"Coupon": {"value": "30%", "label": "Discount", "changeMessage": "Now %@!"}}}
        coupon = fields_of(render(values=values))["primaryFields"][0]
        assert (coupon["value"], coupon["label"], coupon["changeMessage"]) == ("30%", "Discount", "Now %@!")
        assert coupon["textAlignment"] == "PKTextAlignmentRight"

    def test_label_only_override_keeps_the_template_value(self):
        coupon = fields_of(render(values={"fields": {"Coupon": {"label": "Deal"}}}))["primaryFields"][0]
        assert (coupon["value"], coupon["label"]) == ("20%", "Deal")

    def test_null_in_a_pass_value_means_not_given(self):
        values = {"fields": {"Coupon": {"value": None, "label": None, "changeMessage": None}}}
        coupon = fields_of(render(values=values))["primaryFields"][0]
        assert (coupon["value"], coupon["label"]) == ("20%", "coupon")

    def test_pass_values_cannot_move_a_field(self):
        values = {"fields": {"Coupon": {"value": "1%", "fieldType": "back", "order": 9}}}
        assert fields_of(render(values=values))["primaryFields"][0]["value"] == "1%"

    def test_hide_empty_leaves_out_an_emptied_field(self):
        groups = fields_of(render(values={"fields": {"Coupon": {"value": ""}}}))
        assert "primaryFields" not in groups

    def test_empty_field_without_hide_empty_is_kept_empty(self):
        secondary = fields_of(render(values={"fields": {"InStore": {"value": "  "}}}))["secondaryFields"]
        assert secondary[0] == {
            "key": "InStore",
            "label": "nearestStore",
            "value": "",
            "changeMessage": "Or visit your nearest store at %@",
        }

    def test_hide_empty_keeps_a_field_with_a_value(self):
        assert one_field({"hideEmpty": True}, {"value": "x"}) is not None
        assert one_field({"hideEmpty": True}) is None
        assert one_field({"hideEmpty": False}) == {"key": "F", "label": "F", "value": ""}

    def test_header_given_under_fields_is_read_as_a_header(self):
        values = {"fields": {"barcode_value": {"value": "ABC-1"}}}
        assert render(values=values).pass_json["barcode"]["message"] == "ABC-1"
        assert check_values(REFERENCE_DESIGN, values, project_settings=SETTINGS) == []


class TestFieldFormats:
    @pytest.mark.parametrize(
        ("given_value", "written"), [("12.50", 12.5), ("42", 42), (3.0, 3), (" -7 ", -7), ("1e3", 1000)]
    )
    def test_number_is_a_json_number(self, given_value, written):
        field = one_field({"formatType": "Number", "value": given_value})
        assert field["value"] == written
        assert type(field["value"]) is type(written)

    def test_number_keeps_its_style_and_currency(self):
        spec = {
            "formatType": "Number",
            "value": "21.5",
            "numberStyle": "PKNumberStyleDecimal",
            "currencyCode": "eur",
        }
        field = one_field(spec)
        assert field == {
            "key": "F",
            "label": "F",
            "value": 21.5,
            "numberStyle": "PKNumberStyleDecimal",
            "currencyCode": "EUR",
        }

    @given(st.integers(min_value=-(2**63), max_value=2**63))
    def test_any_integer_string_is_that_integer(self, number):
        assert one_field({"formatType": "Number"}, {"value": str(number)})["value"] == number

    @given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
    def test_any_float_string_is_that_number(self, number):
        written = one_field({"formatType": "Number"}, {"value": repr(number)})["value"]
        assert written == number
        assert isinstance(written, int) == number.is_integer()

    def test_string_field_writes_numbers_as_text(self):
        assert one_field({"value": 1234.0})["value"] == "1234"
        assert one_field({"formatType": "String", "value": 2.5})["value"] == "2.5"

    def test_date_time_keeps_its_offset(self):
        field = one_field({"formatType": "Date", "value": "2025-06-01T19:30:00+02:00"})
        assert field == {
            "key": "F",
            "label": "F",
            "value": "2025-06-01T19:30:00+02:00",
            "dateStyle": "PKDateStyleMedium",
            "timeStyle": "PKDateStyleShort",
        }

    def test_date_only_shows_the_same_day_everywhere(self):
        field = one_field({"formatType": "Date", "value": "2025-06-01"})
        assert field["value"] == "2025-06-01T00:00:00Z"
        assert field["timeStyle"] == "PKDateStyleNone"
        assert field["ignoresTimeZone"] is True

    def test_date_styles_and_time_zone_flag_from_the_template(self):
        spec = {
            "formatType": "Date",
            "dateStyle": "dateStyleShort",
            "timeStyle": "PKDateStyleNone",
            "ignoresTimeZone": True,
        }
        field = one_field(spec, {"value": "2024-08-20T9:41-08:00"})
        assert field["value"] == "2024-08-20T09:41:00-08:00"
        assert (field["dateStyle"], field["timeStyle"], field["ignoresTimeZone"]) == (
            "PKDateStyleShort",
            "PKDateStyleNone",
            True,
        )

    def test_date_without_offset_is_utc(self):
        assert (
            one_field({"formatType": "Date"}, {"value": "2025-06-01T08:00"})["value"]
            == "2025-06-01T08:00:00Z"
        )

    def test_url_is_written_as_text(self):
        field = one_field({"formatType": "URL", "fieldType": "back"}, {"value": "mailto:help@example.com"})
        assert field == {"key": "F", "label": "F", "value": "mailto:help@example.com"}

    @pytest.mark.parametrize("spelling", ["textAlignmentLeft", "PKTextAlignmentLeft", "left", "LEFT"])
    def test_text_alignment_spellings(self, spelling):
        assert one_field({"value": "x", "textAlignment": spelling})["textAlignment"] == "PKTextAlignmentLeft"

    def test_groups_order_and_row(self):
        design = {
            "fields": {
                "b": {"fieldType": "back", "value": "1"},
                "a3": {"fieldType": "auxiliary", "value": "1", "row": 1},
                "a1": {"fieldType": "auxiliary", "value": "1", "order": 2},
                "a2": {"fieldType": "AUXILIARY", "value": "1", "order": 2},
                "a0": {"fieldType": "auxiliary", "value": "1", "order": 10},
                "h": {"fieldType": "header", "value": "1", "row": 1},
            }
        }
        groups = fields_of(render(design))
        assert list(groups) == ["headerFields", "auxiliaryFields", "backFields"]
        assert [field["key"] for field in groups["auxiliaryFields"]] == ["a1", "a2", "a0", "a3"]
        assert groups["auxiliaryFields"][3]["row"] == 1
        assert "row" not in groups["headerFields"][0]

    def test_field_semantics_pass_through(self):
        field = one_field({"value": "x", "semantics": {"seats": [{"seatNumber": "1A"}]}})
        assert field["semantics"] == {"seats": [{"seatNumber": "1A"}]}


class TestBarcode:
    TEMPLATE = {
        "headers": {"barcode_value": header("TEMPLATE", "barcode"), "barcodeAltText": header("T-ALT")}
    }

    def barcode(self, design=None, values=None, settings=SETTINGS):
        return render(design or {}, values, settings=settings).pass_json.get("barcode")

    def test_pass_value_wins(self):
        values = {"headers": {"barcode_value": {"value": "PASS"}, "barcodeAltText": {"value": "P-ALT"}}}
        barcode = self.barcode(self.TEMPLATE, values)
        assert (barcode["message"], barcode["altText"]) == ("PASS", "P-ALT")

    def test_template_value_beats_the_project_default(self):
        barcode = self.barcode(self.TEMPLATE)
        assert (barcode["message"], barcode["altText"]) == ("TEMPLATE", "T-ALT")

    def test_project_default_value_and_alt_text(self):
        settings = {**SETTINGS, "barcode_alt_text": "PROJECT-ALT"}
        barcode = self.barcode(settings=settings)
        assert (barcode["message"], barcode["altText"]) == ("123456789", "PROJECT-ALT")

    def test_snake_case_alt_text_header(self):
        design = {"headers": {"barcode_alt_text": header("snake")}}
        assert self.barcode(design)["altText"] == "snake"

    def test_no_value_anywhere_means_no_barcode(self):
        pass_json = render({}, settings={"barcode_type": "qr"}).pass_json
        assert "barcode" not in pass_json
        assert "barcodes" not in pass_json

    def test_label_is_not_written(self):
        design = {"headers": {"barcode_label": header("Member ID", "barcode")}}
        assert "Member ID" not in json.dumps(render(design).pass_json)

    def test_encoding_precedence(self):
        assert self.barcode(settings={"barcode_default_value": "x"})["messageEncoding"] == "iso-8859-1"
        assert (
            self.barcode(settings={"barcode_default_value": "x", "barcode_encoding": "utf-8"})[
                "messageEncoding"
            ]
            == "utf-8"
        )
        design = {"headers": {"barcode_encoding": header("utf-8", "barcode")}}
        assert self.barcode(design, settings={"barcode_default_value": "x"})["messageEncoding"] == "utf-8"

    @pytest.mark.parametrize(
        ("kind", "apple"),
        [
            ("pdf417", "PKBarcodeFormatPDF417"),
            ("PDF_417", "PKBarcodeFormatPDF417"),
            ("qr", "PKBarcodeFormatQR"),
            ("aztec", "PKBarcodeFormatAztec"),
            ("code128", "PKBarcodeFormatCode128"),
            ("PKBarcodeFormatQR", "PKBarcodeFormatQR"),
        ],
    )
    def test_types(self, kind, apple):
        assert self.barcode(settings={"barcode_type": kind, "barcode_default_value": "1"})["format"] == apple
        design = {"headers": {"barcode_type": header(kind, "barcode")}}
        assert (
            self.barcode(design, settings={"barcode_type": "upc-a", "barcode_default_value": "1"})["format"]
            == apple
        )

    def test_type_defaults_to_pdf417(self):
        assert self.barcode(settings={"barcode_default_value": "1"})["format"] == "PKBarcodeFormatPDF417"

    def test_barcodes_and_legacy_barcode_are_the_same_but_separate_objects(self):
        pass_json = render().pass_json
        assert pass_json["barcodes"] == [pass_json["barcode"]]
        assert pass_json["barcodes"][0] is not pass_json["barcode"]


@pytest.mark.parametrize("kind", ["upc-a", "ean-13", "code-39", "UPC_A"])
class TestUnrenderableBarcodes:
    def test_template_header_is_a_design_problem(self, kind):
        design = {"headers": {"barcode_type": header(kind, "barcode")}}
        problems = check_design(design, project_type="coupon", project_settings=SETTINGS)
        assert problems == [
            {
                "field": "headers.barcode_type",
                "message": f"is '{kind}'; Apple Wallet renders only pdf417, qr, aztec and code128",
            }
        ]

    def test_project_setting_is_a_design_problem_naming_the_header(self, kind):
        problems = check_design({}, project_type="coupon", project_settings={"barcode_type": kind})
        assert problem_fields(problems) == ["headers.barcode_type"]
        assert "the project's barcode_type" in problems[0]["message"]

    def test_pass_values_problem(self, kind):
        settings = {"barcode_type": kind, "barcode_default_value": "1"}
        assert problem_fields(check_values({}, {}, project_settings=settings)) == ["headers.barcode_type"]
        values = {"headers": {"barcode_type": {"value": kind}}}
        assert problem_fields(check_values({}, values, project_settings=SETTINGS)) == ["headers.barcode_type"]

    def test_render_refuses(self, kind):
        with pytest.raises(PassValidationError) as error:
            render({}, settings={"barcode_type": kind, "barcode_default_value": "1"})
        assert problem_fields(error.value.problems) == ["headers.barcode_type"]


class TestExpiry:
    def expiration(self, expiry, values=None):
        return render({}, values, expiry=expiry).pass_json.get("expirationDate")

    def test_duration_counts_days_from_creation(self):
        assert self.expiration({"expiryDuration": 365}) == "2026-01-15T12:00:00Z"
        assert self.expiration({"expiryDuration": 0}) == "2025-01-15T12:00:00Z"

    @given(st.integers(min_value=0, max_value=36500))
    def test_any_duration(self, days):
        written = datetime.fromisoformat(self.expiration({"expiryDuration": days}))
        assert written == CREATED_AT + timedelta(days=days)

    @pytest.mark.parametrize(
        ("day", "zone", "expected"),
        [
            ("2025-12-31", "Europe/Paris", "2025-12-31T00:00:00+01:00"),
            ("2025-07-01", "Europe/Paris", "2025-07-01T00:00:00+02:00"),
            ("2025-07-01T15:00:00Z", "America/New_York", "2025-07-01T00:00:00-04:00"),
            ("2025-07-01", None, "2025-07-01T00:00:00Z"),
        ],
    )
    def test_date_is_midnight_in_its_zone(self, day, zone, expected):
        assert self.expiration({"expiryDate": day, "expiryTimeZone": zone}) == expected

    @pytest.mark.parametrize("expiry", [None, {}, {"expireNever": "true"}, {"expireNever": None}])
    def test_never(self, expiry):
        assert self.expiration(expiry) is None

    def test_duration_beside_a_null_never_still_counts(self):
        assert self.expiration({"expiryDuration": 730, "expiryNever": None}) == "2027-01-15T12:00:00Z"

    def test_pass_header_overrides_the_template(self):
        values = {"headers": {"expirationDate": {"value": "2024-08-20T9:41-08:00"}}}
        assert self.expiration({"expiryDuration": 365}, values) == "2024-08-20T09:41:00-08:00"

    def test_voided(self):
        values = {"headers": {"expirationDate": {"label": "voided"}}}
        pass_json = render({}, values, expiry={"expiryDuration": 1}).pass_json
        assert pass_json["voided"] is True
        assert pass_json["expirationDate"] == "2025-01-16T12:00:00Z"

    def test_valid_is_not_voided(self):
        values = {"headers": {"expirationDate": {"value": "2030-01-01T00:00:00Z", "label": "valid"}}}
        assert "voided" not in render({}, values).pass_json

    def test_bad_expiry_is_named(self):
        expiry = {"expiryDate": "31/12/2025", "expiryTimeZone": "Mars/Olympus", "expiryDuration": -1}
        expected = ["expiryInfo.expiryDate", "expiryInfo.expiryTimeZone", "expiryInfo.expiryDuration"]
        assert problem_fields(check_expiry(expiry)) == expected
        with pytest.raises(PassValidationError):
            render({}, expiry=expiry)

    def test_bad_expiration_header(self):
        values = {"headers": {"expirationDate": {"value": "soon", "label": "gone"}}}
        assert problem_fields(check_values({}, values, project_settings=SETTINGS)) == [
            "headers.expirationDate.label"
        ]
        values = {"headers": {"expirationDate": {"value": "soon"}}}
        assert problem_fields(check_values({}, values, project_settings=SETTINGS)) == [
            "headers.expirationDate"
        ]


class TestCheckValues:
    DESIGN: dict[str, object] = {
        "fields": {
            "Points": {"fieldType": "primary", "formatType": "Number", "value": 0},
            "Since": {"fieldType": "secondary", "formatType": "Date"},
            "Site": {"fieldType": "back", "formatType": "URL"},
            "Name": {"fieldType": "secondary", "required": True},
        }
    }

    def problems(self, values):
        return check_values(self.DESIGN, values, project_settings=SETTINGS)

    def test_good_values(self):
        values = {
            "fields": {
                "Points": {"value": "12"},
                "Since": {"value": "2025-01-01"},
                "Site": {"value": "https://example.com/a"},
                "Name": {"value": "Ada", "changeMessage": "Now %@"},
                "thumbnail_image": {"value": "https://example.com/t.png"},
            },
            "headers": {"barcode_value": {"value": "abc"}, "sharingStatus": {"value": "oneUserOneDevice"}},
            "beacons": [{"uuid": BEACON_UUID, "major": 1, "minor": 2, "relevantText": "Hi"}],
            "locations": [{"latitude": 37.6, "longitude": -122.3}],
        }
        assert self.problems(values) == []

    def test_unknown_names(self):
        values = {"fields": {"Name": {"value": "x"}, "Foo": {"value": 1}}, "headers": {"bar": {"value": "x"}}}
        problems = self.problems(values)
        assert problems[0] == {"field": "fields.Foo", "message": "the template has no field 'Foo'"}
        assert problem_fields(problems) == ["fields.Foo", "headers.bar"]

    def test_required_field_without_a_value(self):
        assert problem_fields(self.problems({})) == ["fields.Name.value"]
        assert problem_fields(self.problems({"fields": {"Name": {"value": " "}}})) == ["fields.Name.value"]
        design = {"fields": {"Name": {"fieldType": "primary", "required": True, "value": "default"}}}
        assert check_values(design, {}, project_settings=SETTINGS) == []

    @pytest.mark.parametrize(
        ("name", "value"),
        [("Points", "twelve"), ("Points", True), ("Since", "next week"), ("Site", "example.com")],
    )
    def test_wrong_type(self, name, value):
        values = {"fields": {"Name": {"value": "x"}, name: {"value": value}}}
        assert problem_fields(self.problems(values)) == [f"fields.{name}.value"]

    @given(st.text(max_size=12).filter(lambda word: word.strip() != ""))
    def test_number_fields_refuse_any_non_numeric_text(self, word):
        try:
            float(word.replace("_", "x"))
            numeric = word.strip().lower() not in (
                "nan",
                "inf",
                "-inf",
                "+inf",
                "infinity",
                "-infinity",
                "+nan",
            )
        except ValueError:
            numeric = False
        values = {"fields": {"Name": {"value": "x"}, "Points": {"value": word}}}
        assert (self.problems(values) == []) == numeric

    def test_change_message_needs_placeholder(self):
        values = {"fields": {"Name": {"value": "x", "changeMessage": "changed"}}}
        assert problem_fields(self.problems(values)) == ["fields.Name.changeMessage"]

    def test_override_must_be_an_object(self):
        values = {"fields": {"Name": "Ada"}}
        assert "fields.Name" in problem_fields(self.problems(values))

    def test_barcode_value_must_fit_the_encoding(self):
        values = {"fields": {"Name": {"value": "x"}}, "headers": {"barcode_value": {"value": "Café ☕"}}}
        assert problem_fields(self.problems(values)) == ["headers.barcode_value"]
        utf8 = {**SETTINGS, "barcode_encoding": "utf-8"}
        assert check_values(self.DESIGN, values, project_settings=utf8) == []

    def test_beacon_and_location_paths(self):
        beacons = [{"uuid": BEACON_UUID}, {"uuid": BEACON_UUID}, {"uuid": "nope", "major": 70000}]
        values = {"fields": {"Name": {"value": "x"}}, "beacons": beacons, "locations": [{"latitude": 91}]}
        expected = ["beacons[2].uuid", "beacons[2].major", "locations[0].latitude", "locations[0].longitude"]
        assert problem_fields(self.problems(values)) == expected

    def test_too_many_locations(self):
        values = {"fields": {"Name": {"value": "x"}}, "locations": [{"latitude": 1, "longitude": 2}] * 11}
        assert problem_fields(self.problems(values)) == ["locations"]


class TestCheckDesign:
    def problems(self, design, project_type="coupon", settings=SETTINGS):
        return check_design(design, project_type=project_type, project_settings=settings)

    def test_field_type_must_be_an_apple_group(self):
        design = {"fields": {"Logo": {"fieldType": "image", "value": "x"}}}
        assert problem_fields(self.problems(design)) == ["fields.Logo.fieldType"]
        with pytest.raises(PassValidationError):
            render(design)

    def test_presentation_keys(self):
        spec = {
            "fieldType": "auxiliary",
            "formatType": "Text",
            "textAlignment": "middle",
            "numberStyle": "PKNumberStyleRoman",
            "currencyCode": "EURO",
            "row": 2,
            "changeMessage": "changed",
        }
        assert problem_fields(self.problems({"fields": {"F": spec}})) == [
            "fields.F.formatType",
            "fields.F.textAlignment",
            "fields.F.numberStyle",
            "fields.F.currencyCode",
            "fields.F.row",
            "fields.F.changeMessage",
        ]

    def test_headers(self):
        headers = {
            "background_color": header("blue"),
            "suppress_strip_shine": header("maybe"),
            "sharingStatus": header("everyone"),
            "unknown_header": header("x"),
            "transitType": header("PKTransitTypeTrain"),
        }
        assert problem_fields(self.problems({"headers": headers})) == [
            "headers.background_color",
            "headers.suppress_strip_shine",
            "headers.sharingStatus",
            "headers.unknown_header",
            "headers.transitType",
        ]

    def test_unknown_project_type(self):
        assert problem_fields(self.problems({}, project_type="ticket")) == ["projectType"]
        with pytest.raises(PassValidationError):
            render({}, project_type="ticket")

    def test_square_barcode_limits_secondary_and_auxiliary_fields(self):
        fields = {f"S{index}": {"fieldType": "secondary", "value": "x"} for index in range(3)}
        fields |= {f"A{index}": {"fieldType": "auxiliary", "value": "x"} for index in range(2)}
        qr = {"barcode_type": "qr"}
        assert problem_fields(self.problems({"fields": fields}, "memberCard", qr)) == ["fields.A1.fieldType"]
        assert self.problems({"fields": fields}, "memberCard", {"barcode_type": "pdf417"}) == []
        assert self.problems({"fields": fields}, "eventTicket", qr) == []

    def test_template_beacons(self):
        design = {"beacons": [{"uuid": BEACON_UUID, "major": -1}]}
        assert problem_fields(self.problems(design)) == ["beacons[0].major"]


class TestTopLevel:
    @given(st.tuples(*[st.integers(0, 255)] * 3), st.sampled_from(["rgb", "rgb-spaced", "hex", "HEX"]))
    def test_colours(self, rgb, spelling):
        r, g, b = rgb
        written = {
            "rgb": f"rgb({r},{g},{b})",
            "rgb-spaced": f" RGB( {r}, {g} ,{b} ) ",
            "hex": f"#{r:02x}{g:02x}{b:02x}",
            "HEX": f"#{r:02X}{g:02X}{b:02X}",
        }[spelling]
        pass_json = render({"headers": {"background_color": header(written)}}).pass_json
        assert pass_json["backgroundColor"] == f"rgb({r},{g},{b})"

    def test_short_hex_colour(self):
        assert (
            render({"headers": {"foreground_color": header("#0af")}}).pass_json["foregroundColor"]
            == "rgb(0,170,255)"
        )

    def test_bad_colour_is_refused(self):
        with pytest.raises(PassValidationError) as error:
            render({"headers": {"logo_color": header("rgb(300,0,0)")}})
        assert problem_fields(error.value.problems) == ["headers.logo_color"]

    @pytest.mark.parametrize(
        ("status", "prohibited"),
        [("oneUserOneDevice", True), ("oneUserAllDevices", None), ("multipleHolders", None)],
    )
    def test_sharing_status(self, status, prohibited):
        values = {"headers": {"sharingStatus": {"value": status}}}
        assert render({}, values).pass_json.get("sharingProhibited") is prohibited

    @pytest.mark.parametrize(("value", "expected"), [("true", True), ("False", False), (True, True)])
    def test_suppress_strip_shine(self, value, expected):
        design = {"headers": {"suppress_strip_shine": {"fieldType": "topLevel", "value": value}}}
        assert render(design).pass_json["suppressStripShine"] is expected

    def test_relevant_date_header(self):
        values = {"headers": {"relevantDate": {"value": "2015-12-31T23:00:00-08:00"}}}
        assert render({}, values).pass_json["relevantDate"] == "2015-12-31T23:00:00-08:00"


class TestBeaconsLocationsNfc:
    TEMPLATE: dict[str, object] = {
        "beacons": [{"uuid": BEACON_UUID, "major": 2, "minor": 346, "relevantText": "You are near the Ship"}],
        "locations": [
            {
                "longitude": -122.374,
                "latitude": 37.618,
                "relevantText": "Hello loc0",
                "streetAddress1": "address line #1",
                "city": "San Francisco",
                "region": "CA",
                "regionCode": "94404",
                "country": "US",
                "id": 65,
            }
        ],
        "semantics": {"airlineCode": "UA"},
    }

    def test_template_lists_map_to_apple_keys(self):
        pass_json = render(self.TEMPLATE).pass_json
        assert pass_json["beacons"] == [
            {"proximityUUID": BEACON_UUID, "major": 2, "minor": 346, "relevantText": "You are near the Ship"}
        ]
        assert pass_json["locations"] == [
            {"latitude": 37.618, "longitude": -122.374, "relevantText": "Hello loc0"}
        ]
        assert pass_json["semantics"] == {"airlineCode": "UA"}

    def test_pass_lists_replace_the_templates(self):
        values = {
            "beacons": [{"uuid": BEACON_UUID, "major": 7}],
            "locations": [{"latitude": "48.85", "longitude": 2, "altitude": 35}],
            "semantics": {"airlineCode": "AF"},
        }
        pass_json = render(self.TEMPLATE, values).pass_json
        assert pass_json["beacons"] == [{"proximityUUID": BEACON_UUID, "major": 7}]
        assert pass_json["locations"] == [{"latitude": 48.85, "longitude": 2.0, "altitude": 35.0}]
        assert pass_json["semantics"] == {"airlineCode": "AF"}

    def test_an_empty_pass_list_removes_the_templates(self):
        pass_json = render(self.TEMPLATE, {"beacons": [], "locations": []}).pass_json
        assert "beacons" not in pass_json
        assert "locations" not in pass_json

    def test_nfc_message_is_cut_to_64_bytes(self):
        values = {"nfc": {"message": "é" * 40, "encryptionPublicKey": "KEY"}}
        nfc = render({}, values).pass_json["nfc"]
        assert nfc == {"message": "é" * 32, "encryptionPublicKey": "KEY"}

    def test_nfc_is_checked_with_apples_rules(self):
        good = {"nfc": {"message": "m" * 80, "encryptionPublicKey": P256_PUBLIC_KEY}}
        assert check_values({}, good, project_settings=SETTINGS) == []
        bad = {"nfc": {"encryptionPublicKey": "KEY"}}
        fields = problem_fields(check_values({}, bad, project_settings=SETTINGS))
        assert fields == ["nfc.message", "nfc.encryptionPublicKey"]

    def test_renders_into_a_valid_pass(self, signer, verified):
        values = {"nfc": {"message": "member-1", "encryptionPublicKey": P256_PUBLIC_KEY}}
        result = render(self.TEMPLATE, values, project_type="boardingPass")
        members = verified(build_pkpass(result.pass_json, result.files, signer))
        assert json.loads(members["pass.json"])["locations"][0]["relevantText"] == "Hello loc0"


class TestStylesAndImages:
    @pytest.mark.parametrize(
        ("project_type", "style"),
        [
            ("coupon", "coupon"),
            ("eventTicket", "eventTicket"),
            ("boardingPass", "boardingPass"),
            ("generic", "generic"),
            ("memberCard", "storeCard"),
            ("loyalty", "storeCard"),
            ("giftCard", "storeCard"),
        ],
    )
    def test_every_project_type_builds(self, project_type, style, signer, verified):
        result = render(project_type=project_type, images={})
        pass_json = json.loads(verified(build_pkpass(result.pass_json, result.files, signer))["pass.json"])
        assert fields_of(result, style)["primaryFields"][0]["key"] == "Coupon"
        assert pass_json[style].get("transitType") == (
            "PKTransitTypeAir" if style == "boardingPass" else None
        )

    @pytest.mark.parametrize("spelling", ["PKTransitTypeTrain", "train", "transitTypeTrain"])
    def test_transit_type_header(self, spelling):
        design = {"headers": {"transitType": header(spelling)}}
        assert (
            render(design, project_type="boardingPass").pass_json["boardingPass"]["transitType"]
            == "PKTransitTypeTrain"
        )

    def test_default_icon_when_the_template_has_none(self):
        files = render(images={"logo_image": REFERENCE_IMAGES["logo_image"]}).files
        assert files["icon.png"] == DEFAULT_ICON_FILES["icon.png"]
        assert png_size(files["icon.png"]) == (29, 29)
        assert png_size(files["icon@2x.png"]) == (58, 58)
        assert "logo.png" in files

    def test_given_icon_replaces_the_default(self):
        files = render(images={"icon_image": REFERENCE_IMAGES["icon_image"]}).files
        assert files == {"icon.png": REFERENCE_IMAGES["icon_image"]}

    def test_every_image_header(self):
        names = [
            "icon_image",
            "logo_image",
            "strip_image",
            "thumbnail_image",
            "background_image",
            "footer_image",
        ]
        files = render(images={name: make_png() for name in names} | {"strip_image@3x": make_png()}).files
        assert sorted(files) == [
            "background.png",
            "footer.png",
            "icon.png",
            "logo.png",
            "strip.png",
            "strip@3x.png",
            "thumbnail.png",
        ]

    def test_unknown_image_name_is_refused(self):
        with pytest.raises(PassValidationError) as error:
            render(images={"banner_image": make_png()})
        assert problem_fields(error.value.problems) == ["headers.banner_image"]


class TestNotification:
    """The message notify puts on a pass: the first back field, announced when it changes."""

    def test_first_back_field_with_change_message(self):
        values = {"notification": {"label": "News", "value": "Double points today"}}
        back = fields_of(render(TestViewJsonPassExample.DESIGN, values, images={}))["backFields"]
        assert back[0] == {
            "key": "notification",
            "label": "News",
            "value": "Double points today",
            "changeMessage": "%@",
        }
        assert [field["key"] for field in back[1:]] == ["Program Details", "Merchant Website"]

    def test_without_a_label(self):
        back = fields_of(render(values={"notification": {"value": "Hello"}}))["backFields"]
        assert back == [{"key": "notification", "value": "Hello", "changeMessage": "%@"}]

    def test_a_template_without_back_fields_gets_them_last(self):
        groups = fields_of(render(values={"notification": {"value": "Hello"}}))
        assert list(groups) == ["primaryFields", "secondaryFields", "backFields"]

    def test_without_a_notification_nothing_changes(self):
        assert render(values={"notification": None}).pass_json == render().pass_json
        assert render(values={"notification": {"value": " "}}).pass_json == render().pass_json
        assert "backFields" not in fields_of(render())

    def test_a_template_field_named_notification_keeps_its_key(self):
        design = copy.deepcopy(REFERENCE_DESIGN)
        design["fields"]["notification"] = {"fieldType": "back", "label": "Note", "value": "Template"}
        back = fields_of(render(design, {"notification": {"value": "Hi"}}))["backFields"]
        assert [(field["key"], field["value"]) for field in back] == [
            ("notification-1", "Hi"),
            ("notification", "Template"),
        ]

    def test_builds_and_verifies_as_a_pkpass(self, signer, verified):
        result = render(
            values={"notification": {"label": "News", "value": "Sale"}}, project_type="boardingPass"
        )
        pass_json = json.loads(verified(build_pkpass(result.pass_json, result.files, signer))["pass.json"])
        assert pass_json["boardingPass"]["backFields"][0]["changeMessage"] == "%@"


def test_a_number_around_a_control_character_is_not_a_number() -> None:
    assert as_number("0\x1f") is None and as_number(" 12\n") == 12
