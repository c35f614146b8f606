"""Errors of Google Wallet's REST API, decoded from Google's error shape.

Google answers ``{"error": {"code", "message", "status", "errors": [{"domain", "reason", "message"}]}}``.
"""

from __future__ import annotations

import json
from typing import Any

from passmint.errors import InvalidInput, PassmintError, UpstreamFailed

RETRIED = frozenset({408, 429, 500, 502, 503, 504})
"""Statuses worth trying again later (with backoff)."""


class GoogleApiError(Exception):
    """Google refused a call (or did not answer: ``status`` 0)."""

    def __init__(self, status: int, message: str, reason: str | None = None) -> None:
        super().__init__(f"Google answered {status or 'nothing'}: {message}")
        self.status, self.message, self.reason = status, message, reason

    @property
    def retried(self) -> bool:
        """Whether trying again later may succeed (rate limit, Google's own failure, no answer)."""
        return self.status == 0 or self.status in RETRIED

    @classmethod
    def of(cls, status: int, body: bytes) -> GoogleApiError:
        """The error an answer of ``status`` carries in Google's shape (or its text, if another)."""
        document = _json(body)
        error = document.get("error") if isinstance(document, dict) else None
        if isinstance(error, dict):
            errors = error.get("errors")
            first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
            message = str(error.get("message") or first.get("message") or "no message")
            reason = first.get("reason") or error.get("status")
            return cls(status, message, str(reason) if reason else None)
        text = body.decode("utf-8", "replace").strip()[:300] or "no message"
        return cls(status, text)


class GoogleSyncError(PassmintError): ...


class NotAGooglePass(GoogleSyncError, InvalidInput):
    """A Google-only operation on a pass of another wallet."""

    code = "not_a_google_pass"


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


class GoogleUnreachable(GoogleSyncError, UpstreamFailed):
    """A call a request waits on (inserting a save link's objects) failed at Google."""

    code = "google_unreachable"
