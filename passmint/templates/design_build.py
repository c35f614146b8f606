"""Build a template's stored design from a request body: validate everything, then fetch its images."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.images.sources import ImageSource
from passmint.models import Project
from passmint.templates.canonical import Problem, canonical_fields, canonical_headers, problem
from passmint.templates.errors import TemplateInvalid
from passmint.templates.schemas import TemplateBody
from passmint.wallets import format_of


async def build_design(
    session: AsyncSession, body: TemplateBody, project: Project, images: ImageSource
) -> tuple[dict[str, Any], dict[str, str]]:
    """The canonical design and the digests of its stored images; ``TemplateInvalid`` lists every problem.

    Nothing is fetched until the whole body is known to be valid, and nothing stored until all is fetched.
    """
    headers, problems = canonical_headers(body.vendor, body.headers)
    fields, options, field_problems = canonical_fields(body.vendor, body.fields, body.modules())
    problems += field_problems + _project_problems(body, project)
    design: dict[str, Any] = {"headers": headers, "fields": fields}
    if options:
        design["moduleOptions"] = options
    if body.beacons is not None:
        design["beacons"] = [beacon.model_dump(by_alias=True, exclude_none=True) for beacon in body.beacons]
    if body.semantics is not None:
        design["semantics"] = body.semantics
    if not problems:
        found = format_of(body.vendor).design_problems(design, project, body.expiry())
        problems += [problem(entry["field"], entry["message"]) for entry in found]
    if problems:
        summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        raise TemplateInvalid(f"The template is not valid. {summary}", details=problems)
    urls = {
        name: (str(header["value"]), f"headers.{name}.value")
        for name, header in headers.items()
        if header["fieldType"] == "image" and header.get("value")
    }
    urls |= format_of(body.vendor).design_images(design)
    fetched = await images.fetch(urls)  # every image before the first write (see images/sources.py)
    return design, await fetched.store(session)


def _project_problems(body: TemplateBody, project: Project) -> list[Problem]:
    problems = []
    if body.project_type is not None and body.project_type.value != project.project_type:
        message = f"the project's type is {project.project_type}; a template has its project's type"
        problems.append(problem("projectType", message))
    if body.project_id is not None and body.project_id != project.id:
        problems.append(problem("projectId", f"the template is being made in project {project.id}"))
    return problems
