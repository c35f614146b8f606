"""Registrations under concurrency: a phone adding several passes at once, and a phone retrying."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import func, select

from passmint.db import Database
from passmint.models import Device, Job, Registration
from tests.conftest import ApiClient
from tests.factories import create_pass, create_project, create_template

PASS_TYPE = "pass.dev.passmint"
CONCURRENT = 8


async def _with_token(api: ApiClient, pass_: dict[str, Any]) -> tuple[dict[str, Any], str]:
    token = (await api.get(f"/v1/pass/{pass_['id']}/viewJSONPass")).json()["authenticationToken"]
    return pass_, token


def _register(
    client: httpx.AsyncClient, device: str, pass_: dict[str, Any], token: str, push_token: str
) -> Any:
    path = f"/apple/v1/devices/{device}/registrations/{PASS_TYPE}/{pass_['serialNumber']}"
    return client.post(path, json={"pushToken": push_token}, headers={"Authorization": f"ApplePass {token}"})


async def test_one_device_registers_many_passes_at_once(
    api: ApiClient, anonymous: httpx.AsyncClient, database: Database
) -> None:
    template_id = await create_template(api, (await create_project(api))["id"])
    passes = [await _with_token(api, await create_pass(api, template_id)) for _ in range(CONCURRENT)]

    answers = await asyncio.gather(
        *(
            _register(anonymous, "phone-1", pass_, token, f"push-{n}")
            for n, (pass_, token) in enumerate(passes)
        )
    )

    assert [answer.status_code for answer in answers] == [201] * CONCURRENT, [a.text for a in answers]
    async with database.transaction() as session:
        devices = (await session.scalars(select(Device))).all()
        count = await session.scalar(select(func.count()).select_from(Registration))
    assert len(devices) == 1 and devices[0].push_token in {f"push-{n}" for n in range(CONCURRENT)}
    assert count == CONCURRENT
    for pass_, _token in passes:
        assert (await api.get(f"/v1/pass/{pass_['id']}")).json()["status"] == "installed"


async def test_the_same_registration_sent_several_times_at_once(
    api: ApiClient, anonymous: httpx.AsyncClient, database: Database
) -> None:
    template_id = await create_template(api, (await create_project(api))["id"])
    pass_, token = await _with_token(api, await create_pass(api, template_id))

    answers = await asyncio.gather(
        *(_register(anonymous, "phone-1", pass_, token, "push") for _ in range(CONCURRENT))
    )

    assert sorted(answer.status_code for answer in answers) == [200] * (CONCURRENT - 1) + [201]
    async with database.transaction() as session:
        active = await session.scalar(
            select(func.count()).select_from(Registration).where(Registration.ended_at.is_(None))
        )
    assert active == 1


def _unregister(client: httpx.AsyncClient, device: str, pass_: dict[str, Any], token: str) -> Any:
    path = f"/apple/v1/devices/{device}/registrations/{PASS_TYPE}/{pass_['serialNumber']}"
    return client.delete(path, headers={"Authorization": f"ApplePass {token}"})


async def _uninstall_callbacks(database: Database) -> int:
    async with database.transaction() as session:
        jobs = (await session.scalars(select(Job).where(Job.name == "callbacks.deliver"))).all()
    return sum(job.payload["path"].endswith("/uninstall") for job in jobs)


async def test_every_device_unregistering_at_once_uninstalls_the_pass_once(
    api: ApiClient, anonymous: httpx.AsyncClient, database: Database
) -> None:
    project = await create_project(api)
    await api.post(
        f"/v1/project/{project['id']}/settings/callback", json={"baseUrl": "https://hooks.example.com"}
    )
    pass_, token = await _with_token(api, await create_pass(api, await create_template(api, project["id"])))
    devices = [f"phone-{n}" for n in range(CONCURRENT)]
    for device in devices:
        assert (await _register(anonymous, device, pass_, token, "push")).status_code == 201

    answers = await asyncio.gather(
        *(_unregister(anonymous, device, pass_, token) for device in devices),
        *(_unregister(anonymous, device, pass_, token) for device in devices),  # and each again
    )

    assert {answer.status_code for answer in answers} == {200}
    assert (await api.get(f"/v1/pass/{pass_['id']}")).json()["status"] == "uninstalled"
    assert await _uninstall_callbacks(database) == 1


async def test_a_registration_racing_the_last_unregistration_leaves_the_pass_installed(
    api: ApiClient, anonymous: httpx.AsyncClient
) -> None:
    template_id = await create_template(api, (await create_project(api))["id"])
    pass_, token = await _with_token(api, await create_pass(api, template_id))
    for _round in range(5):
        await _register(anonymous, "leaving", pass_, token, "push")
        answers = await asyncio.gather(
            _unregister(anonymous, "leaving", pass_, token),
            _register(anonymous, "arriving", pass_, token, "push"),
        )
        assert [answer.status_code for answer in answers] == [200, 201]
        assert (await api.get(f"/v1/pass/{pass_['id']}")).json()["status"] == "installed"
        assert (await _unregister(anonymous, "arriving", pass_, token)).status_code == 200
