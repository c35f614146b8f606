"""Routes of the Tags API (``/v1/tag/...`` and a pass's ``/tags``): wiring only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import AfterValidator

from passmint.deps import AccountDep, ImageSourceDep, SessionDep, SettingsDep, page_params
from passmint.kit.pagination import PageRequest, Pagination
from passmint.kit.refs import REF_PATTERN, PassLocator, Ref, checked_ref
from passmint.passes import views
from passmint.passes.schemas import PASS_ORDERS, FieldsChange, InstallStatus, PassList, TicketRef
from passmint.routing import At, at_every_address
from passmint.tags import service as tag_service
from passmint.tags.schemas import (
    TAG_ORDERS,
    PassTagRead,
    PassTags,
    TagDeleted,
    TagList,
    TagRead,
    TagRemoved,
    TagsAdded,
    TagsBody,
)

passes = APIRouter(prefix="/pass", tags=["Tags"])
router = APIRouter(prefix="/tag", tags=["Tags"])
TagPath = Annotated[str, Path(min_length=1, max_length=255, description="The tag's name (or its id).")]
PassSlot = Annotated[
    str,
    Path(alias="pass", pattern=f"^(?:{REF_PATTERN})$", description="The pass's id, or `id/{externalId}`."),
    AfterValidator(checked_ref),
]
TagPage = Annotated[PageRequest, Depends(page_params(TAG_ORDERS))]
PassPage = Annotated[PageRequest, Depends(page_params(PASS_ORDERS))]
StatusQuery = Annotated[InstallStatus | None, Query(description="Install status to filter by.")]


@at_every_address(
    passes, "GET", "/tags", At("List tags for pass"), At("List tags for pass with external ID"),
    response_model=PassTags,
)  # fmt: skip
async def list_pass_tags(locator: PassLocator, account: AccountDep, session: SessionDep) -> PassTags:
    tags = await tag_service.of_pass(session, account, locator)
    return PassTags(tags=[PassTagRead(id=tag.id, created_at=tag.created_at, name=tag.name) for tag in tags])


@at_every_address(
    passes, "PUT", "/tags", At("Add tags to pass"), At("Update tags for pass with external ID"),
    response_model=TagsAdded,
)  # fmt: skip
async def add_pass_tags(
    locator: PassLocator, body: TagsBody, account: AccountDep, session: SessionDep
) -> TagsAdded:
    new = await tag_service.add(session, account, locator, body.tags)
    return TagsAdded(new_tags=new, mappings=len(new))


@router.get("", response_model=TagList, summary="List all tags")
async def list_tags(account: AccountDep, session: SessionDep, page: TagPage) -> TagList:
    rows, count = await tag_service.page(session, account, page)
    tags = [TagRead(id=row.id, tag=row.name, created_at=row.created_at) for row in rows]
    return TagList(tags=tags, pagination=Pagination.of(page), count=count)


@router.delete("/{tag}", response_model=TagDeleted, summary="Delete tag")
async def delete_tag(tag: TagPath, account: AccountDep, session: SessionDep) -> TagDeleted:
    tag_id, count = await tag_service.delete(session, account, tag)
    return TagDeleted(tag_id=tag_id, count=count)


@router.delete("/{tag}/pass/{pass:ref}", response_model=TagRemoved, summary="Remove tag from a pass")
async def remove_pass_tag(
    tag: TagPath, pass_ref: PassSlot, account: AccountDep, session: SessionDep
) -> TagRemoved:
    ref = Ref.parse(pass_ref)
    locator = PassLocator(pass_id=ref.id, external_id=ref.external_id)
    pass_id, tag_id = await tag_service.untag_pass(session, account, tag, locator)
    return TagRemoved(pass_id=pass_id, tag_id=tag_id)


@router.get("/{tag}/passes", response_model=PassList, summary="List passes for a tag")
async def list_tag_passes(
    tag: TagPath,
    account: AccountDep,
    session: SessionDep,
    settings: SettingsDep,
    page: PassPage,
    status: StatusQuery = None,
) -> PassList:
    found = await tag_service.passes(session, account, tag, page, status)
    return views.listing(found, page, settings.base_url)


@router.put("/{tag}/passes", response_model=TicketRef, summary="Update passes by tag")
async def update_tag_passes(
    tag: TagPath, body: FieldsChange, account: AccountDep, session: SessionDep, images: ImageSourceDep
) -> TicketRef:
    ticket = await tag_service.update_passes(session, account, tag, body, images)
    return TicketRef(ticket_id=ticket.id)


@router.delete("/{tag}/passes", response_model=TagDeleted, summary="Remove tag from all passes")
async def untag_all_passes(tag: TagPath, account: AccountDep, session: SessionDep) -> TagDeleted:
    tag_id, count = await tag_service.untag_all(session, account, tag)
    return TagDeleted(tag_id=tag_id, count=count)
