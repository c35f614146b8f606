"""Kinds of job, each a payload type and its handler, and what a worker hands every handler.

A domain declares a kind in its ``tasks.py``: a ``Payload`` subclass naming the kind, and the handler
registered for it with ``@job``. Its payloads are queued with ``queue.enqueue`` and checked against the
type when a job is read. This package imports no domain: a domain's long-lived resource (the pushes'
APNs connections, say) is made by the domain, through ``JobContext.resource``, on first use.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Protocol, TypeVar, cast

import httpx
from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.config import Settings


class Payload(BaseModel):
    """What a job of one kind carries: plain JSON with ids (a handler reloads what it needs)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: ClassVar[str]
    """The kind's name, ``"<domain>.<verb>"``; set by each subclass."""


class Resource(Protocol):
    async def aclose(self) -> None: ...


P = TypeVar("P", bound=Payload)
R = TypeVar("R", bound=Resource)


@dataclass(frozen=True)
class JobContext:
    """What every handler of a worker shares: the settings in force, the one outbound HTTP client, and
    the long-lived resources the domains made (``resource``), closed by ``aclose``."""

    settings: Settings
    http: httpx.AsyncClient
    _resources: dict[object, Resource] = field(default_factory=dict, repr=False, compare=False)

    def resource(self, make: Callable[[Settings], R]) -> R:
        """This worker's one resource made by ``make`` (from the settings, on first use)."""
        found = self._resources.get(make)
        if found is None:
            found = self._resources[make] = make(self.settings)
        return cast(R, found)

    async def aclose(self) -> None:
        resources = list(self._resources.values())
        self._resources.clear()
        await asyncio.gather(*(resource.aclose() for resource in resources))


Handler = Callable[[AsyncSession, P, JobContext], Awaitable[None]]


@dataclass(frozen=True)
class JobKind(Generic[P]):
    name: str
    payload: type[P]
    handler: Handler[P]
    max_attempts: int


_KINDS: dict[str, JobKind[Any]] = {}


def job(payload: type[P], *, max_attempts: int = 8) -> Callable[[Handler[P]], Handler[P]]:
    """Register ``handler`` to run jobs of ``payload``'s kind. It must be safe to run twice."""

    def register(handler: Handler[P]) -> Handler[P]:
        name = payload.kind
        known = _KINDS.get(name)
        if known is not None and (known.handler is not handler or known.payload is not payload):
            raise ValueError(f"two handlers for job '{name}'")
        _KINDS[name] = JobKind(name, payload, handler, max_attempts)
        return handler

    return register


def kinds() -> dict[str, JobKind[Any]]:
    """Every registered kind of job (registered when the domains' ``tasks`` modules are imported)."""
    return dict(_KINDS)


def kind(name: str) -> JobKind[Any] | None:
    return _KINDS.get(name)
