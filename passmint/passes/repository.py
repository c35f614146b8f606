"""SQL for passes, their locations and tags, always scoped to one account."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    Update,
    bindparam,
    delete,
    exists,
    func,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from passmint import changes
from passmint.kit.pagination import Direction, PageRequest, count, counting, page_of, window
from passmint.kit.sql import insert_for, insert_unless_taken, point_lookup, table_of
from passmint.kit.time import utcnow
from passmint.models import (
    DynamicLink,
    Journey,
    JourneyPass,
    Location,
    Pass,
    PassTag,
    Project,
    Registration,
    Tag,
    Template,
)
from passmint.passes.schemas import InstallStatus

_TEMPLATES_READ = "passmint.templates_read"
_Row = TypeVar("_Row")
SORT_COLUMNS = {"id": Pass.id, "createdAt": Pass.created_at, "updatedAt": Pass.updated_at}


def _status_filter(statement: Select[_Row], status: InstallStatus | None) -> Select[_Row]:
    if status is InstallStatus.INSTALLED:
        return statement.where(Pass.installed_at.is_not(None), Pass.uninstalled_at.is_(None))
    if status is InstallStatus.UNINSTALLED:
        return statement.where(Pass.uninstalled_at.is_not(None))
    if status is InstallStatus.BEEN_INSTALLED:
        return statement.where(Pass.installed_at.is_not(None))
    if status is InstallStatus.NOT_BEEN_INSTALLED:
        return statement.where(Pass.installed_at.is_(None))
    return statement


def carrying_tag(tag_id: int) -> ColumnElement[bool]:
    """The passes carrying the tag (through pass_tags' index on the tag), for ``page``'s ``where``."""
    return Pass.id.in_(select(PassTag.pass_id).where(PassTag.tag_id == tag_id))


async def page(
    session: AsyncSession,
    account_id: int,
    request: PageRequest,
    *,
    template_id: int | None = None,
    status: InstallStatus | None = None,
    where: ColumnElement[bool] | None = None,
) -> tuple[Sequence[Pass], int, dict[int, str]]:
    """One page of the account's passes, how many there are, and the vendor of each of their templates
    (read with the page)."""
    if where is None:  # the common listings: their statements are built once per shape
        counted, listed = _listing(status, template_id is not None, request.order, request.direction)
        params = {"account_id": account_id, "template_id": template_id} | window(request)
        total = int(await session.scalar(counted, params) or 0)
        rows = (await session.execute(listed, params)).all()
    else:
        statement = _status_filter(select(Pass).where(Pass.account_id == account_id, where), status)
        if template_id is not None:
            statement = statement.where(Pass.template_id == template_id)
        total = await count(session, statement)
        rows = (await session.execute(page_of(_with_vendor(statement), request, SORT_COLUMNS))).all()
    return [row[0] for row in rows], total, {row[0].template_id: row[1] for row in rows}


@functools.lru_cache(maxsize=128)
def _listing(
    status: InstallStatus | None, by_template: bool, order: str, direction: Direction
) -> tuple[Select[int], Select[Pass, str]]:
    """The count and the page (each pass with its template's vendor) of a listing of passes, with the
    account, the template, the offset and the limit as parameters."""
    statement = select(Pass).where(Pass.account_id == bindparam("account_id"))
    if by_template:
        statement = statement.where(Pass.template_id == bindparam("template_id"))
    statement = _status_filter(statement, status)
    shape = PageRequest(order=order, direction=direction)
    return counting(statement), page_of(_with_vendor(statement), shape, SORT_COLUMNS, bound=True)


def _with_vendor(statement: Select[Pass]) -> Select[Pass, str]:
    return statement.add_columns(Template.vendor).join(Template, Template.id == Pass.template_id)


async def extent(
    session: AsyncSession, condition: ColumnElement[bool], status: InstallStatus | None
) -> tuple[int, int]:
    """How many passes meet ``condition`` (and ``status``), and the highest id among them."""
    statement = _status_filter(select(Pass.id).where(condition), status).subquery()
    count, last = (await session.execute(select(func.count(), func.max(statement.c.id)))).one()
    return int(count), int(last or 0)


async def batch_where(
    session: AsyncSession,
    condition: ColumnElement[bool],
    *,
    after_id: int,
    last_id: int,
    status: InstallStatus | None,
    limit: int,
) -> Sequence[Pass]:
    """The next ``limit`` passes meeting ``condition`` in id order, in ``(after_id, last_id]``."""
    statement = select(Pass).where(condition, Pass.id > after_id, Pass.id <= last_id)
    statement = _status_filter(statement, status).order_by(Pass.id).limit(limit)
    return (await session.scalars(statement)).all()


async def templates_of(session: AsyncSession, account_id: int, project_id: int | None) -> Sequence[Template]:
    """The account's templates (``project_id``'s, when given), deleted ones too (their passes remain)."""
    statement = select(Template).where(Template.account_id == account_id)
    if project_id is not None:
        statement = statement.where(Template.project_id == project_id)
    return (await session.scalars(statement.order_by(Template.id))).all()


async def get(session: AsyncSession, account_id: int, pass_id: int) -> Pass | None:
    return await session.scalar(select(Pass).where(Pass.account_id == account_id, Pass.id == pass_id))


_WITH_TEMPLATE = point_lookup(
    select(Pass, Template, Project)
    .join(Template, Template.id == Pass.template_id)
    .join(Project, Project.id == Template.project_id)
    .where(Pass.account_id == bindparam("account_id"), Pass.id == bindparam("pass_id"))
)
"""A pass with its template and project. The statements of the hot paths are built once, with the
values as parameters, so SQLAlchemy reuses their compiled form and cache key on every request; those
that read one pass by a unique key are point lookups (``kit.sql.point_lookup``)."""
_VIEWED = point_lookup(
    select(Pass, Template)
    .join(Template, Template.id == Pass.template_id)
    .where(Pass.account_id == bindparam("account_id"), Pass.id == bindparam("pass_id"))
    .add_columns(
        select(func.count()).where(Registration.pass_id == Pass.id).scalar_subquery(),  # its installs
        exists().where(PassTag.pass_id == Pass.id),
        exists().where(Location.pass_id == Pass.id),
    )
)


class Viewed(NamedTuple):
    """A pass with its template and what printing it needs to know."""

    pass_: Pass
    template: Template
    installs: int
    has_tags: bool
    has_locations: bool


async def viewed(session: AsyncSession, account_id: int, pass_id: int) -> Viewed | None:
    """The account's pass ``pass_id`` with its template, its install count and whether it has
    tags and locations of its own, in one statement (tags and locations are read only if it has any)."""
    row = (await session.execute(_VIEWED, {"account_id": account_id, "pass_id": pass_id})).first()
    if row is None:
        return None
    return Viewed(row[0], row[1], int(row[2] or 0), bool(row[3]), bool(row[4]))


async def by_external_id(
    session: AsyncSession, account_id: int, external_id: str, *, template_ids: Sequence[int] | None = None
) -> Sequence[Pass]:
    statement = select(Pass).where(Pass.account_id == account_id, Pass.external_id == external_id)
    if template_ids is not None:
        statement = statement.where(Pass.template_id.in_(template_ids))
    return (await session.scalars(statement.order_by(Pass.id))).all()


async def in_template(session: AsyncSession, template_id: int, external_id: str) -> Pass | None:
    return await session.scalar(
        select(Pass).where(Pass.template_id == template_id, Pass.external_id == external_id)
    )


async def in_template_by_external_ids(
    session: AsyncSession, template_id: int, external_ids: Sequence[str]
) -> Sequence[Pass]:
    statement = select(Pass).where(Pass.template_id == template_id, Pass.external_id.in_(external_ids))
    return (await session.scalars(statement.order_by(Pass.id))).all()


async def by_public_token(session: AsyncSession, token: str) -> Pass | None:
    return await session.scalar(select(Pass).where(Pass.public_token == token))


async def template_of(session: AsyncSession, pass_: Pass) -> Template:
    """The pass's template, its project loaded with it (in one query)."""
    return (await template_and_project(session, pass_))[0]


async def template_and_project(session: AsyncSession, pass_: Pass) -> tuple[Template, Project]:
    """The pass's template and its project, in one query, once per transaction (the session keeps
    them: its identity map alone would drop them as soon as nothing else refers to them; a rollback,
    which expires them, makes them read again)."""
    memo: dict[int, tuple[Template, Project]] = session.info.setdefault(_TEMPLATES_READ, {})
    found = memo.get(pass_.template_id)
    if found is None or inspect(found[0]).expired or inspect(found[1]).expired:
        row = (
            await session.execute(
                select(Template, Project)
                .join(Project, Project.id == Template.project_id)
                .where(Template.id == pass_.template_id)
            )
        ).one()
        found = memo[pass_.template_id] = (row[0], row[1])
    return found


async def with_template(
    session: AsyncSession, account_id: int, pass_id: int
) -> tuple[Pass, Template, Project] | None:
    """The account's pass ``pass_id`` with its template and the template's project, in one query."""
    row = (await session.execute(_WITH_TEMPLATE, {"account_id": account_id, "pass_id": pass_id})).first()
    return None if row is None else (row[0], row[1], row[2])


async def rewrite(
    session: AsyncSession, pass_: Pass, values: dict[str, Any], image_digests: dict[str, str], now: datetime
) -> None:
    """Store the pass's new values and images, changed at ``now`` (one Core update, compiled once; the
    pass in the session shows them as stored); on SQLite it takes its change number in the same update
    (``changes.numbered_in_write``)."""
    changed = {"values": values, "image_digests": image_digests, "updated_at": now}
    statement = _rewrite(changes.numbered_in_write(session))
    await session.execute(
        statement, {"pass_id": pass_.id, **{f"new_{key}": value for key, value in changed.items()}}
    )
    changes.mark_numbered(session, pass_.id)
    for key, value in changed.items():
        set_committed_value(pass_, key, value)


_PASSES = table_of(Pass)


@functools.cache
def _rewrite(computed: tuple[tuple[str, ColumnElement[int]], ...]) -> Update:
    """``rewrite``'s update with the values it binds and the ``computed`` ones, built once for each."""
    bound: dict[str, ColumnElement[Any]] = {
        key: bindparam(f"new_{key}") for key in ("values", "image_digests", "updated_at")
    }
    return update(_PASSES).where(_PASSES.c.id == bindparam("pass_id")).values({**bound, **dict(computed)})


async def installs(session: AsyncSession, pass_id: int) -> int:
    """How many times the pass was installed: its registrations, ended or not."""
    count = await session.scalar(select(func.count()).where(Registration.pass_id == pass_id))
    return int(count or 0)


async def places(session: AsyncSession, pass_: Pass) -> Sequence[Location]:
    """The pass's own locations, else its template's (one query)."""
    rows = (
        await session.scalars(
            select(Location)
            .where(or_(Location.pass_id == pass_.id, Location.template_id == pass_.template_id))
            .order_by(Location.id)
        )
    ).all()
    own = [row for row in rows if row.pass_id == pass_.id]
    return own or [row for row in rows if row.template_id == pass_.template_id]


async def locations(session: AsyncSession, pass_id: int) -> Sequence[Location]:
    return (
        await session.scalars(select(Location).where(Location.pass_id == pass_id).order_by(Location.id))
    ).all()


async def replace_locations(session: AsyncSession, pass_id: int, data: list[dict[str, object]]) -> None:
    await session.execute(delete(Location).where(Location.pass_id == pass_id))
    await add_locations(session, pass_id, data)


async def add_locations(session: AsyncSession, pass_id: int, data: list[dict[str, object]]) -> None:
    session.add_all(Location(pass_id=pass_id, data=item) for item in data)
    await session.flush()


async def get_location(session: AsyncSession, pass_id: int, location_id: int) -> Location | None:
    return await session.scalar(
        select(Location).where(Location.pass_id == pass_id, Location.id == location_id)
    )


async def tag_names(session: AsyncSession, pass_id: int) -> list[str]:
    rows = await session.scalars(
        select(Tag.name)
        .join(PassTag, PassTag.tag_id == Tag.id)
        .where(PassTag.pass_id == pass_id)
        .order_by(Tag.name)
    )
    return list(rows)


async def set_tags(session: AsyncSession, account_id: int, pass_id: int, names: Sequence[str]) -> None:
    """Give the pass exactly these tags, creating the account's tags that do not exist yet (with
    ``ON CONFLICT``, so requests adding the same new tag at the same moment all succeed)."""
    wanted = sorted(set(names))  # one order for every request, so no two wait on each other's rows
    await session.execute(delete(PassTag).where(PassTag.pass_id == pass_id))
    if not wanted:
        return
    now = utcnow()
    new_tags = [{"account_id": account_id, "name": name, "created_at": now} for name in wanted]
    await session.execute(
        insert_for(session, Tag)
        .values(new_tags)
        .on_conflict_do_nothing(index_elements=["account_id", "name"])
    )
    tag_ids = await session.scalars(select(Tag.id).where(Tag.account_id == account_id, Tag.name.in_(wanted)))
    links = [{"pass_id": pass_id, "tag_id": tag_id} for tag_id in tag_ids]
    await session.execute(
        insert_for(session, PassTag)
        .values(links)
        .on_conflict_do_nothing(index_elements=["pass_id", "tag_id"])
    )


async def add_unless_taken(session: AsyncSession, row: Pass) -> Pass | None:
    """The stored pass, or None (nothing written) when its template has a pass with its external id;
    on SQLite it takes its change number in its insert (``changes.numbered_in_write``)."""
    stored = await insert_unless_taken(
        session, row, ("template_id", "external_id"), computed=changes.numbered_in_write(session)
    )
    if stored is not None:
        changes.mark_numbered(session, stored.id)
    return stored


async def remove(session: AsyncSession, row: Pass | Location) -> None:
    await session.delete(row)
    await session.flush()


async def add_link(session: AsyncSession, link: DynamicLink) -> None:
    session.add(link)
    await session.flush()


async def link(session: AsyncSession, link_id: uuid.UUID) -> DynamicLink | None:
    statement = select(DynamicLink).where(DynamicLink.id == link_id).execution_options(populate_existing=True)
    return await session.scalar(statement)


async def claim_link(session: AsyncSession, link_id: uuid.UUID, pass_id: int) -> bool:
    """Give the link its pass, unless another request already did (one conditional update)."""
    statement = (
        update(DynamicLink)
        .where(DynamicLink.id == link_id, DynamicLink.pass_id.is_(None))
        .values(pass_id=pass_id)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def journey_of(session: AsyncSession, pass_id: int) -> Journey | None:
    """The flight or event the pass shows, if any."""
    statement = select(Journey).join(JourneyPass, JourneyPass.journey_id == Journey.id)
    return (await session.scalars(statement.where(JourneyPass.pass_id == pass_id))).one_or_none()
