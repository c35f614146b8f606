"""Google Wallet's save and delete callbacks at ``POST /google/v1/callbacks`` (no credentials: signed).

Each Google class names this URL in ``callbackOptions.url`` (``{PASSMINT_PUBLIC_URL}/google/v1/callbacks``).
Google wants a 200 for every callback it need not send again, a 400 for one that does not verify.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from passmint.deps import HttpClientDep, SessionDep, SettingsDep
from passmint.google.callbacks import Envelope
from passmint.http_errors import documented
from passmint.registrations import google_saves
from passmint.registrations.google_keys import RootKeys
from passmint.registrations.schemas import GoogleCallbackAnswer, GoogleCallbackBody

PATH = "/google/v1/callbacks"
router = APIRouter(tags=["Google Wallet callbacks"], responses=documented(400, 503))


async def root_keys(request: Request, settings: SettingsDep) -> RootKeys:
    """The application's cache of Google's root keys (one per process)."""
    found: RootKeys | None = getattr(request.app.state, "google_root_keys", None)
    if found is None:
        found = RootKeys(settings.google_callback_keys_url)
        request.app.state.google_root_keys = found
    return found


RootKeysDep = Annotated[RootKeys, Depends(root_keys)]


@router.post(PATH, response_model=GoogleCallbackAnswer, summary="Google Wallet save or delete callback")
async def google_callback(
    body: GoogleCallbackBody,
    keys: RootKeysDep,
    client: HttpClientDep,
    session: SessionDep,
    settings: SettingsDep,
) -> GoogleCallbackAnswer:
    envelope = Envelope(
        signature=body.signature,
        signed_key=body.intermediate_signing_key.signed_key,
        key_signatures=tuple(body.intermediate_signing_key.signatures),
        protocol_version=body.protocol_version,
        signed_message=body.signed_message,
    )
    outcome = await google_saves.receive(session, envelope, keys, client, settings)
    return GoogleCallbackAnswer(result=outcome.value)
