"""Dynamic passes: ``POST /pass/{templateId}/dynamic`` answers a link that makes its pass when first opened.

The body is checked against the template and its images are stored when the link is made, so a bad
body is a 400 then; opening the link (no credentials: its id is the secret, like a public install link)
makes the pass once and answers its ``.pkpass``, every later opening the same pass.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.config import Settings
from passmint.images.sources import ImageSource
from passmint.kit.files import Download
from passmint.kit.refs import Ref
from passmint.models import Account, DynamicLink, Pass, Template
from passmint.passes import downloads, repository
from passmint.passes import service as pass_service
from passmint.passes.errors import PassNotFound
from passmint.passes.schemas import DynamicPassBody
from passmint.passes.service import Draft


def link_url(base_url: str, link: DynamicLink) -> str:
    return f"{base_url}/v1/pass/dynamic/{link.id}"


async def create_link(
    session: AsyncSession,
    account: Account,
    template_ref: Ref,
    body: DynamicPassBody,
    images: ImageSource,
    *,
    expiry: str | None,
) -> DynamicLink:
    """A link to a pass of the template with these values (and external id, and expiry date)."""
    body = pass_service.with_expiry(body, expiry)
    template, draft = await pass_service.prepare(
        session, account, template_ref, body, images, external_id=body.external_id
    )
    link = DynamicLink(account_id=account.id, template_id=template.id, draft=draft.stored())
    await repository.add_link(session, link)
    return link


async def open_link(session: AsyncSession, link_id: uuid.UUID, settings: Settings) -> Download:
    """The link's pass as a .pkpass, made on the first opening."""
    link = await repository.link(session, link_id)
    if link is None:
        raise PassNotFound("No pass at this link")
    pass_id = link.pass_id if link.pass_id is not None else await _make(session, link)
    pass_ = await session.get(Pass, pass_id)
    assert pass_ is not None  # deleting the pass deletes the link
    download = await downloads.for_device(session, pass_, settings)
    assert isinstance(download, Download)  # asked without If-Modified-Since
    return download


async def _make(session: AsyncSession, link: DynamicLink) -> int:
    """Make the link's pass; when another opening made it meanwhile, keep theirs."""
    account = await session.get(Account, link.account_id)
    template = await session.get(Template, link.template_id)
    assert account is not None and template is not None  # the foreign keys guarantee them
    draft = Draft(**link.draft)
    await pass_service.check_issuable(session, template, draft.external_id)
    made = await pass_service.issue(session, account, template, draft)
    if await repository.claim_link(session, link.id, made.pass_.id):
        return made.pass_.id
    await repository.remove(session, made.pass_)
    claimed = await repository.link(session, link.id)
    assert claimed is not None and claimed.pass_id is not None
    return claimed.pass_id
