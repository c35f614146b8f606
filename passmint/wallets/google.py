"""Google Wallet: a template is a class, a pass an object (``passmint.google``); delivering a pass answers
its save link, ``PASSMINT_GOOGLE_SAVE_URL`` + a JWT minted per request, or, for a delivery given a stamp
(a shared pass's repeat visits), kept for ``SAVE_LINK_KEPT`` at most (so its ``iat`` stays recent)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cachetools import LRUCache
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from passmint.apple.errors import Problem
from passmint.apple.render import pass_dates
from passmint.certificates.google_accounts import project_google_account
from passmint.config import Settings
from passmint.designs import GOOGLE_HEADERS, GoogleField, GoogleModule, Vendor
from passmint.google import ids, savelinks
from passmint.google.objects import class_type, google_class_body, google_object, object_type
from passmint.google.sources import ClassSource, Design, ObjectSource
from passmint.images.public import DEFAULT_LOGO_DIGEST, image_url
from passmint.kit.files import Download
from passmint.kit.spellings import v2_barcode_type
from passmint.kit.time import utcnow
from passmint.models import Account, Journey, Project, Template
from passmint.wallets import repository
from passmint.wallets.errors import SaveLinkTooLong
from passmint.wallets.format import PassRecord

MODULES = frozenset(module.value for module in GoogleModule)
SAVE_JSON = "application/json"
MODULE_IMAGE_KINDS = frozenset({"titleModule", "imageModulesData"})
SAVE_LINK_KEPT = timedelta(minutes=5)
"""How long a stamped save link is handed out again: its JWT's ``iat`` is at most this old."""
STAMPS = 10_000
_kept: LRUCache[Hashable, tuple[Download, datetime]] = LRUCache(maxsize=STAMPS)
"""Save links delivered under a stamp, with when they were minted (``kept``), the least recently used
dropped past ``STAMPS``."""
_merchants: LRUCache[Hashable, tuple[str | None, ...]] = LRUCache(maxsize=4096)
"""The Smart Tap issuer ids of a project's merchants, by ``_merchants_as_read``."""
CALLBACK_PATH = "/google/v1/callbacks"
"""Where Google sends save and delete callbacks (``registrations.google_callbacks`` answers there)."""


class GoogleWallet:
    """Google Wallet's format (see ``wallets.format.WalletFormat``)."""

    vendor = Vendor.GOOGLE
    vendor_id = 2
    platform = "android"
    headers = frozenset(GOOGLE_HEADERS)
    field_model: type[BaseModel] = GoogleField
    personalizable = False
    delivers_file = False

    def field_problems(self, path: str, field: Mapping[str, Any]) -> list[Problem]:
        """A Google field sits in a module: its ``fieldType`` names one."""
        if field.get("fieldType") not in MODULES:
            message = f"must name a Google module: {', '.join(sorted(MODULES))}"
            return [Problem(field=f"{path}.fieldType", message=message)]
        return []

    def design_problems(
        self, design: Mapping[str, Any], project: Project, expiry: Mapping[str, Any] | None
    ) -> list[Problem]:
        return []

    def value_problems(
        self, design: Mapping[str, Any], values: Mapping[str, Any], project: Project
    ) -> list[Problem]:
        return []

    def barcode_spelling(self, value: object) -> object:
        return v2_barcode_type(value)

    def design_images(self, design: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
        """The module images a design names (``image`` options and fields), to be stored with it."""
        return module_images(design)

    async def render(self, session: AsyncSession, record: PassRecord, settings: Settings) -> dict[str, Any]:
        """The pass's class and object, as Google's REST API takes them."""
        account = await project_google_account(
            session, record.account, record.project, settings, record.credentials
        )
        issuers = await redemption_issuers(
            session, record.project, account.issuer_id, _merchants_as_read(record)
        )
        source = object_source(record, account.issuer_id, settings, issuers)
        return {
            "classType": class_type(source.template),
            "class": google_class_body(source.template),
            "objectType": object_type(source.template),
            "object": google_object(source),
        }

    async def deliver(self, session: AsyncSession, record: PassRecord, settings: Settings) -> Download:
        return await self.deliver_many(session, [record], settings, f"pass-{record.pass_.id}")

    async def deliver_many(
        self,
        session: AsyncSession,
        records: Sequence[PassRecord],
        settings: Settings,
        filename: str,
        stamp: Hashable | None = None,
    ) -> Download:
        """One save link for every pass: ``{saveUrl, jwt, classId, objectId}`` (ids of the first pass,
        ``objectIds`` too when there are several); a 302 to ``saveUrl`` unless JSON is asked for."""
        minted = utcnow()
        link = await save_link(session, records, settings, issued_at=int(minted.timestamp()))
        answer: dict[str, Any] = {
            "saveUrl": link.save_url,
            "jwt": link.jwt,
            "classId": link.class_id,
            "objectId": link.object_ids[0],
        }
        if len(link.object_ids) > 1:
            answer["objectIds"] = list(link.object_ids)
        changed = max(record.changed_at for record in records)
        data = json.dumps(answer).encode()
        delivered = Download(data, SAVE_JSON, f"{filename}.json", changed, location=link.save_url)
        if stamp is not None:
            _kept[stamp] = (delivered, minted)
        return delivered

    def kept(self, stamp: Hashable, settings: Settings) -> Download | None:
        """The save link delivered under ``stamp``, unless minted ``SAVE_LINK_KEPT`` ago or more."""
        found = _kept.get(stamp)
        if found is None:
            return None
        delivered, minted = found
        if utcnow() - minted >= SAVE_LINK_KEPT:
            del _kept[stamp]
            return None
        return delivered


@dataclass(frozen=True)
class SaveLink:
    """A save link of one or more passes, minted now."""

    save_url: str
    jwt: str
    class_id: str
    """The class of the first pass."""
    object_ids: tuple[str, ...]


ObjectsInserter = Callable[[AsyncSession, Sequence[PassRecord], Settings], Awaitable[None]]
"""Inserts passes' classes and objects at Google through its REST API, so that a save link names them
by id. The API client lives above this layer (``googleapi``); the app names it (``insert_objects_with``)."""

_inserter: list[ObjectsInserter] = []


def insert_objects_with(inserter: ObjectsInserter) -> None:
    """Name what inserts objects at Google when a save link cannot carry them whole."""
    _inserter[:] = [inserter]


async def save_link(
    session: AsyncSession, records: Sequence[PassRecord], settings: Settings, issued_at: int | None = None
) -> SaveLink:
    """The save link of ``records`` (passes of one project): one JWT carrying every object whole when it
    fits Google's limit, else naming them by id once they are inserted through the REST API; its
    ``iat`` is ``issued_at`` (now when not given)."""
    first = records[0]
    account = await project_google_account(session, first.account, first.project, settings, first.credentials)
    issuers = await redemption_issuers(session, first.project, account.issuer_id, _merchants_as_read(first))
    sources = [object_source(record, account.issuer_id, settings, issuers) for record in records]
    objects = [(object_type(source.template), google_object(source)) for source in sources]
    journey_classes = {  # a journey's class is not inserted with the template's: the link carries it
        source.template.class_id: (class_type(source.template), google_class_body(source.template))
        for source in sources
        if source.template.journey_kind
    }
    classes = list(journey_classes.values())
    origins = settings.google_origins
    token = savelinks.save_jwt(account, objects, classes=classes, origins=origins, issued_at=issued_at)
    if not savelinks.fits(token):
        await _insert(session, records, settings, len(token))
        token = savelinks.save_jwt(account, savelinks.ids_only(objects), origins=origins, issued_at=issued_at)
    object_ids = tuple(source.object_id for source in sources)
    return SaveLink(settings.google_save_url + token, token, sources[0].template.class_id, object_ids)


async def _insert(
    session: AsyncSession, records: Sequence[PassRecord], settings: Settings, length: int
) -> None:
    if not _inserter:
        raise SaveLinkTooLong(
            f"The save link of {len(records)} Google pass(es) would carry a {length}-character JWT, over "
            f"Google's {savelinks.MAX_JWT}, and nothing here inserts objects at Google"
        )
    await _inserter[0](session, records, settings)


async def google_class(
    session: AsyncSession, template: Template, project: Project, settings: Settings
) -> tuple[str, dict[str, Any]]:
    """The template's class: its REST collection (``loyaltyClass``...) and its body."""
    owner = await session.get(Account, project.account_id)
    assert owner is not None  # the foreign key guarantees it
    account = await project_google_account(session, owner, project, settings)
    issuers = await redemption_issuers(session, project, account.issuer_id)
    source = class_source(template, project, account.issuer_id, settings, smart_tap=issuers)
    return class_type(source), google_class_body(source)


async def redemption_issuers(
    session: AsyncSession, project: Project, issuer_id: str, version: Hashable | None = None
) -> tuple[str, ...]:
    """Smart Tap's redemption issuers when the project has a Google (or ANY) NFC merchant: the project's
    issuer, then the merchants' own ``smartTapIssuerId`` (numeric, as Google's ids are); else none. The
    merchants are kept by ``version`` when given (``_merchants_as_read``)."""
    merchants = _merchants.get(version) if version is not None else None
    if merchants is None:
        merchants = tuple(await repository.smart_tap_issuer_ids(session, project.id) or ())
        if version is not None:
            _merchants[version] = merchants
    if not merchants:
        return ()
    given = [issuer.strip() for issuer in merchants if issuer and issuer.strip().isdigit()]
    return tuple(dict.fromkeys([issuer_id, *given]))


def _merchants_as_read(record: PassRecord) -> Hashable | None:
    """What names the project's Smart Tap merchants as ``record``'s template was read by the request's
    one lookup (``record.credentials`` given: a visit, whose transaction adds no merchant): adding or
    deleting a Google (or ANY) merchant marks every live Google template of its project changed
    (``nfc.service``), and a merchant's issuer id never changes. The template's creation time keeps
    apart rows of the same id (another database, or one emptied)."""
    if record.credentials is None:
        return None
    template = record.template
    return (template.id, template.created_at, template.change_seq)


def class_source(
    template: Template,
    project: Project,
    issuer_id: str,
    settings: Settings,
    journey: Journey | None = None,
    smart_tap: Sequence[str] = (),
) -> ClassSource:
    """The template's class; the class of its passes that show ``journey`` when one is given."""
    design = template.design
    starts_at = pass_dates(design.get("headers", {}), None, template.created_at).get("relevantDate")
    klass = ids.class_id(issuer_id, template.id)
    if journey is not None:
        klass = ids.journey_class_id(issuer_id, template.id, journey.id)
    return ClassSource(
        class_id=klass,
        project_type=project.project_type,
        issuer_name=project.name,
        template_name=template.name,
        design=Design(design.get("headers", {}), design.get("fields", {}), design.get("moduleOptions", {})),
        images=_urls(template.image_digests, settings),
        default_logo=image_url(settings.base_url, DEFAULT_LOGO_DIGEST),
        starts_at=starts_at if isinstance(starts_at, str) else None,
        callback_url=f"{settings.base_url}{CALLBACK_PATH}",
        journey_kind=journey.kind if journey is not None else "",
        journey=_journey_values(journey),
        redemption_issuers=tuple(smart_tap),
    )


def object_source(
    record: PassRecord, issuer_id: str, settings: Settings, smart_tap: Sequence[str] = ()
) -> ObjectSource:
    """The pass's object; ``smart_tap`` the redemption issuers of its class (``redemption_issuers``)."""
    pass_, template = record.pass_, record.template
    design, values = template.design, pass_.values
    headers = _merged(design.get("headers", {}), values.get("headers", {}))
    fields = _merged(design.get("fields", {}), values.get("fields", {}))
    dates = pass_dates(headers, template.expiry, pass_.created_at)
    valid_until = dates.get("expirationDate")
    return ObjectSource(
        object_id=ids.object_id(issuer_id, pass_.id),
        template=class_source(template, record.project, issuer_id, settings, record.journey, smart_tap),
        design=Design(headers, fields, design.get("moduleOptions", {})),
        images=_urls({**template.image_digests, **pass_.image_digests}, settings),
        barcode_settings=record.project.settings,
        valid_until=valid_until if isinstance(valid_until, str) else None,
        voided=bool(dates.get("voided")),
        locations=record.locations,
        serial_number=pass_.serial_number,
        nfc_message=_nfc_message(values) or _nfc_message(design),
    )


def module_images(design: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """``image key → (URL, field path)`` of the images a Google design's modules name."""
    found: dict[str, tuple[str, str]] = {}
    for module, options in design.get("moduleOptions", {}).items():
        if isinstance(options.get("image"), str) and options["image"].strip():
            found[f"option:{module}"] = (options["image"], f"{module}.image")
    for name, field in design.get("fields", {}).items():
        if field.get("fieldType") not in MODULE_IMAGE_KINDS:
            continue
        for key in ("image", "label", "value"):
            value = field.get(key)
            if isinstance(value, str) and value.lower().startswith(("http://", "https://", "data:")):
                found[f"field:{name}"] = (value, f"fields.{name}.{key}")
                break
    return found


def _nfc_message(values: Mapping[str, Any]) -> str:
    """The ``nfc.message`` a pass's values (or a template's design) set, as Apple passes take it."""
    nfc = values.get("nfc")
    message = nfc.get("message") if isinstance(nfc, Mapping) else None
    return message.strip() if isinstance(message, str) else ""


def _journey_values(journey: Journey | None) -> dict[str, str]:
    if journey is None:
        return {}
    fields = journey.fields.items()
    return {name: str(field.get("value")) for name, field in fields if field.get("value") not in (None, "")}


def _urls(digests: Mapping[str, Any], settings: Settings) -> dict[str, str]:
    return {name: image_url(settings.base_url, str(digest)) for name, digest in digests.items()}


def _merged(template: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    merged = {name: dict(entry) for name, entry in template.items() if isinstance(entry, Mapping)}
    for name, entry in own.items():
        if isinstance(entry, Mapping):
            merged[name] = merged.get(name, {}) | dict(entry)
    return merged
