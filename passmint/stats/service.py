"""Statistics read from the counters (unique passes by state), activity per UTC day (events), tag and
external-id statistics counted from the passes, and the rebuild of the counters."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.counters import repository as counters
from passmint.kit.refs import Ref
from passmint.kit.time import utcnow
from passmint.models import Account
from passmint.passes.service import platform_of
from passmint.projects import service as project_service
from passmint.stats import repository
from passmint.stats.errors import ActivityRangeInvalid, PassesNotFound, TagNotFound
from passmint.stats.schemas import (
    Activity,
    Counts,
    PassStats,
    ProjectStats,
    TagStats,
    TemplateInstalls,
    TemplateStats,
)
from passmint.templates import service as template_service

MAX_DAYS = 3660
"""The longest activity range, in days (ten years): one row a day is printed."""
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
KINDS = ("created", "installed", "uninstalled")


async def template_stats(session: AsyncSession, account: Account, ref: Ref) -> TemplateStats:
    template = await template_service.get(session, account, ref)
    meta = repository.TemplateMeta(template.id, template.vendor, template.created_at)
    return (await _template_stats(session, [meta]))[0]


async def project_stats(session: AsyncSession, account: Account, ref: Ref) -> ProjectStats:
    project = await project_service.get(session, account, ref)
    rows = await _template_stats(session, await repository.project_templates(session, project.id))
    return ProjectStats(
        id=project.id,
        last_updated=max((row.last_updated for row in rows), default=project.created_at),
        templates=rows,
        total=sum(row.total for row in rows),
        installed=sum(row.installed for row in rows),
        uninstalled=sum(row.uninstalled for row in rows),
    )


async def _template_stats(
    session: AsyncSession, templates: Sequence[repository.TemplateMeta]
) -> list[TemplateStats]:
    counts = await repository.template_counts(session, [template.id for template in templates])
    out = []
    for template in templates:
        count = counts.get(template.id)
        out.append(
            TemplateStats(
                id=template.id,
                vendor=template.vendor,
                last_updated=count.updated_at if count is not None else template.created_at,
                total=count.total if count else 0,
                installed=count.installed if count else 0,
                uninstalled=count.uninstalled if count else 0,
            )
        )
    return out


async def template_activity(
    session: AsyncSession, account: Account, ref: Ref, start: str | None = None, end: str | None = None
) -> Activity:
    template = await template_service.get(session, account, ref)
    first, last = _range(start, end, since=template.created_at.date())
    activity = await _activity(session, [template.id], first, last)
    return activity.model_copy(update={"id": template.id, "vendor": template.vendor})


async def project_activity(
    session: AsyncSession, account: Account, ref: Ref, start: str | None = None, end: str | None = None
) -> Activity:
    project = await project_service.get(session, account, ref)
    first, last = _range(start, end, since=project.created_at.date())
    templates = await repository.project_templates(session, project.id)
    activity = await _activity(session, [template.id for template in templates], first, last)
    return activity.model_copy(update={"id": project.id})


def _range(start: str | None, end: str | None, *, since: date) -> tuple[date, date]:
    """The days asked for (``YYYY-MM-DD`` in the path), else from ``since`` to today (UTC)."""
    if start is None or end is None:
        today = utcnow().date()
        return min(since, today), today
    first, last = _day("startDate", start), _day("endDate", end)
    if last < first:
        raise _bad("endDate", "must not be before startDate")
    if (last - first).days >= MAX_DAYS:
        raise _bad("endDate", f"the range may span at most {MAX_DAYS} days")
    return first, last


def _day(name: str, text: str) -> date:
    try:
        if DAY.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise _bad(name, "must be a date written YYYY-MM-DD")


def _bad(name: str, message: str) -> ActivityRangeInvalid:
    return ActivityRangeInvalid(
        f"{name} {message}", details=[{"field": name, "location": "path", "message": message}]
    )


async def _activity(session: AsyncSession, template_ids: list[int], first: date, last: date) -> Activity:
    found = await repository.days(session, template_ids, first, last) if template_ids else {}
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    details = [
        {"date": _slashed(day), "activity": dict(zip(KINDS, found.get(day, (0, 0, 0)), strict=True))}
        for day in days
    ]
    summary = Counts(**{kind: sum(counts[n] for counts in found.values()) for n, kind in enumerate(KINDS)})
    return Activity.model_validate(
        {"id": 0, "start_date": _slashed(first), "end_date": _slashed(last), "summary": summary,
         "details": details}
    )  # fmt: skip


def _slashed(day: date) -> str:
    return day.strftime("%Y/%m/%d")


async def pass_stats(session: AsyncSession, account: Account, ref: Ref) -> PassStats:
    """The passes with this external id (or the one pass with this id), by template."""
    if ref.external_id is not None:
        rows = await repository.by_external_id(session, account.id, ref.external_id)
    else:
        assert ref.id is not None
        rows = await repository.by_pass_id(session, account.id, ref.id)
    if not rows:
        raise PassesNotFound(f"No pass {ref} was found")
    return PassStats(
        total=sum(row[1] for row in rows),
        installed=sum(row[2] for row in rows),
        uninstalled=sum(row[3] for row in rows),
        templates=[TemplateInstalls(id=t, installed=i, uninstalled=u) for t, _n, i, u in rows],
    )


async def tag_stats(session: AsyncSession, account: Account, name_or_id: str) -> TagStats:
    found = await repository.tag(session, account.id, name_or_id)
    if found is None:
        raise TagNotFound(f"Tag {name_or_id} was not found")
    total, installed, uninstalled = await repository.tag_counts(session, found.id)
    return TagStats(
        total=total,
        installed=installed,
        uninstalled=uninstalled,
        not_been_installed=total - installed - uninstalled,
        last_updated=utcnow(),
    )


async def rebuild(session: AsyncSession) -> counters.Tally:
    """Every counter recounted from the passes and registrations; the tally written."""
    tally = await counters.recount(session, platform_of)
    await counters.replace_all(session, tally, utcnow())
    return tally
