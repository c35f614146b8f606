"""Personalization requirements of Apple templates: the sign-up sheet a personalizable pass shows."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.images.sources import ImageSource
from passmint.kit.refs import Ref
from passmint.models import Account
from passmint.templates import service as template_service
from passmint.templates.errors import PersonalizationExists, PersonalizationNotFound, TemplateInvalid
from passmint.templates.schemas import Personalization
from passmint.wallets import format_of

KEY = "personalization"
LOGO = "personalization_logo"


async def get(session: AsyncSession, account: Account, ref: Ref) -> dict[str, Any]:
    """The template's personalization requirements."""
    template = await template_service.get(session, account, ref)
    if KEY not in template.design:
        raise PersonalizationNotFound(f"Template {ref} has no personalization requirements")
    return dict(template.design[KEY])


async def put(
    session: AsyncSession,
    account: Account,
    ref: Ref,
    body: Personalization,
    images: ImageSource,
    *,
    creating: bool,
) -> dict[str, Any]:
    """Add (``creating``) or replace the requirements; passes not yet personalized change with them."""
    template = await template_service.get(session, account, ref)
    if not format_of(template.vendor).personalizable:
        raise TemplateInvalid("Personalization is for Apple templates", details=[_detail("vendor")])
    if creating and KEY in template.design:
        raise PersonalizationExists(f"Template {ref} has personalization requirements already; use PUT")
    if not creating and KEY not in template.design:
        raise PersonalizationNotFound(f"Template {ref} has no personalization requirements; use POST")
    stored = body.model_dump(by_alias=True, exclude_none=True)
    digests = {k: v for k, v in template.image_digests.items() if k != LOGO}
    if body.image_url:
        digests |= await (await images.fetch({LOGO: (body.image_url, "imageUrl")})).store(session)
    template.design, template.image_digests = {**template.design, KEY: stored}, digests
    template_service.changed(session, template)
    return stored


async def delete(session: AsyncSession, account: Account, ref: Ref) -> dict[str, Any]:
    """Remove the requirements; answers what was removed."""
    removed = await get(session, account, ref)
    template = await template_service.get(session, account, ref)
    template.design = {k: v for k, v in template.design.items() if k != KEY}
    template.image_digests = {k: v for k, v in template.image_digests.items() if k != LOGO}
    template_service.changed(session, template)
    return removed


def _detail(field: str) -> dict[str, str]:
    return {"field": field, "location": "body", "message": "personalization is for Apple templates"}
