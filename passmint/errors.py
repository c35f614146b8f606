"""Domain error kinds: what went wrong, never how HTTP says it (see http_errors.py).

    PassmintError
     ├── InvalidInput        the caller sent something unusable
     ├── Unauthenticated     no, wrong or revoked credentials
     ├── PermissionDenied    known caller, not allowed
     ├── NotFound            nothing by that id for this caller
     ├── Conflict            the request clashes with stored state
     ├── Gone                what was asked for existed, and has run out or expired
     ├── TooManyRequests     the caller asked too often; ``retry_after`` seconds to wait
     ├── NotImplementedYet   a documented feature passmint does not offer yet
     ├── UpstreamFailed      a peer (Apple, Google, a callback receiver) failed
     └── Unavailable         passmint itself cannot serve right now (database down)

Each domain subclasses one kind per concrete error and gives it a stable ``code``.
"""

from __future__ import annotations

from typing import Any


class PassmintError(Exception):
    """Base of every error passmint raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidInput(PassmintError):
    code = "invalid_input"


class Unauthenticated(PassmintError):
    code = "unauthenticated"


class PermissionDenied(PassmintError):
    code = "permission_denied"


class NotFound(PassmintError):
    code = "not_found"


class Conflict(PassmintError):
    code = "conflict"


class Gone(PassmintError):
    code = "gone"


class TooManyRequests(PassmintError):
    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int, details: Any = None) -> None:
        super().__init__(message, details=details)
        self.retry_after = retry_after


class NotImplementedYet(PassmintError):
    code = "not_implemented"


class UpstreamFailed(PassmintError):
    code = "upstream_failed"


class Unavailable(PassmintError):
    code = "unavailable"
