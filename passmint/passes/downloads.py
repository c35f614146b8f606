"""A pass as Apple Wallet takes it: rendered from template and values, signed, zipped.

Rendering, signing and zipping are CPU work: they run in worker threads (``kit.threads``), so the
event loop keeps answering other requests meanwhile."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.apple import PassSigner, build_pkpass, build_pkpasses
from passmint.apple.render import DEFAULT_PERSONALIZATION_LOGO, PassIdentity, RenderedPass, render_pass
from passmint.certificates import service as certificate_service
from passmint.certificates.signers import key_box
from passmint.config import Settings
from passmint.images import service as image_service
from passmint.kit.files import Download
from passmint.kit.refs import Ref
from passmint.kit.threads import in_thread
from passmint.kit.time import modified_since
from passmint.models import Account, Pass, Project, Template
from passmint.passes import repository
from passmint.passes import service as pass_service
from passmint.passes.errors import GoogleNotBuilt, PassNotFound
from passmint.passes.service import PassLocator
from passmint.templates import service as template_service
from passmint.templates.designs import Vendor

PKPASS = "application/vnd.apple.pkpass"
PERSONALIZATION, PERSONALIZATION_LOGO = "personalization", "personalization_logo"
APPLE_FIELDS = {
    "name": "PKPassPersonalizationFieldName",
    "postalCode": "PKPassPersonalizationFieldPostalCode",
    "emailAddress": "PKPassPersonalizationFieldEmailAddress",
    "phoneNumber": "PKPassPersonalizationFieldPhoneNumber",
}
PKPASSES = "application/vnd.apple.pkpasses"


async def pkpass(
    session: AsyncSession, account: Account, locator: PassLocator, settings: Settings
) -> Download:
    """The pass's current .pkpass."""
    pass_ = await pass_service.get(session, account, locator)
    return await _download(session, account, pass_, settings)


@dataclass(frozen=True)
class Unchanged:
    """The device's copy is current (HTTP 304); the pass last changed at ``changed_at``."""

    changed_at: datetime


async def for_device(
    session: AsyncSession, pass_: Pass, settings: Settings, *, since: datetime | None = None
) -> Download | Unchanged:
    """The pass's current .pkpass for a device that authenticated with its token, unless the pass has
    not changed since ``since`` (the device's If-Modified-Since)."""
    changed = await changed_at(session, pass_)
    if since is not None and not modified_since(changed, since):
        return Unchanged(changed)
    account = await session.get(Account, pass_.account_id)
    assert account is not None  # the foreign key guarantees it
    return await _download(session, account, pass_, settings)


async def public_pkpass(session: AsyncSession, token: str, settings: Settings) -> Download:
    """The .pkpass behind a public install URL (no credentials: the token is the secret)."""
    pass_ = await repository.by_public_token(session, token)
    if pass_ is None:
        raise PassNotFound("No pass at this link")
    account = await session.get(Account, pass_.account_id)
    assert account is not None
    return await _download(session, account, pass_, settings)


async def bundle(
    session: AsyncSession,
    account: Account,
    template_ref: Ref,
    external_ids: Sequence[str],
    settings: Settings,
) -> Download:
    """Passes of one template by external id: one .pkpass, or several as one .pkpasses file."""
    template = await template_service.get(session, account, template_ref)
    passes = await repository.in_template_by_external_ids(session, template.id, external_ids)
    missing = sorted(set(external_ids) - {str(found.external_id) for found in passes})
    if missing:
        raise PassNotFound(f"Template {template_ref} has no passes with external ids {', '.join(missing)}")
    return await _bundle(session, account, passes, settings, f"template-{template.id}.pkpasses")


async def bundle_by_ids(
    session: AsyncSession, account: Account, pass_ids: Sequence[int], settings: Settings
) -> Download:
    """Passes by id: one .pkpass, or several as one .pkpasses file."""
    passes = [await pass_service.get(session, account, PassLocator(pass_id=pass_id)) for pass_id in pass_ids]
    return await _bundle(session, account, passes, settings, "passes.pkpasses")


async def _bundle(
    session: AsyncSession, account: Account, passes: Sequence[Pass], settings: Settings, filename: str
) -> Download:
    """Several passes as one .pkpasses file; one pass alone as its .pkpass (Wallet opens either)."""
    files = [await _download(session, account, found, settings) for found in passes]
    if len(files) == 1:
        return files[0]
    newest = max(file.last_modified for file in files)
    data = await in_thread(build_pkpasses, [file.data for file in files])
    return Download(data, PKPASSES, filename, newest)


async def pass_json(
    session: AsyncSession, account: Account, locator: PassLocator, settings: Settings
) -> dict[str, Any]:
    """The pass.json Apple Wallet gets for this pass (unsigned)."""
    pass_ = await pass_service.get(session, account, locator)
    rendered, _ = await _render(session, account, pass_, settings)
    return dict(rendered.pass_json)


async def _download(session: AsyncSession, account: Account, pass_: Pass, settings: Settings) -> Download:
    rendered, signer = await _render(session, account, pass_, settings)
    data = await in_thread(build_pkpass, rendered.pass_json, rendered.files, signer)
    return Download(data, PKPASS, f"pass-{pass_.id}.pkpass", await changed_at(session, pass_))


async def changed_at(session: AsyncSession, pass_: Pass) -> datetime:
    """When what the pass shows last changed: its own change, or its template's if later (a template
    change does not write each of its passes)."""
    template = await session.get(Template, pass_.template_id)
    assert template is not None  # the foreign key guarantees it
    return max(pass_.updated_at, template.updated_at)


async def signer_of(
    session: AsyncSession, account: Account, project: Project, settings: Settings
) -> PassSigner:
    """The signer of the project's passes (see certificates.service.signer_for)."""
    assert settings.secret_key is not None
    box = key_box(settings.secret_key.get_secret_value())
    return await certificate_service.signer_for(
        session, account, box, settings.data_dir, project.apple_certificate_id
    )


async def _render(
    session: AsyncSession, account: Account, pass_: Pass, settings: Settings
) -> tuple[RenderedPass, PassSigner]:
    template, project = await pass_service.project_of(session, pass_)
    if template.vendor != Vendor.APPLE.value:
        raise GoogleNotBuilt("Google Wallet passes are not available in this version of passmint yet")
    signer = await signer_of(session, account, project, settings)
    design = {
        **template.design,
        "locations": [place.data for place in await repository.places(session, pass_)],
    }
    identity = PassIdentity(
        serial_number=pass_.serial_number,
        authentication_token=pass_.authentication_token,
        web_service_url=f"{settings.base_url}/apple",
        pass_type_identifier=signer.pass_type_identifier,
        team_identifier=signer.team_identifier,
        organization_name=project.name,
        description=template.description or template.name,
        created_at=pass_.created_at,
    )
    images = await _images(session, {**template.image_digests, **pass_.image_digests})
    logo = images.pop(PERSONALIZATION_LOGO, DEFAULT_PERSONALIZATION_LOGO)
    rendered = await in_thread(
        render_pass,
        project_type=project.project_type,
        project_settings=project.settings,
        design=design,
        expiry=template.expiry,
        values=pass_.values,
        identity=identity,
        images=images,
    )
    return _with_personalization(rendered, template, pass_, logo), signer


def _with_personalization(
    rendered: RenderedPass, template: Template, pass_: Pass, logo: bytes
) -> RenderedPass:
    """Add Apple's sign-up files while the pass awaits personalization (Apple requires NFC for it)."""
    requirements = template.design.get(PERSONALIZATION)
    if requirements is None or PERSONALIZATION in pass_.values or "nfc" not in rendered.pass_json:
        return rendered
    document = {
        "requiredPersonalizationFields": [
            APPLE_FIELDS[name] for name in requirements["requiredPersonalizationFields"]
        ],
        "description": requirements["description"],
    }
    if "termsAndConditions" in requirements:
        document["termsAndConditions"] = requirements["termsAndConditions"]
    files = {
        **rendered.files,
        "personalization.json": json.dumps(document).encode(),
        "personalizationLogo.png": logo,
    }
    return RenderedPass(rendered.pass_json, files)


async def _images(session: AsyncSession, digests: dict[str, str]) -> dict[str, bytes]:
    stored = await image_service.get_many(session, set(digests.values()))
    return {name: stored[digest].data for name, digest in digests.items() if digest in stored}
