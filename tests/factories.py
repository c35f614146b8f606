"""Test data made in code: PNG images, the reference's example bodies, and API shortcuts."""

from __future__ import annotations

import base64
import copy
import struct
import uuid
import zlib
from typing import Any

import httpx
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.kit.security import new_token
from passmint.models import Pass


def png(width: int = 29, height: int = 29, rgb: tuple[int, int, int] = (49, 159, 196)) -> bytes:
    """A valid PNG of one colour."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def data_url(data: bytes, media_type: str = "image/png") -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode()}"


PROJECT = {"name": "Loyalty", "projectType": "memberCard", "description": "Members", "settings": {}}

# The reference's "Example Apple template" request (POST /v1/template/1234), its image URLs replaced
# by data: URLs so no test touches the network.
APPLE_TEMPLATE: dict[str, Any] = {
    "headers": {
        "logo_color": {"formatType": 1, "fieldType": "topLevel", "value": "rgb(24,86,148)"},
        "icon_image": {"formatType": 1, "fieldType": "image", "value": data_url(png(29, 29))},
        "logo_text": {"formatType": 1, "fieldType": "topLevel", "value": "Logo Text"},
        "barcode_encoding": {"formatType": 1, "fieldType": "barcode", "value": "iso-8859-1"},
        "suppress_strip_shine": {"formatType": 1, "fieldType": "topLevel", "value": "true"},
        "logo_image": {"formatType": 1, "fieldType": "image", "value": data_url(png(160, 50, (250, 250, 9)))},
        "foreground_color": {"formatType": 1, "fieldType": "topLevel", "value": "rgb(255,255,255)"},
        "background_color": {"formatType": 1, "fieldType": "topLevel", "value": "rgb(49,159,196)"},
    },
    "fields": {
        "Coupon": {
            "formatType": "String", "changeMessage": "Enjoy %@ off your next order!", "order": 1,
            "fieldType": "primary", "textAlignment": "textAlignmentRight", "value": "20%", "label": "coupon",
            "required": False, "hideEmpty": True,
        },
        "SiteAddress": {
            "formatType": "Number", "changeMessage": "New stuff, just for you at %@", "order": 2,
            "textAlignment": "textAlignmentCenter", "fieldType": "secondary",
            "value": "https://www.example.com/new?custnumb=123456", "label": "personalDeals",
            "required": False, "hideEmpty": True,
        },
        "InStore": {
            "formatType": "String", "changeMessage": "Or visit your nearest store at %@", "order": 1,
            "fieldType": "secondary", "value": "1234 Fake St.", "label": "nearestStore", "required": False,
            "hideEmpty": False,
        },
    },
    "vendor": "Apple",
    "projectType": "memberCard",
    "type": "Store Card",
    "vendorId": 1,
    "deleted": "False",
    "description": "Description",
    "name": "Loyalty Card",
    "disabled": "False",
    "expiryInfo": {"expiryDuration": 365},
}  # fmt: skip

# The reference's "Example Google template" modules (v1 format), trimmed to a few of each.
GOOGLE_TEMPLATE: dict[str, Any] = {
    "vendor": "Google",
    "vendorId": 2,
    "type": "Loyalty1",
    "name": "Google loyalty",
    "description": "Google template",
    "projectType": "memberCard",
    "expiryDuration": 365,
    "headers": {
        "barcode_type": {"fieldType": "barcode", "value": "qr", "notShared": True},
        "barcode_value": {"fieldType": "barcode", "value": "", "notShared": True},
    },
    "infoModuleData": {
        "hexFontColor": "#666666",
        "hexBackgroundColor": "#0096e1",
        "Member Since": {
            "label": "Member Since",
            "value": "2015",
            "row": 0,
            "col": 0,
            "formatType": "String",
        },
    },
    "textModulesData": {"Rewards": {"header": "Rewards", "body": "Earn points", "row": 0, "col": 0}},
    "pointsModule": {"Points": {"label": "Points", "value": 100, "row": 0, "col": 0, "formatType": "Number"}},
    "messageModule": {},
}


def apple_template(**changes: Any) -> dict[str, Any]:
    return copy.deepcopy(APPLE_TEMPLATE) | changes


async def create_project(api: httpx.AsyncClient, path: str = "/v1/project", **changes: Any) -> dict[str, Any]:
    response = await api.post(path, json=PROJECT | changes)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def create_template(
    api: httpx.AsyncClient, project_id: int | str, body: dict[str, Any] | None = None, suffix: str = ""
) -> int:
    response = await api.post(f"/v1/template/{project_id}{suffix}", json=body or apple_template())
    assert response.status_code == 200, response.text
    return int(response.json()["templateId"])


async def create_pass(
    api: httpx.AsyncClient, template_id: int | str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await api.post(f"/v1/pass/{template_id}", json=body or {})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def passes_like(session: AsyncSession, template_id: int, first: int, count: int) -> list[int]:
    """``first`` and ``count`` - 1 new passes of the template (no values), written straight to the
    database in ``session``: many passes at once without the API's cost."""
    account_id = await session.scalar(select(Pass.account_id).where(Pass.id == first))
    rows: list[dict[str, object]] = [
        {
            "account_id": account_id,
            "template_id": template_id,
            "serial_number": str(uuid.uuid4()),
            "authentication_token": new_token(),
            "public_token": new_token(),
            "values": {},
        }
        for _ in range(count - 1)
    ]
    return [first, *await session.scalars(insert(Pass).returning(Pass.id), rows)]
