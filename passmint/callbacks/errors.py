"""Errors of the callbacks domain."""

from __future__ import annotations

from passmint.errors import Conflict, InvalidInput, NotFound, PassmintError, Unavailable, UpstreamFailed


class CallbacksError(PassmintError): ...


class CallbackSpecNotFound(CallbacksError, NotFound):
    code = "callback_not_found"


class CallbackSpecExists(CallbacksError, Conflict):
    code = "callback_exists"


class CallbackUrlNotAllowed(CallbacksError, InvalidInput):
    code = "callback_url_not_allowed"


class SecretsUnreadable(CallbacksError, Unavailable):
    """The spec's sealed signing secret or headers do not open with the secret key in force."""

    code = "callback_secret_unreadable"


class DeliveryFailed(CallbacksError, UpstreamFailed):
    """A delivery that may succeed later: the receiver was down, slow, or asked to try again."""

    code = "callback_delivery_failed"
