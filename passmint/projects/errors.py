"""Errors of the projects domain."""

from __future__ import annotations

from passmint.errors import Conflict, InvalidInput, NotFound, PassmintError


class ProjectsError(PassmintError): ...


class ProjectNotFound(ProjectsError, NotFound):
    code = "project_not_found"


class ProjectCertificateUnknown(ProjectsError, InvalidInput):
    code = "certificate_not_found"


class ProjectExternalIdTaken(ProjectsError, Conflict):
    code = "project_external_id_taken"
