"""A phone's requests to Apple's web service, shared by the benchmarks that load those paths.

``WebService`` sends the three hot requests of Apple's protocol (register a device, list updatable
passes, latest pass) to any server speaking it under ``prefix``: passmint (``/apple/v1``) or a peer; its
``requests`` describe them for wrk as well (``wrk.Requests``).
``passmint_phones`` sets passmint up for them through its API: passes, their authentication tokens,
devices registered for them, and each pass fetched once (as the phone installing it did).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import httpx

from benchmarks.wrk import JSON, Requests

PASS_TYPE = "pass.dev.passmint"
"""The pass type identifier of passes signed by the development certificate."""


@dataclass
class WebService:
    """Requests to Apple's web service of ``client``'s server; each takes the request's index."""

    client: httpx.AsyncClient
    passes: Sequence[tuple[str, str]]
    """(serial number, authentication token) of the passes requested."""
    devices: int
    """Devices ``device-0`` .. ``device-{devices - 1}`` are registered for some of them."""
    prefix: str = "/apple/v1"
    pass_type: str = PASS_TYPE
    _new: itertools.count[int] = field(default_factory=itertools.count)

    @cached_property
    def requests(self) -> dict[str, Requests]:
        """The three requests, for httpx or wrk: the n-th ``register`` is device ``new-device-{n}``, seen
        for the first time, registering pass n; the n-th ``updatable`` asks for device n's passes that
        changed (no tag: all of them); the n-th ``latest`` asks for pass n's latest version."""
        devices = f"{self.prefix}/devices"
        new = f"{devices}/new-device-{{n}}/registrations/{self.pass_type}"
        tokens = [(serial, {"Authorization": f"ApplePass {token}"}) for serial, token in self.passes]
        registered = range(self.devices)
        return {
            "register": Requests(
                "POST",
                [(f"{new}/{serial}", JSON | token) for serial, token in tokens],
                json.dumps({"pushToken": "push-new-device-{n}"}),
            ),
            "updatable": Requests(
                "GET", [(f"{devices}/device-{k}/registrations/{self.pass_type}", {}) for k in registered]
            ),
            "latest": Requests(
                "GET",
                [(f"{self.prefix}/passes/{self.pass_type}/{serial}", token) for serial, token in tokens],
            ),
        }

    async def register(self, index: int) -> httpx.Response:
        """A device seen for the first time registers a pass (a new registration: 201)."""
        return await self.requests["register"].send(self.client, next(self._new))

    async def updatable(self, index: int) -> httpx.Response:
        """Device ``index`` asks which of its passes changed (no tag: all of them)."""
        return await self.requests["updatable"].send(self.client, index)

    async def latest(self, index: int) -> httpx.Response:
        """The latest version of pass ``index``."""
        return await self.requests["latest"].send(self.client, index)


async def passmint_phones(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, pass_ids: Sequence[int], devices: int
) -> WebService:
    """Passes ``pass_ids`` with device ``device-{k % devices}`` registered for the k-th, each fetched
    once by its device: the requests of ``anonymous`` to passmint's web service."""
    passes = []
    for pass_id in pass_ids:
        shown = (await api.get(f"/v1/pass/{pass_id}/viewJSONPass")).raise_for_status().json()
        passes.append((shown["serialNumber"], shown["authenticationToken"]))
    phones = WebService(anonymous, passes, devices)
    for index, (serial, token) in enumerate(passes):
        device = f"device-{index % devices}"
        (
            await anonymous.post(
                f"/apple/v1/devices/{device}/registrations/{PASS_TYPE}/{serial}",
                json={"pushToken": f"push-{device}"},
                headers={"Authorization": f"ApplePass {token}"},
            )
        ).raise_for_status()
        (await phones.latest(index)).raise_for_status()
    return phones
