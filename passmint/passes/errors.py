"""Errors of the passes domain."""

from __future__ import annotations

from passmint.errors import Conflict, InvalidInput, NotFound, PassmintError


class PassesError(PassmintError): ...


class PassNotFound(PassesError, NotFound):
    code = "pass_not_found"


class PassInvalid(PassesError, InvalidInput):
    code = "pass_invalid"


class PassExternalIdTaken(PassesError, Conflict):
    code = "pass_external_id_taken"


class PassExternalIdAmbiguous(PassesError, Conflict):
    code = "pass_external_id_ambiguous"


class TemplateClosed(PassesError, InvalidInput):
    code = "template_disabled"


class PassLocationNotFound(PassesError, NotFound):
    code = "location_not_found"


class NotAGoogleTemplate(PassesError, InvalidInput):
    """``saveToWallet`` makes Google Wallet passes: the template is of another wallet."""

    code = "not_a_google_template"
