"""Wire models of statistics and activity, shaped as the reference prints them."""

from __future__ import annotations

from pydantic import BaseModel, Field

from passmint.kit.schemas import ApiModel
from passmint.kit.time import UtcDateTime


class TemplateStats(ApiModel):
    id: int
    vendor: str
    last_updated: UtcDateTime
    total: int
    installed: int
    uninstalled: int


class ProjectStats(ApiModel):
    id: int
    last_updated: UtcDateTime
    templates: list[TemplateStats]
    total: int
    installed: int
    uninstalled: int


class TemplateInstalls(ApiModel):
    id: int
    installed: int
    uninstalled: int


class PassStats(ApiModel):
    total: int
    installed: int
    uninstalled: int
    templates: list[TemplateInstalls]


class TagStats(ApiModel):
    total: int
    installed: int
    uninstalled: int
    not_been_installed: int = Field(alias="not_been_installed")
    last_updated: UtcDateTime


class Counts(BaseModel):
    """Plain models for the rows of activity (nothing in them is ever unset): ``ApiModel``'s own
    serializer, run once per row, made a year of days several times slower to print."""

    created: int
    installed: int
    uninstalled: int


class DayActivity(BaseModel):
    date: str
    """``YYYY/MM/DD``, as the reference prints days."""
    activity: Counts


class Activity(ApiModel):
    id: int
    vendor: str | None = None
    """The template's (``Apple``/``Google``); a project's activity has none."""
    start_date: str
    end_date: str
    summary: Counts
    details: list[DayActivity]
