"""The versions of the credentials a project's passes are signed and issued with, as a lookup read them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

Version = tuple[uuid.UUID, datetime]
"""A certificate row's id and ``updated_at``: what names one version of it (and of what is parsed from it)."""


@dataclass(frozen=True)
class Credentials:
    """The project's Apple signing certificate and Google credential, each as its ``Version``, or None
    for the development one: read by a request's own lookup (joined as ``wallets.repository.chosen``
    joins them), so signing or issuing can skip reading the row when its parsed form is kept."""

    apple: Version | None
    google: Version | None
