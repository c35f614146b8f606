"""Google clients: the service account and rate limit of a project, with the process's cached tokens."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.certificates.google_accounts import google_credential_key, project_google_account
from passmint.config import Settings
from passmint.googleapi.client import GoogleClient
from passmint.googleapi.tokens import Tokens
from passmint.models import Account, Project

_tokens: dict[str, Tokens] = {}


def tokens_for(settings: Settings) -> Tokens:
    """This process's token cache for the settings' token URL."""
    url = settings.google_token_url
    if url not in _tokens:
        _tokens[url] = Tokens(url)
    return _tokens[url]


async def project_client(
    session: AsyncSession, http: httpx.AsyncClient, account: Account, project: Project, settings: Settings
) -> GoogleClient:
    """The client that speaks for the project's Google credential (see ``project_google_account``)."""
    service_account = await project_google_account(session, account, project, settings)
    credential = await google_credential_key(session, account, project)
    assert session.bind is not None
    return GoogleClient(
        http=http,
        tokens=tokens_for(settings),
        account=service_account,
        credential=credential,
        api_url=settings.google_api_url,
        rps=settings.google_rps,
        bind=session.bind,
    )
