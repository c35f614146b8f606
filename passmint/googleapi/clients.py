"""Google clients: the service account and rate limit of a project, with the process's cached tokens."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.certificates.google_accounts import google_credential_key, project_google_account
from passmint.config import Settings
from passmint.googleapi.client import GoogleClient
from passmint.googleapi.tokens import Tokens
from passmint.models import Account, Project


def make_tokens(settings: Settings) -> Tokens:
    """A token cache for the settings' token URL: a worker's resource (``JobContext.resource``)."""
    return Tokens(settings.google_token_url)


async def project_client(
    session: AsyncSession,
    http: httpx.AsyncClient,
    account: Account,
    project: Project,
    settings: Settings,
    tokens: Tokens | None = None,
    *,
    claims_in_session: bool = False,
) -> GoogleClient:
    """The client that speaks for the project's Google credential (see ``project_google_account``),
    with ``tokens`` (a worker's cache) or a cache of its own. Its rate-limit claims commit on their
    own, or with the session's transaction when ``claims_in_session`` (a request that has written
    already: on SQLite a second transaction would wait for its lock)."""
    service_account = await project_google_account(session, account, project, settings)
    credential = await google_credential_key(session, account, project)
    assert session.bind is not None
    bind = await session.connection() if claims_in_session else session.bind
    return GoogleClient(
        http=http,
        tokens=tokens if tokens is not None else make_tokens(settings),
        account=service_account,
        credential=credential,
        api_url=settings.google_api_url,
        rps=settings.google_rps,
        bind=bind,
    )
