"""Google service accounts of an account's projects: uploaded ones first, else the development one."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from passmint.certificates import repository
from passmint.certificates.google_keys import GOOGLE, account_of, kept_account
from passmint.certificates.signers import key_box
from passmint.certificates.versions import Credentials, unread
from passmint.config import Settings
from passmint.google import ServiceAccount, make_development_account, parse_service_account
from passmint.google.credentials import DEVELOPMENT_ISSUER_ID
from passmint.models import Account, Project

DEV_KEY_FILE = "dev-google/service-account.json"

_dev_accounts: dict[Path, ServiceAccount] = {}


async def project_google_account(
    session: AsyncSession, account: Account, project: Project, settings: Settings,
    read: Credentials | None = None,
) -> ServiceAccount:  # fmt: skip
    """The service account that issues the project's Google passes: the project's chosen credential,
    else the account's default Google credential, else the development account (Google does not know
    it: its save links work only against a local stand-in). Given the credential's version as the
    request's lookup ``read`` it, the account kept for that version, or the development one, is used
    unread."""
    if read is not None:
        development = partial(dev_google_account, settings.data_dir)
        found = unread(read.google, project.google_certificate_id, development, kept_account)
        if found is not None:
            return found
    if project.google_certificate_id is not None:
        chosen = await repository.get(session, account.id, project.google_certificate_id)
    else:
        chosen = await repository.get_default(session, account.id, GOOGLE)
    if chosen is None or chosen.vendor != GOOGLE:
        return dev_google_account(settings.data_dir)
    assert settings.secret_key is not None
    return account_of(key_box(settings.secret_key.get_secret_value()), chosen)


async def google_credential_key(session: AsyncSession, account: Account, project: Project) -> str:
    """What names the project's Google credential for the shared rate limiter: the row's id, or
    ``development`` for the development account."""
    if project.google_certificate_id is not None:
        return str(project.google_certificate_id)
    chosen = await repository.get_default(session, account.id, GOOGLE)
    return str(chosen.id) if chosen is not None else "development"


def dev_google_account(data_dir: Path) -> ServiceAccount:
    """The development service account, made once into ``DATA_DIR/dev-google`` (Google does not know it)."""
    path = (data_dir / DEV_KEY_FILE).resolve()
    if path not in _dev_accounts:
        if not path.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.write_bytes(make_development_account().key_file())
            path.chmod(0o600)
        read = parse_service_account(path.read_bytes(), DEVELOPMENT_ISSUER_ID)
        _dev_accounts[path] = ServiceAccount(
            read.issuer_id, read.client_email, read.private_key_id, read.private_key_pem, development=True
        )
    return _dev_accounts[path]
