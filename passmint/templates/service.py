"""Templates: create, read, replace, patch, delete and duplicate designs inside a project."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from passmint import changes
from passmint.designs import Vendor
from passmint.images.sources import ImageSource
from passmint.kit.pagination import PageRequest
from passmint.kit.refs import Ref
from passmint.kit.time import utcnow
from passmint.models import Account, Location, Project, Template
from passmint.projects import repository as project_repository
from passmint.projects.errors import ProjectNotFound
from passmint.projects.service import copy_name
from passmint.templates import repository
from passmint.templates.design_build import build_design
from passmint.templates.errors import (
    LocationNotFound,
    TemplateExternalIdTaken,
    TemplateInvalid,
    TemplateNotFound,
)
from passmint.templates.schemas import LocationIn, TemplateBody, TemplatePatch

KEPT_ON_REPLACE = ("personalization",)
"""Parts of a design managed by endpoints of their own, which a full replace leaves alone."""
KEPT_IMAGES = ("personalization_logo",)


async def get(session: AsyncSession, account: Account, ref: Ref) -> Template:
    """The account's template named by ``ref`` (deleted templates are gone)."""
    template = await repository.get(session, account.id, ref)
    if template is None:
        raise TemplateNotFound(f"Template {ref} was not found")
    return template


async def with_project(session: AsyncSession, account: Account, ref: Ref) -> tuple[Template, Project]:
    """``get``, with the template's project (one query)."""
    found = await repository.get_with_project(session, account.id, ref)
    if found is None:
        raise TemplateNotFound(f"Template {ref} was not found")
    return found


async def project_of(session: AsyncSession, template: Template) -> Project:
    project = await session.get(Project, template.project_id)
    assert project is not None  # the foreign key guarantees it
    return project


async def list_headers(
    session: AsyncSession, account: Account, page: PageRequest, *, project: Ref | None = None
) -> tuple[list[tuple[Template, Project]], int]:
    """One page of the account's templates with their projects, across projects or in one."""
    project_id = None if project is None else (await _project(session, account, project)).id
    templates, count = await repository.page(session, account.id, page, project_id=project_id)
    projects = await repository.projects_by_id(session, {template.project_id for template in templates})
    return [(template, projects[template.project_id]) for template in templates], count


async def create(
    session: AsyncSession,
    account: Account,
    project_ref: Ref,
    body: TemplateBody,
    images: ImageSource,
    *,
    external_id: str | None = None,
) -> Template:
    """A new template in the project, its images fetched and stored."""
    project = await _project(session, account, project_ref)
    if external_id is not None and await repository.external_id_taken(session, account.id, external_id):
        raise TemplateExternalIdTaken(f"A template with external id '{external_id}' already exists")
    design, digests = await build_design(session, body, project, images)
    template = Template(
        account_id=account.id,
        project_id=project.id,
        external_id=external_id,
        image_digests=digests,
        design=design,
        **_meta(body),
    )
    stored = await repository.add_unless_taken(session, template)
    if stored is None:  # another request took the external id since the check above
        raise TemplateExternalIdTaken(f"A template with external id '{external_id}' already exists")
    template = stored
    if body.locations is not None:
        await repository.replace_locations(session, template.id, _locations(body.locations))
    changes.mark_template(session, template.id)  # a Google template's class is inserted (googleapi)
    return template


async def replace(
    session: AsyncSession, account: Account, ref: Ref, body: TemplateBody, images: ImageSource
) -> Template:
    """Replace the whole template (what is left out is removed); its passes change with it."""
    template = await get(session, account, ref)
    if body.vendor.value != template.vendor:
        raise TemplateInvalid(
            f"vendor: a {template.vendor} template cannot become a {body.vendor.value} one",
            details=[{"field": "vendor", "location": "body", "message": "cannot change"}],
        )
    project = await project_of(session, template)
    kept = {key: template.design[key] for key in KEPT_ON_REPLACE if key in template.design}
    kept_images = {key: template.image_digests[key] for key in KEPT_IMAGES if key in template.image_digests}
    design, digests = await build_design(session, body, project, images)
    template.design, template.image_digests = {**design, **kept}, {**digests, **kept_images}
    for name, value in _meta(body).items():
        setattr(template, name, value)
    if body.locations is not None:
        await repository.replace_locations(session, template.id, _locations(body.locations))
    changed(session, template)
    return template


async def patch(
    session: AsyncSession, account: Account, ref: Ref, body: TemplatePatch, images: ImageSource
) -> Template:
    """Change only what is sent: headers and fields by name (``null`` removes one), other keys whole."""
    template = await get(session, account, ref)
    return await replace(session, account, ref, _merged_body(template, body), images)


async def delete(session: AsyncSession, account: Account, ref: Ref) -> Template:
    """Remove the template from the API; passes made from it keep working. Its external id is freed."""
    template = await get(session, account, ref)
    template.deleted_at = utcnow()
    template.external_id = None
    await session.flush()
    return template


async def duplicate(session: AsyncSession, account: Account, ref: Ref) -> Template:
    """A copy in the same project named "Copy of <name>", with the same locations."""
    source = await get(session, account, ref)
    copied = await _copy(session, source, project_id=source.project_id)
    changes.mark_template(session, copied.id)
    return copied


async def locations_of(session: AsyncSession, template: Template) -> Sequence[Location]:
    return await repository.locations(session, template.id)


async def add_locations(
    session: AsyncSession, account: Account, ref: Ref, locations: list[LocationIn]
) -> Sequence[Location]:
    """Add locations to the template; answers all of its locations."""
    template = await get(session, account, ref)
    await repository.add_locations(session, template.id, _locations(locations))
    changed(session, template)
    return await repository.locations(session, template.id)


async def delete_location(session: AsyncSession, account: Account, ref: Ref, location_id: int) -> None:
    template = await get(session, account, ref)
    location = await repository.get_location(session, template.id, location_id)
    if location is None:
        raise LocationNotFound(f"Template {ref} has no location {location_id}")
    await repository.remove(session, location)
    changed(session, template)


async def _project(session: AsyncSession, account: Account, ref: Ref) -> Project:
    project = await project_repository.get(session, account.id, ref)
    if project is None:
        raise ProjectNotFound(f"Project {ref} was not found")
    return project


async def _copy(session: AsyncSession, source: Template, *, project_id: int) -> Template:
    return await project_repository.copy_template(
        session, source, project_id=project_id, name=copy_name(source.name)
    )


def changed(session: AsyncSession, template: Template) -> None:
    """Everything a template shows is on its passes: they all change with it (see changes.py;
    a pass's Last-Modified is the later of its own change and its template's)."""
    template.updated_at = utcnow()
    changes.mark_template(session, template.id)


def _meta(body: TemplateBody) -> dict[str, Any]:
    return {
        "name": body.name,
        "description": body.description,
        "vendor": body.vendor.value,
        "type": body.type,
        "is_disabled": body.disabled,
        "expiry": body.expiry(),
    }


def _locations(locations: list[LocationIn]) -> list[dict[str, object]]:
    return [location.model_dump(by_alias=True, exclude_none=True) for location in locations]


def _merged_body(template: Template, body: TemplatePatch) -> TemplateBody:
    """The stored template, in the v2 payload format, with the patch applied over it."""
    headers = {**template.design.get("headers", {})}
    fields = {**template.design.get("fields", {})}
    for name, header in (body.headers or {}).items():
        _put(headers, name, None if header is None else header.wire())
    for name, field in (body.fields or {}).items():
        _put(fields, name, field)
    document: dict[str, Any] = {
        "name": template.name,
        "description": template.description,
        "vendor": Vendor(template.vendor),
        "type": template.type,
        "disabled": template.is_disabled,
        "expiryInfo": template.expiry,
        "headers": headers,
        "fields": fields,
        "beacons": template.design.get("beacons"),
        "semantics": template.design.get("semantics"),
        **template.design.get("moduleOptions", {}),
    }
    sent = body.model_dump(by_alias=True, exclude_unset=True, exclude={"headers", "fields"})
    try:
        return TemplateBody.model_validate({**document, **{k: v for k, v in sent.items() if v is not None}})
    except ValidationError as error:  # the patch is valid alone, but not over the stored template
        raise _patch_invalid(error) from None


def _patch_invalid(error: ValidationError) -> TemplateInvalid:
    details = [
        {"field": ".".join(str(part) for part in problem["loc"]) or "body", "location": "body",
         "message": problem["msg"]}
        for problem in error.errors(include_url=False)
    ]  # fmt: skip
    summary = "; ".join(f"{detail['field']}: {detail['message']}" for detail in details)
    return TemplateInvalid(f"The patched template is not valid. {summary}", details=details)


def _put(target: dict[str, Any], name: str, value: Any) -> None:
    if value is None:
        target.pop(name, None)
    else:
        target[name] = value
