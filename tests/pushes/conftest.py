"""Fixtures for pushes: the APNs stand-in trusting the development certificate, and devices holding passes."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import insert

from passmint.app import outbound_client
from passmint.certificates.signers import DEV_PASS_TYPE_ID, dev_signer
from passmint.config import Settings
from passmint.db import Database
from passmint.jobs.registry import JobContext
from passmint.models import Device, Registration
from tests.pushes.apns_standin import ApnsStandIn


def dev_ca(settings: Settings) -> bytes:
    """The development CA and WWDR stand-in, which issued the development Pass Type ID certificate."""
    dev_signer(settings.data_dir)
    directory = settings.data_dir / "dev-certs"
    return (directory / "wwdr.pem").read_bytes() + (directory / "ca.pem").read_bytes()


@pytest.fixture
async def apns(settings: Settings) -> AsyncIterator[ApnsStandIn]:
    async with ApnsStandIn(dev_ca(settings)) as standin:
        yield standin


def pushing_to(settings: Settings, standin: ApnsStandIn) -> Settings:
    return settings.model_copy(
        update={
            "apns_url": standin.url,
            "apns_ca_file": Path(standin.ca_file),
            "allow_private_networks": True,
        }
    )


@pytest.fixture
async def push_context(settings: Settings, apns: ApnsStandIn) -> AsyncIterator[JobContext]:
    """A worker's context whose pushes go to the stand-in."""
    settings = pushing_to(settings, apns)
    async with outbound_client() as http:
        context = JobContext(settings, http)
        yield context
        await context.aclose()


async def hold(database: Database, pass_ids: Sequence[int], *, prefix: str = "device") -> list[str]:
    """Register one new device for each pass (as the web service would); their push tokens."""
    tokens = [f"{prefix}-{pass_id}-{uuid.uuid4().hex[:8]}" for pass_id in pass_ids]
    async with database.transaction() as session:
        devices = await session.execute(
            insert(Device).returning(Device.push_token, Device.id),
            [{"device_library_identifier": token, "push_token": token} for token in tokens],
        )
        device_ids = {token: device_id for token, device_id in devices}
        rows = [
            {
                "id": uuid.uuid4(),
                "pass_id": pass_id,
                "device_id": device_ids[token],
                "pass_type_identifier": DEV_PASS_TYPE_ID,
                "wallet": "passbook",
                "device_os": "ios",
            }
            for pass_id, token in zip(pass_ids, tokens, strict=True)
        ]
        await session.execute(insert(Registration), rows)
    return tokens
