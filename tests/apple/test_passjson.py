"""Tests of passmint.apple.passjson: pass.json against Apple's pass format."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given
from hypothesis import strategies as st

from passmint.apple import PassValidationError
from passmint.apple.passjson import PassJson, field_path, validate_pass_json
from tests.apple.conftest import minimal_pass

STYLE_KEYS = ("coupon", "eventTicket", "generic", "storeCard")
REQUIRED = (
    "formatVersion",
    "passTypeIdentifier",
    "serialNumber",
    "teamIdentifier",
    "organizationName",
    "description",
)
UUID = "E2C56DB5-DFFB-48D2-B060-D0F5A71096E0"


def problems_of(pass_json: dict[str, object]) -> dict[str, str]:
    """Field path -> message of every problem; fails the test when the pass is valid."""
    with pytest.raises(PassValidationError) as caught:
        validate_pass_json(pass_json)
    return {problem["field"]: problem["message"] for problem in caught.value.problems}


def store_card(**groups: object) -> dict[str, object]:
    return minimal_pass(storeCard=groups)


def with_style(style: str, structure: dict[str, object], **changes: object) -> dict[str, object]:
    """The minimal pass with its store card replaced by ``style``."""
    pass_json = minimal_pass(**changes)
    del pass_json["storeCard"]
    pass_json[style] = structure
    return pass_json


def field(key: str = "k", value: object = "v", **extra: object) -> dict[str, object]:
    return {"key": key, "value": value, **extra}


def p256_public_key() -> str:
    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


class TestValidatePassJson:
    def test_returns_the_checked_pass_json(self):
        checked: PassJson = validate_pass_json(minimal_pass())
        assert checked == minimal_pass()
        assert checked["storeCard"]["primaryFields"][0]["currencyCode"] == "EUR"

    @pytest.mark.parametrize("style", STYLE_KEYS)
    def test_each_style_is_accepted(self, style):
        validate_pass_json(with_style(style, {"primaryFields": [field()]}))

    def test_boarding_pass_with_transit_type_is_accepted(self):
        pass_json = minimal_pass(
            boardingPass={"transitType": "PKTransitTypeTrain", "headerFields": [field()]}
        )
        del pass_json["storeCard"]
        validate_pass_json(pass_json)

    def test_boarding_pass_needs_a_transit_type(self):
        pass_json = with_style("boardingPass", {"primaryFields": [field()]})
        assert problems_of(pass_json) == {"boardingPass.transitType": "is required"}

    def test_transit_type_must_be_apples(self):
        pass_json = with_style("boardingPass", {"transitType": "PKTransitTypePlane"})
        assert "PKTransitTypeAir" in problems_of(pass_json)["boardingPass.transitType"]

    def test_transit_type_belongs_only_to_boarding_passes(self):
        problems = problems_of(store_card(transitType="PKTransitTypeAir"))
        assert problems == {"storeCard.transitType": "transitType is allowed only in boardingPass"}

    def test_a_style_is_required(self):
        pass_json = minimal_pass()
        del pass_json["storeCard"]
        (message,) = problems_of(pass_json).values()
        assert "exactly one style" in message

    def test_only_one_style_is_allowed(self):
        problems = problems_of(minimal_pass(coupon={}, generic={}))
        assert set(problems) == {"generic", "storeCard"}

    @pytest.mark.parametrize("key", REQUIRED)
    def test_required_top_level_keys(self, key):
        pass_json = minimal_pass()
        del pass_json[key]
        assert problems_of(pass_json) == {key: "is required"}

    @pytest.mark.parametrize("version", [2, "1", True, 1.0])
    def test_format_version_must_be_one(self, version):
        assert problems_of(minimal_pass(formatVersion=version)) == {"formatVersion": "must be 1"}

    def test_field_keys_are_unique_across_all_groups(self):
        problems = problems_of(store_card(headerFields=[field("a")], backFields=[field("b"), field("a")]))
        assert list(problems) == ["storeCard.backFields[1].key"]
        assert "storeCard.headerFields[0].key" in problems["storeCard.backFields[1].key"]

    def test_fields_need_key_and_value(self):
        problems = problems_of(store_card(primaryFields=[{"label": "x"}]))
        assert problems == {
            "storeCard.primaryFields[0].key": "is required",
            "storeCard.primaryFields[0].value": "is required",
        }

    def test_unknown_field_keys_are_named(self):
        problems = problems_of(store_card(secondaryFields=[field(colour="red")]))
        assert problems == {
            "storeCard.secondaryFields[0].colour": "'colour' is not a key of Apple's pass format here"
        }

    @pytest.mark.parametrize("value", ["text", 12, 3.25, "2025-06-01T19:30:00+02:00"])
    def test_field_values_may_be_text_numbers_or_dates(self, value):
        validate_pass_json(store_card(primaryFields=[field(value=value)]))

    @pytest.mark.parametrize("value", [True, None, {"a": 1}, [1]])
    def test_other_field_values_are_rejected(self, value):
        assert "storeCard.primaryFields[0].value" in problems_of(
            store_card(primaryFields=[field(value=value)])
        )

    def test_row_is_allowed_only_in_auxiliary_fields(self):
        validate_pass_json(store_card(auxiliaryFields=[field("a", row=0), field("b", row=1)]))
        problems = problems_of(store_card(primaryFields=[field(row=0)], auxiliaryFields=[field("b", row=2)]))
        assert problems == {
            "storeCard.primaryFields[0].row": "row is allowed only in auxiliaryFields",
            "storeCard.auxiliaryFields[0].row": "must be 0 or 1",
        }

    def test_change_message_needs_a_placeholder(self):
        validate_pass_json(store_card(primaryFields=[field(changeMessage="Now %@")]))
        problems = problems_of(store_card(primaryFields=[field(changeMessage="Changed")]))
        assert "%@" in problems["storeCard.primaryFields[0].changeMessage"]

    @pytest.mark.parametrize(
        ("key", "good", "bad"),
        [
            ("textAlignment", "PKTextAlignmentNatural", "left"),
            ("dateStyle", "PKDateStyleShort", "short"),
            ("timeStyle", "PKDateStyleFull", "PKDateStyleHuge"),
            ("numberStyle", "PKNumberStyleSpellOut", "PKNumberStyleRoman"),
            ("dataDetectorTypes", ["PKDataDetectorTypeLink"], ["PKDataDetectorTypeEmail"]),
            ("currencyCode", "USD", "usd"),
            ("ignoresTimeZone", True, "yes"),
            ("isRelative", False, 0),
            ("semantics", {"eventName": "Concert"}, ["not", "an", "object"]),
        ],
    )
    def test_field_options(self, key, good, bad):
        validate_pass_json(store_card(primaryFields=[field(**{key: good})]))
        problems = problems_of(store_card(primaryFields=[field(**{key: bad})]))
        assert list(problems) in (
            [f"storeCard.primaryFields[0].{key}"],
            [f"storeCard.primaryFields[0].{key}[0]"],
        )

    def test_bad_barcode_format_is_named(self):
        barcodes = [
            {"format": "PKBarcodeFormatQR", "message": "a", "messageEncoding": "iso-8859-1"},
            {"format": "QR", "message": "b", "messageEncoding": "iso-8859-1"},
        ]
        problems = problems_of(minimal_pass(barcodes=barcodes))
        assert list(problems) == ["barcodes[1].format"]
        assert "PKBarcodeFormatCode128" in problems["barcodes[1].format"]

    def test_barcodes_need_message_and_encoding(self):
        problems = problems_of(minimal_pass(barcodes=[{"format": "PKBarcodeFormatAztec"}]))
        assert problems == {
            "barcodes[0].message": "is required",
            "barcodes[0].messageEncoding": "is required",
        }

    def test_barcode_encoding_must_exist_and_fit_the_message(self):
        unknown = {"format": "PKBarcodeFormatPDF417", "message": "a", "messageEncoding": "klingon-8"}
        unfit = {"format": "PKBarcodeFormatPDF417", "message": "€ 5", "messageEncoding": "iso-8859-1"}
        problems = problems_of(minimal_pass(barcodes=[unknown, unfit]))
        assert set(problems) == {"barcodes[0].messageEncoding", "barcodes[1].message"}

    def test_legacy_barcode_is_validated(self):
        legacy = {
            "format": "PKBarcodeFormatCode39",
            "message": "a",
            "messageEncoding": "utf-8",
            "altText": "a",
        }
        assert list(problems_of(minimal_pass(barcode=legacy))) == ["barcode.format"]

    @given(red=st.integers(0, 255), green=st.integers(0, 255), blue=st.integers(0, 255), spaces=st.booleans())
    def test_rgb_colours_are_accepted(self, red, green, blue, spaces):
        separator = ", " if spaces else ","
        colour = f"rgb({red}{separator}{green}{separator}{blue})"
        validate_pass_json(minimal_pass(backgroundColor=colour, foregroundColor=colour, labelColor=colour))

    @given(component=st.integers(256, 10_000), position=st.integers(0, 2))
    def test_out_of_range_colours_are_rejected(self, component, position):
        parts = ["10", "20", "30"]
        parts[position] = str(component)
        assert list(problems_of(minimal_pass(labelColor=f"rgb({', '.join(parts)})"))) == ["labelColor"]

    @pytest.mark.parametrize(
        "colour", ["#ff0000", "red", "rgb(1, 2)", "rgb(-1, 0, 0)", "rgba(1, 2, 3, 1)", ""]
    )
    def test_other_colour_forms_are_rejected(self, colour):
        assert list(problems_of(minimal_pass(foregroundColor=colour))) == ["foregroundColor"]

    def test_at_most_ten_locations(self):
        validate_pass_json(minimal_pass(locations=[{"latitude": 48.85, "longitude": 2.35}] * 10))
        problems = problems_of(minimal_pass(locations=[{"latitude": 48.85, "longitude": 2.35}] * 11))
        assert problems == {"locations": "has 11 entries; Apple allows at most 10"}

    def test_locations_need_coordinates_in_range(self):
        locations = [{"latitude": 91, "longitude": 0}, {"latitude": 0, "longitude": -180.5, "altitude": 10}]
        assert set(problems_of(minimal_pass(locations=locations))) == {
            "locations[0].latitude",
            "locations[1].longitude",
        }

    def test_at_most_ten_beacons(self):
        beacon = {"proximityUUID": UUID, "major": 1, "minor": 65535, "relevantText": "Welcome"}
        validate_pass_json(minimal_pass(beacons=[beacon] * 10))
        assert list(problems_of(minimal_pass(beacons=[beacon] * 11))) == ["beacons"]

    def test_beacons_need_a_uuid_and_16_bit_numbers(self):
        beacons = [{"proximityUUID": "not-a-uuid"}, {"proximityUUID": UUID, "major": 65536}]
        problems = problems_of(minimal_pass(beacons=beacons))
        assert set(problems) == {"beacons[0].proximityUUID", "beacons[1].major"}

    @pytest.mark.parametrize("key", ["relevantDate", "expirationDate"])
    def test_dates_need_a_time_zone(self, key):
        validate_pass_json(minimal_pass(**{key: "2025-06-01T19:30:00+02:00"}))
        validate_pass_json(minimal_pass(**{key: "2025-06-01T17:30Z"}))
        for bad in ("2025-06-01T19:30:00", "2025-06-01", "tomorrow"):
            assert list(problems_of(minimal_pass(**{key: bad}))) == [key]

    def test_relevant_dates_need_a_date_or_an_interval(self):
        good = [
            {"date": "2025-06-01T19:30:00Z"},
            {"startDate": "2025-06-01T18:00Z", "endDate": "2025-06-01T23:00Z"},
        ]
        validate_pass_json(minimal_pass(relevantDates=good))
        problems = problems_of(minimal_pass(relevantDates=[{"startDate": "2025-06-01T18:00Z"}]))
        assert list(problems) == ["relevantDates[0]"]

    def test_web_service_url_needs_an_authentication_token(self):
        problems = problems_of(minimal_pass(webServiceURL="https://passes.example.com/apple"))
        assert problems == {"authenticationToken": "is required when webServiceURL is set"}

    def test_authentication_token_needs_a_web_service_url(self):
        problems = problems_of(minimal_pass(authenticationToken="a" * 16))
        assert problems == {"webServiceURL": "is required when authenticationToken is set"}

    def test_authentication_token_is_at_least_16_characters(self):
        problems = problems_of(
            minimal_pass(webServiceURL="https://passes.example.com", authenticationToken="a" * 15)
        )
        assert problems == {"authenticationToken": "must be at least 16 characters long"}

    @pytest.mark.parametrize(
        ("url", "valid"),
        [
            ("https://passes.example.com/apple", True),
            ("http://localhost:8000/apple", True),
            ("http://127.0.0.1/apple", True),
            ("http://[::1]:8000/apple", True),
            ("http://passes.example.com/apple", False),
            ("http://localhost.example.com/apple", False),
            ("ftp://passes.example.com", False),
            ("https://", False),
        ],
    )
    def test_web_service_url_is_https_except_on_localhost(self, url, valid):
        pass_json = minimal_pass(webServiceURL=url, authenticationToken="t" * 32)
        if valid:
            validate_pass_json(pass_json)
        else:
            assert list(problems_of(pass_json)) == ["webServiceURL"]

    @pytest.mark.parametrize(
        ("style", "valid"), [("eventTicket", True), ("boardingPass", True), ("coupon", False)]
    )
    def test_grouping_identifier_only_on_tickets_and_boarding_passes(self, style, valid):
        structure: dict[str, object] = {"primaryFields": [field()]}
        if style == "boardingPass":
            structure["transitType"] = "PKTransitTypeAir"
        pass_json = with_style(style, structure, groupingIdentifier="trip-1")
        if valid:
            validate_pass_json(pass_json)
        else:
            assert list(problems_of(pass_json)) == ["groupingIdentifier"]

    def test_nfc_message_and_key(self):
        validate_pass_json(minimal_pass(nfc={"message": "m" * 64, "encryptionPublicKey": p256_public_key()}))
        problems = problems_of(minimal_pass(nfc={"message": "é" * 33, "encryptionPublicKey": "bm90IGEga2V5"}))
        assert problems["nfc.message"] == "must be at most 64 bytes in UTF-8 (it is 66)"
        assert "P-256" in problems["nfc.encryptionPublicKey"]

    def test_semantics_must_be_an_object(self):
        validate_pass_json(minimal_pass(semantics={"totalPrice": {"amount": "10", "currencyCode": "EUR"}}))
        assert problems_of(minimal_pass(semantics="concert")) == {"semantics": "must be a JSON object"}

    def test_user_info_takes_any_json(self):
        validate_pass_json(minimal_pass(userInfo=[1, "two", {"three": None}]))
        assert list(problems_of(minimal_pass(userInfo={"x": float("nan")}))) == ["userInfo"]

    def test_associated_store_identifiers_are_integers(self):
        validate_pass_json(minimal_pass(associatedStoreIdentifiers=[284882215]))
        assert list(problems_of(minimal_pass(associatedStoreIdentifiers=["284882215"]))) == [
            "associatedStoreIdentifiers[0]"
        ]

    @pytest.mark.parametrize(
        ("key", "value"), [("voided", "true"), ("sharingProhibited", 1), ("logoText", 5)]
    )
    def test_types_are_not_coerced(self, key, value):
        assert list(problems_of(minimal_pass(**{key: value}))) == [key]

    def test_null_is_rejected_rather_than_dropped(self):
        problems = problems_of(minimal_pass(logoText=None))
        assert problems == {"logoText": "must not be null; leave the key out instead"}

    def test_nulls_in_nested_objects_are_named_each_at_its_key(self):
        fields = {"primaryFields": [{"key": "a", "value": "b", "label": None}], "headerFields": None}
        barcode = {"format": "PKBarcodeFormatQR", "message": "m", "messageEncoding": "utf-8", "altText": None}
        problems = problems_of(store_card(**fields) | {"barcodes": [barcode], "nfc": None, "unknown": None})
        null = "must not be null; leave the key out instead"
        assert problems == {
            "storeCard.headerFields": null,
            "storeCard.primaryFields[0].label": null,
            "barcodes[0].altText": null,
            "nfc": null,
            "unknown": "'unknown' is not a key of Apple's pass format here",
        }

    def test_an_object_given_as_another_type_is_named(self):
        problems = problems_of(minimal_pass(barcodes=[1], nfc="hello", storeCard={"primaryFields": ["a"]}))
        assert problems == {
            "barcodes[0]": "must be a JSON object",
            "nfc": "must be a JSON object",
            "storeCard.primaryFields[0]": "must be a JSON object",
        }

    def test_unknown_top_level_keys_are_named(self):
        problems = problems_of(minimal_pass(favouriteColour="blue", stripColour="rgb(1, 2, 3)"))
        assert problems == {
            "favouriteColour": "'favouriteColour' is not a key of Apple's pass format here",
            "stripColour": "'stripColour' is not a key of Apple's pass format here",
        }

    def test_newer_documented_keys_pass_through(self):
        pass_json = minimal_pass(
            preferredStyleSchemes=["posterEventTicket", "eventTicket"],
            eventLogoText="Live",
            footerBackgroundColor="rgb(0, 0, 0)",
            bagPolicyURL="https://example.com/bags",
            useAutomaticColors=True,
        )
        validate_pass_json(pass_json)

    def test_newer_keys_are_type_checked(self):
        problems = problems_of(minimal_pass(bagPolicyURL=["https://example.com"], useAutomaticColors="yes"))
        assert problems == {"bagPolicyURL": "must be a string", "useAutomaticColors": "must be true or false"}

    def test_every_problem_is_listed(self):
        pass_json = minimal_pass(formatVersion=2, backgroundColor="blue", webServiceURL="http://example.com")
        del pass_json["description"]
        problems = problems_of(pass_json)
        assert set(problems) == {
            "formatVersion",
            "description",
            "backgroundColor",
            "webServiceURL",
            "authenticationToken",
        }

    def test_not_an_object(self):
        with pytest.raises(PassValidationError) as caught:
            validate_pass_json(["not", "an", "object"])  # type: ignore[arg-type]
        assert caught.value.problems == [{"field": "pass.json", "message": "pass.json must be a JSON object"}]

    def test_error_message_sums_up_the_problems(self):
        with pytest.raises(PassValidationError) as caught:
            validate_pass_json(minimal_pass(formatVersion=3))
        assert caught.value.message == "The pass is not valid (1 problem): formatVersion: must be 1"
        assert caught.value.details == [{"field": "formatVersion", "message": "must be 1"}]


class TestFieldPath:
    def test_writes_indexes_in_brackets(self):
        assert field_path(("storeCard", "primaryFields", 0, "key")) == "storeCard.primaryFields[0].key"
        assert field_path(("barcodes", 1, "format")) == "barcodes[1].format"
        assert field_path(()) == ""
