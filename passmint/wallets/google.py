"""Google Wallet, as far as it is built: templates are stored and checked, passes not delivered yet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.apple.errors import Problem
from passmint.config import Settings
from passmint.designs import GOOGLE_HEADERS, GoogleField, GoogleModule, Vendor
from passmint.kit.files import Download
from passmint.kit.spellings import v2_barcode_type
from passmint.models import Project, Template
from passmint.wallets.errors import GoogleNotBuilt
from passmint.wallets.format import PassRecord

MODULES = frozenset(module.value for module in GoogleModule)
NOT_BUILT = "Google Wallet passes are not available in this version of passmint yet"


class GoogleWallet:
    """Google Wallet's format (see ``wallets.format.WalletFormat``); delivering answers 501."""

    vendor = Vendor.GOOGLE
    vendor_id = 2
    platform = "android"
    headers = frozenset(GOOGLE_HEADERS)
    field_model: type[BaseModel] = GoogleField
    personalizable = False

    def field_problems(self, path: str, field: Mapping[str, Any]) -> list[Problem]:
        """A Google field sits in a module: its ``fieldType`` names one."""
        if field.get("fieldType") not in MODULES:
            message = f"must name a Google module: {', '.join(sorted(MODULES))}"
            return [Problem(field=f"{path}.fieldType", message=message)]
        return []

    def design_problems(
        self, design: Mapping[str, Any], project: Project, expiry: Mapping[str, Any] | None
    ) -> list[Problem]:
        return []

    def value_problems(
        self, design: Mapping[str, Any], values: Mapping[str, Any], project: Project
    ) -> list[Problem]:
        return []

    def barcode_spelling(self, value: object) -> object:
        return v2_barcode_type(value)

    async def render(self, session: AsyncSession, record: PassRecord, settings: Settings) -> dict[str, Any]:
        raise GoogleNotBuilt(NOT_BUILT)

    async def deliver(self, session: AsyncSession, record: PassRecord, settings: Settings) -> Download:
        raise GoogleNotBuilt(NOT_BUILT)

    async def bundle(self, files: Sequence[Download], filename: str) -> Download:
        raise GoogleNotBuilt(NOT_BUILT)


async def google_class(
    session: AsyncSession, template: Template, project: Project, settings: Settings
) -> tuple[str, dict[str, Any]]:
    """The class a template is at Google: its REST collection (``loyaltyClass``...) and its body."""
    raise GoogleNotBuilt(NOT_BUILT)
