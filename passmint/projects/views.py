"""Projects as the API prints them, with the headers of the templates they hold."""

from __future__ import annotations

from typing import Literal

from passmint.models import Project, Template
from passmint.projects.schemas import ProjectRead, TemplateHeaderRead
from passmint.projects.service import ProjectView
from passmint.wallets import format_of


def read(view: ProjectView) -> ProjectRead:
    project = ProjectRead.model_validate(view.project)
    headers = [template_header(template, view.project) for template in view.templates]
    return project.model_copy(
        update={"templates": [h.model_dump(by_alias=True, mode="json", exclude_none=True) for h in headers]}
    )


def _yes_no(flag: bool) -> Literal["True", "False"]:
    return "True" if flag else "False"


def template_header(template: Template, project: Project) -> TemplateHeaderRead:
    return TemplateHeaderRead(
        id=template.id,
        external_id=template.external_id,
        project_id=project.id,
        project_name=project.name,
        project_type=project.project_type,
        name=template.name,
        description=template.description,
        vendor=template.vendor,
        vendor_id=format_of(template.vendor).vendor_id,
        type=template.type,
        disabled=_yes_no(template.is_disabled),
        expiry_duration=(template.expiry or {}).get("expiryDuration"),
        created_at=template.created_at,
        updated_at=template.updated_at,
    )
