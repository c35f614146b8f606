"""The wallet-format seam: what a wallet (Apple's, Google's) does with designs, pass values and passes.

A template's vendor names its format (``wallets.format_of``); templates and passes ask the format,
never the vendor, what to check and how to deliver. A new wallet is a new implementation of
``WalletFormat`` added to ``wallets.FORMATS``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.apple.errors import Problem
from passmint.certificates.versions import Credentials
from passmint.config import Settings
from passmint.designs import Vendor
from passmint.kit.files import Download
from passmint.models import Account, Journey, Pass, Project, Template


@dataclass(frozen=True)
class PassRecord:
    """One pass with everything a format renders it from, loaded from the database."""

    account: Account
    pass_: Pass
    template: Template
    project: Project
    locations: list[dict[str, Any]]
    changed_at: datetime
    """When what the pass shows last changed (its own change, or its template's if later)."""
    journey: Journey | None = None
    """The flight or event the pass shows, if any (its fields and semantic tags go on the pass)."""
    credentials: Credentials | None = None
    """The project's signing certificate and Google credential as the request's lookup read them (None:
    not read; signing reads them)."""


class WalletFormat(Protocol):
    """One wallet's rules and output. Problems name fields as the API's bodies spell them."""

    vendor: Vendor
    vendor_id: int
    """The reference's ``vendorId`` of the format's templates."""
    platform: str
    """The platform its passes are for, as pass lists print it."""
    headers: frozenset[str]
    """The header names its templates take."""
    field_model: type[BaseModel]
    """The model a template field is checked with."""
    personalizable: bool
    """Whether its templates take personalization requirements."""
    delivers_file: bool
    """Whether ``deliver`` answers the pass as a file (Apple's .pkpass), not a link to save it from."""

    def field_problems(self, path: str, field: Mapping[str, Any]) -> list[Problem]:
        """What is wrong with one canonical template field (at ``path``) beyond its model."""
        ...

    def design_problems(
        self, design: Mapping[str, Any], project: Project, expiry: Mapping[str, Any] | None
    ) -> list[Problem]:
        """What keeps a canonical design (already free of generic problems) from making passes."""
        ...

    def value_problems(
        self, design: Mapping[str, Any], values: Mapping[str, Any], project: Project
    ) -> list[Problem]:
        """What keeps a pass's values (images left out) from showing on a pass of ``design``."""
        ...

    def barcode_spelling(self, value: object) -> object:
        """A stored barcode type as a full pass response of this format spells it."""
        ...

    async def render(self, session: AsyncSession, record: PassRecord, settings: Settings) -> dict[str, Any]:
        """The pass's document as the wallet takes it (Apple's pass.json), unsigned."""
        ...

    async def deliver(self, session: AsyncSession, record: PassRecord, settings: Settings) -> Download:
        """The pass as its wallet installs it: bytes, media type and file name."""
        ...

    async def deliver_many(
        self,
        session: AsyncSession,
        records: Sequence[PassRecord],
        settings: Settings,
        filename: str,
        stamp: Hashable | None = None,
    ) -> Download:
        """Several passes as their wallet installs them at once (one file or one save link); one pass
        alone as ``deliver`` answers it. ``filename`` is the bundle's file name. ``stamp``, when given,
        keeps the answer for ``kept``: it must hold the versions of everything the answer is made from
        (the settings it reads included)."""
        ...

    def kept(self, stamp: Hashable, settings: Settings) -> Download | None:
        """What ``deliver_many`` answered under ``stamp``, if still kept and still good to hand out: a
        visit that finds it reads nothing more (the stamp names all the delivery is made from)."""
        ...

    def design_images(self, design: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
        """Images a canonical design names beyond its image headers, stored with the template:
        ``image key → (URL, field path)``."""
        ...
