"""The versions of the credentials a project's passes are signed and issued with, as a lookup read them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

Version = tuple[uuid.UUID, datetime]
"""A certificate row's id and ``updated_at``: what names one version of it (and of what is parsed from it)."""
ParsedT = TypeVar("ParsedT")


@dataclass(frozen=True)
class Credentials:
    """The project's Apple signing certificate and Google credential, each as its ``Version``, or None
    for the development one: read by a request's own lookup (joined as ``wallets.repository.chosen``
    joins them), so signing or issuing can skip reading the row when its parsed form is kept."""

    apple: Version | None
    google: Version | None


def unread(
    version: Version | None,
    chosen_id: uuid.UUID | None,
    development: Callable[[], ParsedT],
    kept: Callable[[Version], ParsedT | None],
) -> ParsedT | None:
    """What a project's credential is without reading its row, given the ``version`` a lookup read of it
    and the one the project chose (``chosen_id``): the ``development`` one when the lookup found none and
    the project chose none, else what is ``kept`` parsed for that version; None when the row must be read."""
    if version is None:
        return development() if chosen_id is None else None
    return kept(version)
