"""Errors of adaptive links."""

from __future__ import annotations

from passmint.errors import Conflict, Gone, InvalidInput, NotFound, PassmintError


class LinksError(PassmintError): ...


class LinkNotFound(LinksError, NotFound):
    code = "adaptive_link_not_found"


class LinkInvalid(LinksError, InvalidInput):
    code = "adaptive_link_invalid"


class LinkExternalIdTaken(LinksError, Conflict):
    code = "adaptive_link_external_id_taken"


class LinkExternalIdAmbiguous(LinksError, Conflict):
    code = "adaptive_link_external_id_ambiguous"


class LinkRefused(LinksError, Gone):
    """A visit the link cannot answer with a pass: it expired, or ran out of passes or installs."""


class LinkExpired(LinkRefused):
    code = "adaptive_link_expired"


class LinkExhausted(LinkRefused):
    code = "adaptive_link_exhausted"


class InstallLimitReached(LinkRefused):
    code = "install_limit_reached"
