"""The application: routers, middleware, error rendering and the resources that live as long as it."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx
from fastapi import APIRouter, Depends, FastAPI

from passmint import __version__, changes, http_errors, openapi
from passmint.accounts.cache import KeyCache
from passmint.callbacks import tasks as callbacks_tasks
from passmint.callbacks.endpoints import router as callbacks_router
from passmint.certificates.endpoints import router as certificates_router
from passmint.config import Settings, load_settings
from passmint.db import BeforeCommit, Database
from passmint.deps import check_api_request
from passmint.dispatch import PrefixDispatch
from passmint.googleapi import planning as google_planning
from passmint.googleapi import service as googleapi_service
from passmint.googleapi import tasks as googleapi_tasks
from passmint.googleapi.endpoints import router as google_messages_router
from passmint.jobs.registry import JobContext
from passmint.jobs.worker import Worker
from passmint.journeys import endpoints as journeys
from passmint.journeys import tasks as journeys_tasks
from passmint.kept_files import KeptFiles
from passmint.links import endpoints as links
from passmint.middleware import Authenticate, BodyLimit, RequestLog, body_limits
from passmint.nfc.endpoints import router as nfc_router
from passmint.notifications.endpoints import router as notifications_router
from passmint.passes import endpoints as passes
from passmint.passes import tasks as passes_tasks
from passmint.projects.endpoints import router as projects_router
from passmint.pushes import planning as push_planning
from passmint.pushes import tasks as pushes_tasks
from passmint.registrations.endpoints import logs as registration_logs
from passmint.registrations.endpoints import router as registrations_v2
from passmint.registrations.google_callbacks import router as google_callbacks
from passmint.registrations.webservice import router as apple_web_service
from passmint.routing import refuse_unstorable_parameters
from passmint.schedules import tasks as schedules_tasks
from passmint.schedules.endpoints import router as schedules_router
from passmint.segments.endpoints import router as segments_router
from passmint.stats.endpoints import router as stats_router
from passmint.system.endpoints import router as system_router
from passmint.system.images import router as images_router
from passmint.tags import endpoints as tags
from passmint.templates import endpoints as templates
from passmint.tickets.endpoints import router as tickets_router
from passmint.wallets.google import insert_objects_with

V1_ROUTERS: list[APIRouter] = [
    projects_router,
    templates.router,
    templates.documents,
    passes.templates,
    passes.router,
    passes.public,
    links.router,
    links.public,
    registration_logs,
    certificates_router,
    callbacks_router,
    notifications_router,
    google_messages_router,
    schedules_router,
    tags.passes,
    tags.router,
    segments_router,
    tickets_router,
    system_router,
    stats_router,
    nfc_router,
    journeys.flights,
    journeys.events,
]

BEFORE_COMMIT: tuple[BeforeCommit, ...] = (
    changes.Publisher(push_planning.after_change, google_planning.after_change),
)
"""What every transaction does just before it commits, in the same transaction: a change to passes is
handed to each subscriber of the change clock (the pushes that tell phones), then numbered. A
subscriber added here (Google Wallet updates, say) follows every change, from the API and from jobs."""


insert_objects_with(googleapi_service.insert_objects_now)  # save links too long to carry their objects


def open_database(url: str) -> Database:
    """The database with ``BEFORE_COMMIT`` in force: what the app, the worker and the CLI open."""
    return Database(url, before_commit=BEFORE_COMMIT)


JOB_KINDS = (passes_tasks, callbacks_tasks, pushes_tasks, schedules_tasks, googleapi_tasks, journeys_tasks)
"""The modules that declare the kinds of job (a payload and its handler): a worker runs these."""

HTTP_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
"""Outbound requests (images, callbacks, Google): every call has a deadline."""


def outbound_client() -> httpx.AsyncClient:
    """The client for every outbound request: no redirects followed for us (each hop is checked by
    its caller), no proxy settings from the environment, and no cookies kept between requests."""
    return httpx.AsyncClient(
        timeout=HTTP_TIMEOUT,
        follow_redirects=False,
        trust_env=False,
        cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])),
    )


DESCRIPTION = """\
A self-hostable Apple Wallet and Google Wallet pass platform. The `/v1` API follows the Airship
Wallet API reference: authenticate with `Authorization: Basic base64(key:secret)` using a key from
`passmint keys create`, and send `Api-Revision: 1.2` (a request without it is read as 1.2).
Every error answers `{"error": "...", "error_code": "...", "details": ...}`.
"""


def settle_heap() -> None:
    """Collect what startup left behind, then keep every object still alive (modules, routes, models,
    settings) out of all later collections (``gc.freeze``): a full collection then scans only what
    requests made. Without it, full collections under load stopped the process for about 100 ms every
    few seconds, which was the p99 of every path (issue 13; docs/decisions.md)."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The passmint ASGI application (``uvicorn --factory passmint.app:create_app``)."""
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = open_database(settings.database)
        app.state.http = outbound_client()
        stop = asyncio.Event()
        worker = None
        context = JobContext(settings, app.state.http)
        if settings.embedded_worker:
            jobs = Worker(app.state.db, context)
            worker = asyncio.create_task(jobs.run_forever(stop))
        settle_heap()
        try:
            yield
        finally:
            stop.set()
            if worker is not None:
                await worker
            await context.aclose()
            await app.state.http.aclose()
            await app.state.db.dispose()

    app = FastAPI(
        title="passmint",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.key_cache = KeyCache(settings.api_key_cache_seconds)
    routes = PrefixDispatch.install(app.router)  # a request meets only the routes under its path
    for router in V1_ROUTERS:
        routes.include_router(
            router,
            prefix="/v1",
            dependencies=[Depends(check_api_request)],  # the parameters' check and Api-Revision's, in one
            responses=http_errors.documented(400, 401, 404),
        )
    # the reference's /templates examples leave out /v1
    checked = [Depends(refuse_unstorable_parameters)]  # every route's parameters, as check_api_request does
    routes.include_router(
        templates.documents, dependencies=checked, responses=http_errors.documented(400, 401, 404)
    )
    for router in (apple_web_service, google_callbacks, registrations_v2, images_router):
        routes.include_router(router, dependencies=checked)
    http_errors.install(app)
    openapi.install(app)
    app.add_middleware(KeptFiles)  # the last added runs first: RequestLog, BodyLimit, Authenticate, KeptFiles
    app.add_middleware(Authenticate)
    app.add_middleware(BodyLimit, limit_for=body_limits(settings))
    app.add_middleware(RequestLog)
    return app
