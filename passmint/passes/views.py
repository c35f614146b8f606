"""Passes as the API prints them: the full pass, summaries, and location entries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from passmint.designs import Vendor
from passmint.kit.pagination import PageRequest, Pagination
from passmint.models import Location, Pass
from passmint.passes.schemas import PassList, PassLocationRead, PassRead, PassSummary, PublicUrlRead
from passmint.passes.service import PassPage, PassView
from passmint.templates.views import spelled
from passmint.wallets import format_of


def status(pass_: Pass) -> str:
    if pass_.uninstalled_at is not None:
        return "uninstalled"
    return "installed" if pass_.installed_at is not None else "not_been_installed"


def download_url(base_url: str, pass_: Pass) -> str:
    return f"{base_url}/v1/pass/{pass_.id}/download"


def public_url(base_url: str, pass_: Pass) -> str:
    return f"{base_url}/v1/download/pass/{pass_.public_token}"


def _merged(template_entries: dict[str, Any], pass_entries: dict[str, Any]) -> dict[str, Any]:
    """The template's fields (or headers) with the pass's own values over them."""
    merged = {name: dict(entry) for name, entry in template_entries.items()}
    for name, entry in pass_entries.items():
        merged[name] = merged.get(name, {}) | entry
    return merged


def created(view: PassView, base_url: str) -> PassRead:
    """A new pass as the reference's create responses print it: with ``passFields`` too."""
    read = full(view, base_url)
    return read.model_copy(update={"pass_fields": read.headers | read.fields})


def full(view: PassView, base_url: str) -> PassRead:
    pass_, design = view.pass_, view.template.design
    headers = spelled(
        _merged(design.get("headers", {}), pass_.values.get("headers", {})),
        format_of(view.template.vendor).barcode_spelling,
    )
    fields = _merged(design.get("fields", {}), pass_.values.get("fields", {}))
    if view.template.vendor == Vendor.GOOGLE:
        headers, fields = google_headers(headers), google_fields(fields, design.get("moduleOptions", {}))
    return PassRead(
        id=pass_.id,
        external_id=pass_.external_id,
        template_id=pass_.template_id,
        serial_number=pass_.serial_number,
        url=download_url(base_url, pass_),
        public_url=PublicUrlRead(
            type=pass_.values.get("publicUrlType", "multiple"),
            path=public_url(base_url, pass_),
            used=pass_.installed_at is not None,
            installs=view.installs,
        ),
        status=status(pass_),
        installed_at=pass_.installed_at,
        uninstalled_at=pass_.uninstalled_at,
        tags=view.tags,
        headers=headers,
        fields=fields,
        beacons=pass_.values.get("beacons", design.get("beacons")),
        locations=locations(view.locations),
        nfc=pass_.values.get("nfc"),
        semantics=pass_.values.get("semantics", design.get("semantics")),
        created_at=pass_.created_at,
        updated_at=pass_.updated_at,
    )


GOOGLE_DEFAULTS = {"label": "", "hideEmpty": False, "formatType": "String", "required": False}
"""The keys every header and field of the reference's Google pass response carries (L19981)."""
TITLE_KEYS = {"label": "title.string", "value": "description.string"}


def google_headers(headers: dict[str, Any]) -> dict[str, Any]:
    """Headers as the reference's Google pass response prints them: with its defaults."""
    return {name: GOOGLE_DEFAULTS | header for name, header in headers.items()}


def google_fields(fields: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """Fields "collapsed" as the reference's Google pass response prints them (L19981): titleModule
    fields with ``title.string``/``description.string``, its image as the field ``image``, and the
    offer module's options as the field ``offerModule``."""
    out: dict[str, Any] = {}
    title = options.get("titleModule", {})
    if "image" in title:
        image = {"title.string": title["image"], "description.string": title.get("imageDescription", "")}
        out["image"] = {"hideEmpty": False, "formatType": "String", "fieldType": "titleModule"} | image
    for name, field in fields.items():
        entry = {"hideEmpty": False, "formatType": "String"} | field
        if field.get("fieldType") == "titleModule":
            entry = {TITLE_KEYS.get(key, key): value for key, value in entry.items()}
        out[name] = entry
    if "offerModule" in options:
        out["offerModule"] = dict(options["offerModule"])
    return out


def summary(pass_: Pass, base_url: str, vendor: str) -> PassSummary:
    return PassSummary(
        id=pass_.id,
        external_id=pass_.external_id,
        template_id=pass_.template_id,
        serial_number=pass_.serial_number,
        url=download_url(base_url, pass_),
        status=status(pass_),
        installed_at=pass_.installed_at,
        uninstalled_at=pass_.uninstalled_at,
        platform=format_of(vendor).platform,
        created_at=pass_.created_at,
        updated_at=pass_.updated_at,
    )


def listing(found: PassPage, page: PageRequest, base_url: str) -> PassList:
    """One page of passes as the list routes answer it."""
    passes = [summary(row, base_url, found.vendors[row.template_id]) for row in found.rows]
    return PassList(count=found.count, passes=passes, pagination=Pagination.of(page))


def locations(rows: Sequence[Location]) -> list[dict[str, Any]]:
    return [{"id": row.id, **row.data} for row in rows]


def location_reads(rows: Sequence[Location]) -> list[PassLocationRead]:
    return [PassLocationRead(pass_location_id=row.id, value=row.data) for row in rows]
