"""Dependencies every API route uses: the transaction, settings, the calling account, paging.

No ``from __future__ import annotations`` here: FastAPI reads these signatures at run time, and
``page_params`` builds its parameters from a local variable.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Annotated

import httpx
from fastapi import Depends, Header, Query, Request
from fastapi.security import HTTPBasic
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.accounts import service as account_service
from passmint.accounts.cache import KeyCache
from passmint.accounts.errors import MissingCredentials
from passmint.config import Settings
from passmint.db import Database
from passmint.errors import InvalidInput
from passmint.images.sources import ImageSource
from passmint.kit.ids import Id
from passmint.kit.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Direction, PageRequest
from passmint.models import Account
from passmint.routing import refuse_unstorable_parameters

API_REVISIONS = ("1.2",)


class UnsupportedApiRevision(InvalidInput):
    code = "unsupported_api_revision"


class InvalidQuery(InvalidInput):
    code = "invalid_request"


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's transaction: committed before the response is sent, rolled back on any error."""
    async with get_database(request).transaction() as session:
        yield session


def get_database(request: Request) -> Database:
    database: Database = request.app.state.db
    return database


def get_key_cache(request: Request) -> KeyCache:
    """The API keys this process verified a few seconds ago (``PASSMINT_API_KEY_CACHE_SECONDS``)."""
    cache: KeyCache = request.app.state.key_cache
    return cache


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_http_client(request: Request) -> httpx.AsyncClient:
    """The application's one outbound HTTP client (swap its transport in tests)."""
    client: httpx.AsyncClient = request.app.state.http
    return client


async def get_image_source(request: Request) -> ImageSource:
    """Image URLs are fetched with the shared client, under PASSMINT_ALLOW_PRIVATE_NETWORKS."""
    return ImageSource(get_http_client(request), get_settings(request).allow_private_networks)


async def _http_client(request: Request) -> httpx.AsyncClient:
    return get_http_client(request)


async def _settings(request: Request) -> Settings:
    return get_settings(request)


async def _database(request: Request) -> Database:
    return get_database(request)


# Every dependency is a coroutine function: FastAPI runs a plain function in a worker thread, a hop
# that costs more than any of these does (tests/test_routing.py checks every route's).
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
HttpClientDep = Annotated[httpx.AsyncClient, Depends(_http_client)]
ImageSourceDep = Annotated[ImageSource, Depends(get_image_source)]
SettingsDep = Annotated[Settings, Depends(_settings)]
DatabaseDep = Annotated[Database, Depends(_database)]

basic_auth = HTTPBasic(
    auto_error=False,
    realm="passmint",
    description="An API key and its secret, as printed by `passmint keys create`.",
)


class _AccountScheme(HTTPBasic):
    """The calling account, as a dependency that is also the API's documented security scheme (HTTP
    Basic): one dependency to solve per request where a separate scheme dependency would add another."""

    async def __call__(self, request: Request) -> Account:  # type: ignore[override]
        """The account whose key and secret came in ``Authorization: Basic``, as it was loaded when they
        were checked (maybe a few seconds ago, ``KeyCache``): detached, read only (an account has no
        relationships, and a route reads its columns; merging it into the request's session cost about
        as much as the route's own lookup).

        ``middleware.Authenticate`` has usually checked them already, before the body was read, and left
        the account in the request's state; otherwise they are checked here, the same way.
        """
        checked = getattr(request.state, "account", None)
        return checked if isinstance(checked, Account) else await authenticate_request(request)


current_account = _AccountScheme(
    scheme_name="HTTPBasic",  # the name FastAPI gives ``basic_auth``'s scheme in the OpenAPI document
    auto_error=False,
    realm=basic_auth.realm,
    description=basic_auth.model.description,
)


async def authenticate_request(request: Request) -> Account:
    """The account of a request's ``Authorization: Basic`` credentials, checked in a transaction of its
    own (so before FastAPI reads the body) unless this process verified the same key and secret in the
    last ``PASSMINT_API_KEY_CACHE_SECONDS``; ``Unauthenticated`` (or a 401 ``HTTPException`` for a
    malformed header) when they are missing or wrong."""
    credentials = await basic_auth(request)
    if credentials is None:
        raise _missing_credentials()
    key, secret = credentials.username, credentials.password
    cache = get_key_cache(request)
    account = cache.get(key, secret)
    if account is None:
        async with get_database(request).transaction() as session:
            account = await account_service.authenticate(session, key, secret)
        cache.put(key, secret, account)
    return account


def _missing_credentials() -> MissingCredentials:
    return MissingCredentials("Authentication required: send 'Authorization: Basic base64(key:secret)'")


AccountDep = Annotated[Account, Depends(current_account)]


ApiRevisionHeader = Annotated[
    str | None,
    Header(
        alias="Api-Revision",
        description="`1.2`; a request without it is read as 1.2.",
        json_schema_extra={"enum": list(API_REVISIONS)},
    ),
]


async def check_api_revision(api_revision: ApiRevisionHeader = None) -> None:
    """Refuse an ``Api-Revision`` other than the one this API speaks; a missing header means 1.2."""
    if api_revision is not None and api_revision.strip() not in API_REVISIONS:
        raise UnsupportedApiRevision(
            f"Api-Revision '{api_revision}' is not supported; this server speaks {', '.join(API_REVISIONS)}",
            details=[{"field": "Api-Revision", "location": "header", "message": "supported: 1.2"}],
        )


async def check_api_request(request: Request, api_revision: ApiRevisionHeader = None) -> None:
    """What every ``/v1`` request is checked for, in one dependency (each costs a solve per request): its
    path and query parameters (``routing.refuse_unstorable_parameters``), then its ``Api-Revision``."""
    await refuse_unstorable_parameters(request)
    await check_api_revision(api_revision)


def _query_error(field: str, message: str) -> InvalidQuery:
    return InvalidQuery(
        f"Invalid request. {field}: {message}",
        details=[{"field": field, "location": "query", "message": message}],
    )


def page_params(orders: Sequence[str]) -> Callable[..., Awaitable[PageRequest]]:
    """A dependency reading ``page``, ``pageSize``, ``order`` (one of ``orders``) and ``direction``."""

    async def dependency(
        page: Annotated[Id, Query(description="The page to return, starting at 1.")] = 1,
        page_size: Annotated[
            int, Query(alias="pageSize", ge=1, le=MAX_PAGE_SIZE, description="Results per page.")
        ] = DEFAULT_PAGE_SIZE,
        order: Annotated[
            str, Query(json_schema_extra={"enum": list(orders)}, description="Sort key.")
        ] = "id",
        direction: Annotated[str, Query(json_schema_extra={"enum": ["ASC", "DESC"]})] = "DESC",
    ) -> PageRequest:
        if order not in orders:
            raise _query_error("order", f"must be one of {', '.join(orders)}")
        if direction.upper() not in Direction.__members__:
            raise _query_error("direction", "must be ASC or DESC")
        return PageRequest(
            page=page, page_size=page_size, order=order, direction=Direction(direction.upper())
        )

    return dependency
