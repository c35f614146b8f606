"""Errors of the templates domain."""

from __future__ import annotations

from passmint.errors import Conflict, InvalidInput, NotFound, PassmintError


class TemplatesError(PassmintError): ...


class TemplateNotFound(TemplatesError, NotFound):
    code = "template_not_found"


class TemplateInvalid(TemplatesError, InvalidInput):
    code = "template_invalid"


class TemplateExternalIdTaken(TemplatesError, Conflict):
    code = "template_external_id_taken"


class PersonalizationNotFound(TemplatesError, NotFound):
    code = "personalization_not_found"


class PersonalizationExists(TemplatesError, Conflict):
    code = "personalization_exists"


class LocationNotFound(TemplatesError, NotFound):
    code = "location_not_found"
