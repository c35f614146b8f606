"""Errors of the projects domain."""

from __future__ import annotations

from passmint.errors import Conflict, NotFound, PassmintError


class ProjectsError(PassmintError): ...


class ProjectNotFound(ProjectsError, NotFound):
    code = "project_not_found"


class ProjectExternalIdTaken(ProjectsError, Conflict):
    code = "project_external_id_taken"
