"""Google Wallet classes (templates) and objects (passes) of every vertical, as Google's REST API takes them.

The class carries what every pass of the template shares and Google keeps on the class only: the
vertical's required names and logo, the issuer's name, the background colour (loyalty, offer, gift
card), sharing. The object carries the rest: the holder's slots, barcode, validity, and every text,
link and image module (the "all-object" reading of the design note: a field then never shows twice).
"""

from __future__ import annotations

from typing import Any

from passmint.google import journeys
from passmint.google.modules import MAX_MODULES, Modules, image, localized, points, text_module, text_of
from passmint.google.sources import ClassSource, Design, ObjectSource, hex_colour, image_url
from passmint.kit.spellings import v2_barcode_type

CLASS_COLOURED = frozenset({"loyalty", "offer", "giftCard"})
"""Verticals whose background colour Google keeps on the class; the others keep it on the object."""
SHARING = {
    "multipleHolders": "MULTIPLE_HOLDERS",
    "oneUserAllDevices": "ONE_USER_ALL_DEVICES",
    "oneUserOneDevice": "ONE_USER_ONE_DEVICE",
}
CHANNELS = {"both": "BOTH", "online": "ONLINE", "instore": "INSTORE", "in_store": "INSTORE"}
TRANSIT_TYPES = frozenset({"BUS", "RAIL", "TRAM", "FERRY", "OTHER"})


def class_type(source: ClassSource) -> str:
    """``loyaltyClass``, ``offerClass``... the REST collection of the template's class."""
    return f"{source.vertical}Class"


def object_type(source: ClassSource) -> str:
    return f"{source.vertical}Object"


def google_class_body(source: ClassSource) -> dict[str, Any]:
    """The template's class."""
    vertical, design = source.vertical, source.design
    modules = design.modules()
    body: dict[str, Any] = {"id": source.class_id}
    if vertical != "generic":
        body |= {"issuerName": source.issuer_name, "reviewStatus": "UNDER_REVIEW"}
    if sharing := SHARING.get(design.header("sharingStatus")):
        body["multipleDevicesAndHoldersAllowedStatus"] = sharing
    if vertical in CLASS_COLOURED and (colour := _colour(design)):
        body["hexBackgroundColor"] = colour
    if source.callback_url:
        body["callbackOptions"] = {"url": source.callback_url}
    if source.redemption_issuers:
        body |= {"enableSmartTap": True, "redemptionIssuers": list(source.redemption_issuers)}
    return body | _CLASS_PARTS[vertical](source, modules)


def google_object(source: ObjectSource) -> dict[str, Any]:
    """The pass's object."""
    template = source.template
    vertical, design = template.vertical, source.design
    modules = design.modules()
    body: dict[str, Any] = {
        "id": source.object_id,
        "classId": template.class_id,
        "state": "INACTIVE" if source.voided else "ACTIVE",
    }
    if barcode := _barcode(source):
        body["barcode"] = barcode
    if valid_until := source.valid_until or _offer_end(vertical, design):
        body["validTimeInterval"] = {"end": {"date": valid_until}}
    if vertical not in CLASS_COLOURED and (colour := _colour(design)):
        body["hexBackgroundColor"] = colour
    if hero := image_url(source.images, "strip_image", design.header("strip_image")):
        body["heroImage"] = image(hero)
    extra = _OBJECT_PARTS[vertical](source, modules)
    leftovers = extra.pop("_texts", [])
    body |= extra | _module_fields(source, modules, leftovers)
    if source.locations:
        body["merchantLocations"] = [_place(place) for place in source.locations[:MAX_MODULES]]
    if template.redemption_issuers and (value := smart_tap_value(source)):
        body["smartTapRedemptionValue"] = value
    return body


def smart_tap_value(source: ObjectSource) -> str:
    """What a Smart Tap terminal reads: the pass's NFC message, else its barcode value, else its serial."""
    return source.nfc_message or _barcode_value(source) or source.serial_number


def _colour(design: Design) -> str | None:
    given = design.header("background_color") or design.option("infoModuleData", "hexBackgroundColor")
    return hex_colour(given) if given else None


def _logo(source: ClassSource, modules: Modules) -> dict[str, Any]:
    url = image_url(source.images, modules.logo_key, modules.logo)
    url = url or image_url(source.images, "logo_image", source.design.header("logo_image"))
    description = source.design.option("titleModule", "imageDescription") or "Logo"
    return image(url or source.default_logo, description)


def _title(source: ClassSource, modules: Modules) -> str:
    return modules.title or source.template_name or source.issuer_name


def _account_labels(modules: Modules, keys: tuple[str, str]) -> dict[str, str]:
    """The labels of the account fields (name or number, then id or PIN), under the class's ``keys``."""
    pairs = zip(modules.accounts, keys, strict=False)
    return {key: label for (_name, entry), key in pairs if (label := text_of(entry.get("label")))}


def _loyalty_class(source: ClassSource, modules: Modules) -> dict[str, Any]:
    return {
        "programName": _title(source, modules),
        "programLogo": _logo(source, modules),
        **_account_labels(modules, ("accountNameLabel", "accountIdLabel")),
    }


def _offer_class(source: ClassSource, modules: Modules) -> dict[str, Any]:
    design = source.design
    channel = design.option("offerModule", "redemptionChannel").lower()
    return {
        "title": _title(source, modules),
        "titleImage": _logo(source, modules),
        "provider": design.option("offerModule", "provider") or source.issuer_name,
        "redemptionChannel": CHANNELS.get(channel, "BOTH"),
    }


def _gift_card_class(source: ClassSource, modules: Modules) -> dict[str, Any]:
    return {
        "merchantName": _title(source, modules),
        "programLogo": _logo(source, modules),
        **_account_labels(modules, ("cardNumberLabel", "pinLabel")),
    }


def _event_class(source: ClassSource, modules: Modules) -> dict[str, Any]:
    body: dict[str, Any] = {"eventName": localized(_title(source, modules)), "logo": _logo(source, modules)}
    if source.starts_at:
        body["dateTime"] = {"start": source.starts_at}
    if source.journey_kind == "event":
        body |= journeys.event_class(source.journey)
    return body


def _flight_class(source: ClassSource, modules: Modules) -> dict[str, Any]:
    if source.flight_journey:
        return journeys.flight_class(source.journey, _logo(source, modules))
    design = source.design
    departure = design.slot("departure")
    return {
        "flightHeader": {
            "carrier": {"carrierIataCode": design.slot("carrier"), "airlineLogo": _logo(source, modules)},
            "flightNumber": design.slot("flightnumber"),
        },
        "origin": {"airportIataCode": design.slot("origin")},
        "destination": {"airportIataCode": design.slot("destination")},
        "localScheduledDepartureDateTime": departure[:19],
    }


def _transit_class(source: ClassSource, modules: Modules) -> dict[str, Any]:
    kind = source.design.slot("transittype").upper()
    return {"logo": _logo(source, modules), "transitType": kind if kind in TRANSIT_TYPES else "OTHER"}


def _generic_class(source: ClassSource, modules: Modules) -> dict[str, Any]:
    return {}


_CLASS_PARTS = {
    "loyalty": _loyalty_class, "offer": _offer_class, "giftCard": _gift_card_class,
    "eventTicket": _event_class, "flight": _flight_class, "transit": _transit_class,
    "generic": _generic_class,
}  # fmt: skip


def _slots(modules: Modules, points_keys: tuple[str, ...], account_keys: tuple[str, ...]) -> dict[str, Any]:
    """Points and account fields into the vertical's slots, in order; the rest as text modules."""
    body: dict[str, Any] = {}
    texts: list[dict[str, Any]] = []
    for index, (name, entry) in enumerate(modules.points):
        if index < len(points_keys):
            body[points_keys[index]] = points(entry)
        elif text := text_module(name, entry):
            texts.append(text)
    for index, (name, entry) in enumerate(modules.accounts):
        value = text_of(entry.get("value"))
        if index < len(account_keys) and value:
            body[account_keys[index]] = value
        elif text := text_module(name, entry):
            texts.append(text)
    return body | {"_texts": texts}


def _loyalty_object(source: ObjectSource, modules: Modules) -> dict[str, Any]:
    return _slots(modules, ("loyaltyPoints", "secondaryLoyaltyPoints"), ("accountName", "accountId"))


def _offer_object(source: ObjectSource, modules: Modules) -> dict[str, Any]:
    return _slots(modules, (), ())


def _gift_card_object(source: ObjectSource, modules: Modules) -> dict[str, Any]:
    body = _slots(modules, (), ("cardNumber", "pin"))
    if "cardNumber" not in body:
        body["cardNumber"] = _barcode_value(source) or source.object_id.rpartition(".")[2]
    return body


def _event_object(source: ObjectSource, modules: Modules) -> dict[str, Any]:
    return _slots(modules, (), ("ticketHolderName", "ticketNumber"))


def _flight_object(source: ObjectSource, modules: Modules) -> dict[str, Any]:
    body = _slots(modules, (), ())
    design = source.design
    first = text_of(modules.accounts[0][1].get("value")) if modules.accounts else ""
    body["passengerName"] = design.slot("passengername") or design.slot("passenger") or first or "-"
    code = design.slot("confirmationcode") or _barcode_value(source) or source.object_id.rpartition(".")[2]
    body["reservationInfo"] = {"confirmationCode": code}
    return body


def _transit_object(source: ObjectSource, modules: Modules) -> dict[str, Any]:
    body = _slots(modules, (), ("passengerNames",))
    return body | {"tripType": "ONE_WAY"}


def _generic_object(source: ObjectSource, modules: Modules) -> dict[str, Any]:
    template, design = source.template, source.design
    title = modules.title or design.header("logo_text") or template.issuer_name
    header = design.header("header") or modules.title or template.template_name or title
    body = _slots(modules, (), ())
    body |= {"cardTitle": localized(title), "header": localized(header), "logo": _logo_of(source, modules)}
    if subheader := design.header("subheader"):
        body["subheader"] = localized(subheader)
    return body


def _logo_of(source: ObjectSource, modules: Modules) -> dict[str, Any]:
    template = source.template
    return _logo(
        ClassSource(
            template.class_id, template.project_type, template.issuer_name, template.template_name,
            source.design, source.images, template.default_logo, template.locations, template.starts_at,
            template.callback_url, template.journey_kind, template.journey, template.redemption_issuers,
        ),
        modules,
    )  # fmt: skip


_OBJECT_PARTS = {
    "loyalty": _loyalty_object, "offer": _offer_object, "giftCard": _gift_card_object,
    "eventTicket": _event_object, "flight": _flight_object, "transit": _transit_object,
    "generic": _generic_object,
}  # fmt: skip


def _module_fields(source: ObjectSource, modules: Modules, leftovers: list[dict[str, Any]]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    texts = (modules.texts + leftovers)[:MAX_MODULES]
    if texts:
        body["textModulesData"] = texts
    if modules.links:
        body["linksModuleData"] = {"uris": modules.links[:MAX_MODULES]}
    for key, given, description in modules.images[:1]:  # Google shows one image module per level
        if url := image_url(source.images, key, given):
            body["imageModulesData"] = [{"id": "image", "mainImage": image(url, description)}]
    return body


def _barcode_value(source: ObjectSource) -> str:
    default = text_of(source.barcode_settings.get("barcode_default_value"))
    return source.design.header("barcode_value") or default


def _barcode(source: ObjectSource) -> dict[str, Any] | None:
    design, settings = source.design, source.barcode_settings
    kind = v2_barcode_type(design.header("barcode_type") or text_of(settings.get("barcode_type")))
    value = _barcode_value(source)
    if not kind or not value:
        return None
    barcode: dict[str, Any] = {"type": kind, "value": value}
    alternate = design.header("barcodeAltText") or design.header("barcode_alt_text")
    if alternate := alternate or text_of(settings.get("barcode_alt_text")):
        barcode["alternateText"] = alternate
    return barcode


def _offer_end(vertical: str, design: Design) -> str | None:
    return (design.option("offerModule", "endTime") or None) if vertical == "offer" else None


def _place(place: dict[str, Any] | Any) -> dict[str, Any]:
    return {"latitude": float(place.get("latitude", 0)), "longitude": float(place.get("longitude", 0))}
