"""Projects: list, create, read, update and duplicate, within the calling account."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.certificates import repository as certificate_repository
from passmint.kit.pagination import PageRequest
from passmint.kit.refs import Ref
from passmint.kit.security import new_token
from passmint.models import Account, Project, Template, clone
from passmint.projects import repository
from passmint.projects.errors import ProjectCertificateUnknown, ProjectExternalIdTaken, ProjectNotFound
from passmint.projects.schemas import ProjectCreate, ProjectSettings, ProjectUpdate

COPY_PREFIX = "Copy of "
COPY_EXTERNAL_ID_PREFIX = "Copy_of_"
COPY_ATTEMPTS = 50
"""Tries at a free ``Copy_of_X_n`` when other requests copying the same project take each one first."""


@dataclass(frozen=True)
class ProjectView:
    """A project with its templates, as printed."""

    project: Project
    templates: Sequence[Template]


async def list_projects(
    session: AsyncSession, account: Account, page: PageRequest
) -> tuple[list[ProjectView], int]:
    """One page of the account's projects with their templates, and how many projects there are."""
    projects, count = await repository.page(session, account.id, page)
    templates = await _templates_of(session, [project.id for project in projects])
    return [ProjectView(project, templates.get(project.id, [])) for project in projects], count


async def view(session: AsyncSession, account: Account, ref: Ref) -> ProjectView:
    """The account's project named by ``ref``, with its templates."""
    return await _view(session, await get(session, account, ref))


async def _view(session: AsyncSession, project: Project) -> ProjectView:
    templates = await _templates_of(session, [project.id])
    return ProjectView(project, templates.get(project.id, []))


async def _templates_of(session: AsyncSession, project_ids: Sequence[int]) -> dict[int, list[Template]]:
    """The live templates of each of these projects."""
    found: dict[int, list[Template]] = {}
    for template in await repository.templates_of(session, project_ids):
        found.setdefault(template.project_id, []).append(template)
    return found


async def get(session: AsyncSession, account: Account, ref: Ref) -> Project:
    """The account's project named by ``ref``."""
    project = await repository.get(session, account.id, ref)
    if project is None:
        raise ProjectNotFound(f"Project {ref} was not found")
    return project


async def create(
    session: AsyncSession, account: Account, body: ProjectCreate, *, external_id: str | None = None
) -> ProjectView:
    """A new, empty project, optionally under an external id that must be unused in the account."""
    if external_id is not None:
        await _ensure_external_id_free(session, account, external_id)
    await _ensure_certificate(session, account, body.apple_certificate_id)
    await _ensure_certificate(session, account, body.google_certificate_id, vendor="Google")
    project = Project(
        account_id=account.id,
        external_id=external_id,
        context_id=new_token(16),
        name=body.name,
        description=body.description,
        project_type=body.project_type,
        settings=_settings(body.settings),
        apple_certificate_id=body.apple_certificate_id,
        google_certificate_id=body.google_certificate_id,
    )
    stored = await repository.add_unless_taken(session, project)
    if stored is None:  # another request took the external id since the check above
        raise ProjectExternalIdTaken(f"A project with external id '{external_id}' already exists")
    return ProjectView(stored, [])


async def update(session: AsyncSession, account: Account, ref: Ref, body: ProjectUpdate) -> ProjectView:
    """Change the keys sent; settings are merged key by key, a ``null`` setting removed."""
    project = await get(session, account, ref)
    changes = body.changes()
    await _ensure_certificate(session, account, changes.get("apple_certificate_id"))
    await _ensure_certificate(session, account, changes.get("google_certificate_id"), vendor="Google")
    if "settings" in changes and body.settings is not None:
        sent = body.settings.model_dump(exclude_unset=True)
        merged = {**project.settings, **sent}
        changes["settings"] = {key: value for key, value in merged.items() if value is not None}
    for name, value in changes.items():
        setattr(project, name, value)
    await session.flush()
    return await _view(session, project)


async def duplicate(session: AsyncSession, account: Account, ref: Ref) -> ProjectView:
    """A copy named "Copy of <name>" with copies of its templates; a source external id ``X`` gives the
    copy ``Copy_of_X``."""
    source = await get(session, account, ref)
    copy = clone(source, name=copy_name(source.name), external_id=None, context_id=new_token(16))
    if source.external_id is None:
        copy = await repository.add(session, copy)
    else:
        copy = await _add_copy(session, account, copy, COPY_EXTERNAL_ID_PREFIX + source.external_id)
    for template in await repository.templates_of(session, [source.id]):  # their external ids stay
        await repository.copy_template(session, template, project_id=copy.id, name=copy_name(template.name))
    return await _view(session, copy)


def copy_name(name: str) -> str:
    """The name of a copy of a project or template: "Copy of <name>", within the column's 255."""
    return (COPY_PREFIX + name)[:255]


def _settings(settings: ProjectSettings) -> dict[str, Any]:
    return settings.model_dump(mode="json", exclude_none=True)


async def _ensure_external_id_free(session: AsyncSession, account: Account, external_id: str) -> None:
    if await repository.get(session, account.id, Ref(external_id=external_id)) is not None:
        raise ProjectExternalIdTaken(f"A project with external id '{external_id}' already exists")


async def _ensure_certificate(
    session: AsyncSession, account: Account, certificate_id: uuid.UUID | None, *, vendor: str = "Apple"
) -> None:
    if certificate_id is None:
        return
    found = await certificate_repository.get(session, account.id, certificate_id)
    if found is None or found.vendor != vendor:
        field = f"{vendor.lower()}CertificateId"
        message = f"no {vendor} certificate {certificate_id} in this account (see GET /v1/certificates)"
        raise ProjectCertificateUnknown(
            f"{field}: {message}", details=[{"field": field, "location": "body", "message": message}]
        )


async def _add_copy(session: AsyncSession, account: Account, copy: Project, wanted: str) -> Project:
    """Store ``copy`` under the external id ``wanted``, or the first free ``wanted_2``, ``wanted_3``...:
    requests copying the same project at the same moment each get their own."""
    for _attempt in range(COPY_ATTEMPTS):
        copy.external_id = await _free_copy_external_id(session, account, wanted)
        stored = await repository.add_unless_taken(session, copy)
        if stored is not None:
            return stored
    raise ProjectExternalIdTaken(f"No free external id for a copy: '{wanted}_n' are taken as fast as tried")


async def _free_copy_external_id(session: AsyncSession, account: Account, wanted: str) -> str:
    """``wanted``, or ``wanted_2``, ``wanted_3``... when copies were made before."""
    taken = await repository.external_ids_like(session, account.id, wanted)
    candidate, number = wanted, 1
    while candidate in taken:
        number += 1
        candidate = f"{wanted}_{number}"
    return candidate
