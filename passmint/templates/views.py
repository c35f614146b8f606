"""Templates as the API prints them: the v1 header and fieldsModel, and the v2 payload document."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from passmint.kit.spellings import v2_barcode_type
from passmint.models import Location, Project, Template
from passmint.projects.views import template_header
from passmint.templates.schemas import (
    FieldsModel,
    LocationRead,
    TemplateDocument,
    TemplateRead,
)
from passmint.wallets import format_of


def v1(template: Template, project: Project) -> TemplateRead:
    fields_model = FieldsModel(
        headers=template.design.get("headers", {}), fields=template.design.get("fields", {})
    )
    return TemplateRead(fields_model=fields_model, template_header=template_header(template, project))


def v2(template: Template, project: Project, locations: Sequence[Location]) -> TemplateDocument:
    expiry: dict[str, Any] = {"expiryDuration": None, "expiryNever": None} | (template.expiry or {})
    if "expireNever" in expiry:
        expiry["expiryNever"] = expiry.pop("expireNever")
    return TemplateDocument(
        id=template.id,
        external_id=template.external_id,
        project_id=project.id,
        project_type=project.project_type,
        name=template.name,
        description=template.description,
        vendor=template.vendor,
        vendor_id=format_of(template.vendor).vendor_id,
        type=template.type,
        disabled=template.is_disabled,
        expiry_info={key: value for key, value in expiry.items() if value is not None} or {},
        headers=spelled(template.design.get("headers", {}), v2_barcode_type),
        fields=template.design.get("fields", {}),
        beacons=template.design.get("beacons"),
        locations=[location_value(location) for location in locations],
        created_at=template.created_at,
        updated_at=template.updated_at,
    )


def spelled(headers: dict[str, Any], barcode_type: Callable[[object], object]) -> dict[str, Any]:
    """Headers with the barcode type in the spelling of the format being answered (stored as ``pdf417``;
    the payload format writes ``PDF_417``, pass responses Apple's ``PKBarcodeFormatPDF417``)."""
    header = headers.get("barcode_type")
    if not isinstance(header, dict) or not header.get("value"):
        return headers
    return {**headers, "barcode_type": {**header, "value": barcode_type(header["value"])}}


def location_value(location: Location) -> dict[str, Any]:
    return {"locationId": location.id, **location.data}


def location_reads(locations: Sequence[Location]) -> list[LocationRead]:
    return [LocationRead(location_id=row.id, value=row.data, field_id=row.id) for row in locations]
