"""SQL of a pass's signed file: the one lookup that finds a pass by its address (an id, an external id,
a public link's token) with the versions of everything its signed file is made from
(``wallets.repository.signed_statement``), which is all a download of an unchanged pass needs."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Select, bindparam
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.kit.refs import PassLocator
from passmint.kit.sql import point_lookup
from passmint.models import Pass, Template
from passmint.wallets.repository import Signed, signed_statement
from passmint.wallets.repository import signed as rows


async def at(session: AsyncSession, account_id: int, locator: PassLocator) -> Signed | None:
    """The account's pass at ``locator`` with the versions of all its signed file is made from, in one
    statement (by its id, its template's id or external id and its own, or its external id alone; see
    ``wallets.repository.signed_statement``); None when there is none, or several by external id alone."""
    values: dict[str, object] = {"account_id": account_id, "external_id": locator.external_id}
    if locator.pass_id is not None:
        statement, values["pass_id"] = _by_id(), locator.pass_id
    elif locator.template is not None:
        by_external_id = locator.template.external_id is not None
        statement = _in_template(by_external_id)
        values["template"] = locator.template.external_id if by_external_id else locator.template.id
    else:
        statement = _by_external_id()
    found = await rows(session, statement, values, most=2)
    return found[0] if len(found) == 1 else None


async def by_public_token(session: AsyncSession, token: str) -> Signed | None:
    """The pass behind a public link with the versions of its signed file (one statement, by the token's
    unique index)."""
    found = await rows(session, _by_token(), {"token": token})
    return found[0] if found else None


@functools.cache
def _by_id() -> Select[Any]:
    where = (Pass.account_id == bindparam("account_id"), Pass.id == bindparam("pass_id"))
    return point_lookup(signed_statement(*where))


@functools.cache
def _in_template(by_external_id: bool) -> Select[Any]:
    """A pass by its template (named by id or, ``by_external_id``, by external id; not deleted) and its
    own external id."""
    template = Template.external_id if by_external_id else Template.id
    return point_lookup(
        signed_statement(
            Template.account_id == bindparam("account_id"),
            Template.deleted_at.is_(None),
            template == bindparam("template"),
            Pass.external_id == bindparam("external_id"),
        )
    )


@functools.cache
def _by_external_id() -> Select[Any]:
    """No point lookup: no unique index holds an account's external ids (SQLite reads them through the
    account's passes)."""
    where = (Pass.account_id == bindparam("account_id"), Pass.external_id == bindparam("external_id"))
    return signed_statement(*where).limit(2)


@functools.cache
def _by_token() -> Select[Any]:
    return point_lookup(signed_statement(Pass.public_token == bindparam("token")))
