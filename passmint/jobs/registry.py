"""Job handlers by name, and the list of modules that define them."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.config import Settings

if TYPE_CHECKING:
    from passmint.pushes.clients import ApnsClients


@dataclass(frozen=True)
class JobContext:
    """What every handler of a worker shares: the settings in force, the one outbound HTTP client and
    the APNs clients."""

    settings: Settings
    http: httpx.AsyncClient
    apns: ApnsClients


Handler = Callable[[AsyncSession, dict[str, Any], JobContext], Awaitable[None]]

HANDLER_MODULES = (
    "passmint.passes.bulk",
    "passmint.callbacks.tasks",
    "passmint.pushes.tasks",
    "passmint.schedules.tasks",
)
"""Every module with ``@job`` handlers; the worker imports them all."""


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Handler
    max_attempts: int


_KINDS: dict[str, JobKind] = {}


def job(name: str, *, max_attempts: int = 8) -> Callable[[Handler], Handler]:
    """Register ``handler`` to run jobs called ``name``. It must be safe to run twice."""

    def register(handler: Handler) -> Handler:
        if name in _KINDS and _KINDS[name].handler is not handler:
            raise ValueError(f"two handlers for job '{name}'")
        _KINDS[name] = JobKind(name, handler, max_attempts)
        return handler

    return register


def kinds() -> dict[str, JobKind]:
    """Every registered kind of job, the handler modules imported first."""
    for module in HANDLER_MODULES:
        importlib.import_module(module)
    return dict(_KINDS)


def kind(name: str) -> JobKind | None:
    return kinds().get(name)
