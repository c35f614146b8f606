"""Wire models of the Tags API, spelled as the reference spells them (``Pagination``, ``tag``, ``name``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from passmint.kit.pagination import Pagination
from passmint.kit.schemas import ApiModel, InputModel
from passmint.passes.schemas import MAX_TAGS, TagName

TAG_ORDERS = ("id", "createdAt")
MAX_SENT = 100
"""Tags one request may name (the pass keeps at most ``MAX_TAGS``; this only bounds the input)."""

__all__ = ["MAX_TAGS", "TAG_ORDERS"]


class TagsBody(InputModel):
    """The reference's "Add Tags to PassRequest"."""

    tags: Annotated[list[TagName], Field(max_length=MAX_SENT)] = Field(
        description=f"Tags to add to the pass (a pass carries at most {MAX_TAGS})."
    )


class PassTagRead(ApiModel):
    id: int
    created_at: datetime
    name: str


class PassTags(ApiModel):
    tags: list[PassTagRead]


class TagsAdded(ApiModel):
    new_tags: list[str] = Field(description="The tags the pass did not carry before this request.")
    mappings: int = Field(description="How many tags were added to the pass.")


class TagRead(ApiModel):
    id: int
    tag: str
    created_at: datetime


class TagList(ApiModel):
    tags: list[TagRead]
    pagination: Pagination = Field(serialization_alias="Pagination")
    count: int = Field(description="How many tags the account has in all.")


class TagDeleted(ApiModel):
    status: Literal["success"] = "success"
    tag_id: int
    count: int = Field(description="The passes the tag was removed from.")


class TagRemoved(ApiModel):
    pass_id: int
    status: Literal["success"] = "success"
    tag_id: int
