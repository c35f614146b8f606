"""Errors of the notifications domain."""

from __future__ import annotations

from passmint.errors import NotFound, PassmintError


class NotificationsError(PassmintError): ...


class TagNotFound(NotificationsError, NotFound):
    code = "tag_not_found"
