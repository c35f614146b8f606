"""Errors of the registrations domain and Apple's web service."""

from __future__ import annotations

from passmint.errors import Conflict, InvalidInput, NotFound, PassmintError, Unauthenticated, Unavailable


class RegistrationsError(PassmintError): ...


class PassNotAuthorized(RegistrationsError, Unauthenticated):
    """No such pass, or the ``ApplePass`` token is not the pass's."""

    code = "pass_not_authorized"
    headers = {"WWW-Authenticate": 'ApplePass realm="passmint"'}


class PushTokenMissing(RegistrationsError, InvalidInput):
    code = "push_token_missing"


class PersonalizationNotOffered(RegistrationsError, NotFound):
    code = "personalization_not_offered"


class PersonalizationTokenInvalid(RegistrationsError, InvalidInput):
    code = "personalization_token_invalid"


class PassAlreadyPersonalized(RegistrationsError, Conflict):
    code = "pass_already_personalized"


class CampaignNotFound(RegistrationsError, NotFound):
    code = "campaign_not_found"


class GoogleKeysUnavailable(RegistrationsError, Unavailable):
    """Google's callback signing keys could not be fetched: the callback cannot be verified now (503, so
    Google sends it again)."""

    code = "google_keys_unavailable"
