"""A callback spec's sealed signing secret and headers: sealing, opening, and where deliveries go."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from passmint.callbacks.errors import SecretsUnreadable
from passmint.kit.crypto import SealedDataUnreadable, SecretBox
from passmint.models import CallbackSpec


@dataclass(frozen=True)
class SpecView:
    """A project's callback spec with its headers and signing secret opened, as printed."""

    spec: CallbackSpec
    headers: dict[str, str]
    signing_secret: str


def sealing_box(secret_key: str) -> SecretBox:
    """The box a spec's signing secret and headers are sealed in, each bound to its project's id (the
    secret and the headers under different contexts, so neither opens in the other's place)."""
    return SecretBox(secret_key, purpose="callback-signing")  # the purpose its first secrets were sealed for


def opened(box: SecretBox, spec: CallbackSpec) -> SpecView:
    """``spec`` with its headers and signing secret opened."""
    return SpecView(spec, opened_headers(box, spec), signing_secret(box, spec))


def signing_secret(box: SecretBox, spec: CallbackSpec) -> str:
    """The spec's ``whsec_...`` signing secret, opened."""
    return _open(box, spec, spec.sealed_signing_secret, context_of(spec.project_id), "signing secret")


def opened_headers(box: SecretBox, spec: CallbackSpec) -> dict[str, str]:
    """The headers the spec sends with every delivery, opened."""
    sealed, context = spec.sealed_headers, headers_context(spec.project_id)
    headers: dict[str, str] = json.loads(_open(box, spec, sealed, context, "headers"))
    return headers


def sealed_headers(box: SecretBox, project_id: int, headers: dict[str, str]) -> bytes:
    return box.seal(json.dumps(headers).encode(), context=headers_context(project_id))


def _open(box: SecretBox, spec: CallbackSpec, sealed: bytes, context: bytes, what: str) -> str:
    try:
        return box.open(sealed, context=context).decode()
    except SealedDataUnreadable:
        raise SecretsUnreadable(
            f"The callback {what} of project {spec.project_id} cannot be decrypted: "
            "PASSMINT_SECRET_KEY is not the one it was stored with"
        ) from None


def target_url(base_url: str, path: str) -> str:
    """``path`` appended to the path of ``base_url`` (one slash between them), its query kept."""
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/" + path.lstrip("/")))


def context_of(project_id: int) -> bytes:
    return project_id.to_bytes(8, "big")


def headers_context(project_id: int) -> bytes:
    return b"headers:" + context_of(project_id)
