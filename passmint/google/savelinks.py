"""Save links: ``PASSMINT_GOOGLE_SAVE_URL`` + a JWT that the issuer's service account signs (RS256).

A save JWT carries the objects (and, when needed, classes) a person saves with one tap. It has no
expiry and holds the pass's data readable in base64, so it is minted per request and never stored.
Google's documented claims: ``iss`` (the service account's email), ``aud: google``, ``typ:
savetowallet``, ``iat``, ``origins`` (the sites that embed the button), ``payload``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

import jwt

from passmint.google.credentials import ServiceAccount

MAX_JWT = 1800
"""The longest encoded JWT a save link carries: longer links fail in some browsers (Google's
pass-converter refuses them at 1,800 characters)."""
Resource = tuple[str, dict[str, Any]]


class _Utf8Encoder(json.JSONEncoder):
    """JSON with text as UTF-8 (``£``, not ``\\u00a3``): shorter JWTs for non-ASCII passes."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**(options | {"ensure_ascii": False}))


"""A REST collection name (``loyaltyObject``, ``offerClass``...) and one body of it."""


def payload(objects: Sequence[Resource], classes: Sequence[Resource] = ()) -> dict[str, list[dict[str, Any]]]:
    """The JWT's ``payload``: ``loyaltyObjects``, ``offerClasses``... each a list of bodies."""
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, body in [*classes, *objects]:
        key = kind + ("es" if kind.endswith("Class") else "s")
        out.setdefault(key, []).append(body)
    return out


def save_jwt(
    account: ServiceAccount,
    objects: Sequence[Resource],
    *,
    classes: Sequence[Resource] = (),
    origins: Sequence[str] = (),
    issued_at: int | None = None,
) -> str:
    """The signed save JWT of ``objects`` (and ``classes``), ``kid`` naming the account's key."""
    claims = {
        "iss": account.client_email,
        "aud": "google",
        "typ": "savetowallet",
        "iat": int(time.time()) if issued_at is None else issued_at,
        "origins": list(origins),
        "payload": payload(objects, classes),
    }
    return jwt.encode(
        claims,
        account.private_key,
        algorithm="RS256",
        headers={"kid": account.private_key_id},
        json_encoder=_Utf8Encoder,
    )


def ids_only(objects: Sequence[Resource]) -> list[Resource]:
    """The objects by id alone (``{"id": ...}``), for objects inserted through the REST API already."""
    return [(kind, {"id": body["id"]}) for kind, body in objects]


def fits(token: str) -> bool:
    """Whether a save link with this JWT stays within ``MAX_JWT`` characters of JWT."""
    return len(token) <= MAX_JWT
