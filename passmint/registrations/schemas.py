"""Wire models of the ``/v2`` registrations API (snake_case, as that API spells it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic.alias_generators import to_camel

from passmint.kit.schemas import ApiModel
from passmint.kit.time import UtcDateTime

DEFAULT_PER_PAGE = 200
MAX_PER_PAGE = 1000


class CampaignType(StrEnum):
    """A campaign is a project; its type is the Apple style its passes have."""

    COUPONS = "coupons"
    EVENT_TICKETS = "event_tickets"
    EVENT_TICKERS = "event_tickers"  # the reference's spelling
    BOARDING_PASSES = "boarding_passes"
    GENERICS = "generics"
    STORE_CARDS = "store_cards"


PROJECT_TYPES = {
    CampaignType.COUPONS: {"coupon"},
    CampaignType.EVENT_TICKETS: {"eventTicket"},
    CampaignType.EVENT_TICKERS: {"eventTicket"},
    CampaignType.BOARDING_PASSES: {"boardingPass"},
    CampaignType.GENERICS: {"generic"},
    CampaignType.STORE_CARDS: {"storeCard", "memberCard", "loyalty", "giftCard"},
}


@dataclass(frozen=True)
class RegistrationFilter:
    """Which registrations of a campaign to list, and which page of them."""

    start: date | None = None
    end: date | None = None
    show_ended: bool = False
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE


class LogRead(ApiModel):
    message: str
    created_at: UtcDateTime


class LogList(ApiModel):
    logs: list[LogRead]


class RegistrationRead(BaseModel):
    """One registration: a pass in a wallet app on a device, since ``created_at`` (until ``ended_at``)."""

    model_config = ConfigDict(from_attributes=True)

    id: Annotated[str, BeforeValidator(str)]
    pass_id: Annotated[str, BeforeValidator(str)]
    wallet: str
    device_os: str
    created_at: UtcDateTime
    ended_at: UtcDateTime | None = None


Base64Text = Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class GoogleSigningKey(BaseModel):
    """The intermediate key a Google callback is signed with, and the root keys' signatures of it."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    signed_key: Annotated[str, StringConstraints(min_length=1, max_length=4096)]
    signatures: Annotated[list[Base64Text], Field(min_length=1, max_length=16)]


class GoogleCallbackBody(BaseModel):
    """A save or delete callback as Google Wallet sends it (keys Google may add are ignored)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    signature: Base64Text
    intermediate_signing_key: GoogleSigningKey
    protocol_version: Annotated[str, StringConstraints(max_length=64)]
    signed_message: Annotated[str, StringConstraints(min_length=1, max_length=8192)]


class GoogleCallbackAnswer(BaseModel):
    """What passmint did with the callback: ``saved``, ``deleted``, ``replayed`` (a nonce seen before) or
    ``ignored`` (an object passmint did not make, or a delete of a pass Google Wallet does not hold)."""

    result: str
