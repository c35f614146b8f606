"""Requests racing for the same unique value: each answers what it would alone (never a 500).

Each test sends its requests at once over the real app (``asyncio.gather``); on the file SQLite
database and on PostgreSQL they interleave, so a read-then-insert would let two of them read
"free" and the second insert fail on the unique constraint.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable
from typing import Any

import httpx
from sqlalchemy import func, select

from passmint.db import Database
from passmint.models import CallbackSpec, Image, Tag
from tests.certificates.conftest import p12_upload
from tests.conftest import ApiClient
from tests.factories import (
    PROJECT,
    apple_template,
    create_pass,
    create_project,
    create_template,
    data_url,
    png,
)

CONCURRENT = 6


async def at_once(*requests: Awaitable[httpx.Response]) -> list[httpx.Response]:
    return list(await asyncio.gather(*requests))


def statuses(answers: list[httpx.Response]) -> Counter[int]:
    return Counter(answer.status_code for answer in answers)


async def test_passes_with_the_same_new_tag(api: ApiClient, database: Database) -> None:
    template_id = await create_template(api, (await create_project(api))["id"])
    body = {"tags": ["autumn", "vip"]}

    answers = await at_once(*(api.post(f"/v1/pass/{template_id}", json=body) for _ in range(CONCURRENT)))

    assert statuses(answers) == {200: CONCURRENT}, [a.text for a in answers]
    assert all(answer.json()["tags"] == ["autumn", "vip"] for answer in answers)
    async with database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Tag)) == 2


async def test_updates_giving_one_pass_tags(api: ApiClient) -> None:
    template_id = await create_template(api, (await create_project(api))["id"])
    pass_ = await create_pass(api, template_id)

    answers = await at_once(
        *(api.put(f"/v1/pass/{pass_['id']}", json={"tags": ["gold", f"t{n % 2}"]}) for n in range(CONCURRENT))
    )

    assert statuses(answers) == {200: CONCURRENT}, [a.text for a in answers]
    tags = (await api.get(f"/v1/pass/{pass_['id']}")).json()["tags"]
    assert tags in (["gold", "t0"], ["gold", "t1"])


async def test_projects_with_the_same_external_id(api: ApiClient) -> None:
    answers = await at_once(*(api.post("/v1/project/id/summer", json=PROJECT) for _ in range(CONCURRENT)))

    assert statuses(answers) == {200: 1, 409: CONCURRENT - 1}, [a.text for a in answers]
    refused = next(answer for answer in answers if answer.status_code == 409)
    assert refused.json()["error_code"] == "project_external_id_taken"
    assert (await api.get("/v1/project/id/summer")).status_code == 200


async def test_duplicates_of_a_project_with_an_external_id(api: ApiClient) -> None:
    project = await create_project(api, "/v1/project/id/summer")

    answers = await at_once(*(api.post(f"/v1/project/duplicate/{project['id']}") for _ in range(CONCURRENT)))

    assert statuses(answers) == {200: CONCURRENT}, [a.text for a in answers]
    names = sorted(answer.json()["externalId"] for answer in answers)
    assert names == sorted(["Copy_of_summer"] + [f"Copy_of_summer_{n}" for n in range(2, CONCURRENT + 1)])


async def test_templates_with_the_same_external_id(api: ApiClient) -> None:
    project = await create_project(api)
    body = apple_template()

    answers = await at_once(
        *(api.post(f"/v1/template/{project['id']}/id/loyalty", json=body) for _ in range(CONCURRENT))
    )

    assert statuses(answers) == {200: 1, 409: CONCURRENT - 1}, [a.text for a in answers]
    refused = next(answer for answer in answers if answer.status_code == 409)
    assert refused.json()["error_code"] == "template_external_id_taken"


async def test_passes_with_the_same_external_id(api: ApiClient) -> None:
    template_id = await create_template(api, (await create_project(api))["id"])

    answers = await at_once(
        *(api.post(f"/v1/pass/{template_id}/id/member-1", json={}) for _ in range(CONCURRENT))
    )

    assert statuses(answers) == {200: 1, 409: CONCURRENT - 1}, [a.text for a in answers]
    refused = next(answer for answer in answers if answer.status_code == 409)
    assert refused.json()["error_code"] == "pass_external_id_taken"
    listed = (await api.get(f"/v1/pass/template/{template_id}/id/member-1")).json()
    assert listed["externalId"] == "member-1"


async def test_templates_with_the_same_new_image(api: ApiClient, database: Database) -> None:
    project = await create_project(api)
    image = data_url(png(31, 31, (1, 2, 3)))
    body = apple_template()
    body["headers"]["icon_image"]["value"] = image

    answers = await at_once(
        *(api.post(f"/v1/template/{project['id']}", json=body) for _ in range(CONCURRENT))
    )

    assert statuses(answers) == {200: CONCURRENT}, [a.text for a in answers]
    async with database.transaction() as session:
        digests: Any = (await session.scalars(select(Image.digest))).all()
    assert len(digests) == len(set(digests)) == 2  # the new icon and the template's logo, once each


async def test_a_refused_template_leaves_no_image_behind(api: ApiClient, database: Database) -> None:
    project = await create_project(api)
    body = apple_template()
    body["headers"]["icon_image"]["value"] = data_url(png(33, 33, (3, 2, 1)))
    body["headers"]["logo_image"]["value"] = data_url(b"not an image")

    response = await api.post(f"/v1/template/{project['id']}", json=body)

    assert response.status_code == 400
    async with database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Image)) == 0


async def test_the_same_certificate_uploaded_several_times_at_once(api: ApiClient) -> None:
    upload = p12_upload("pass.com.example.races", "TEAM000001")
    body = {"certificate": upload.certificate, "password": upload.password}

    answers = await at_once(*(api.post("/v1/certificates", json=body) for _ in range(CONCURRENT)))

    assert statuses(answers) == {201: 1, 200: CONCURRENT - 1}, [a.text for a in answers]
    assert len({answer.json()["id"] for answer in answers}) == 1
    listed = (await api.get("/v1/certificates")).json()
    assert listed["count"] == 1 and listed["certificates"][0]["default"] is True


async def test_callback_specs_for_one_project(api: ApiClient, database: Database) -> None:
    project_id = (await create_project(api))["id"]
    body = {"baseUrl": "https://hooks.example.com/callbacks"}

    answers = await at_once(
        *(api.post(f"/v1/project/{project_id}/settings/callback", json=body) for _ in range(CONCURRENT))
    )

    assert statuses(answers) == {200: 1, 409: CONCURRENT - 1}, [a.text for a in answers]
    async with database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(CallbackSpec)) == 1
