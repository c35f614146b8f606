"""Settings, read from ``PASSMINT_*`` environment variables."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from passmint.kit.security import new_token


class Settings(BaseSettings):
    """How this passmint runs. Every field is set by ``PASSMINT_<FIELD NAME IN CAPITALS>``."""

    model_config = SettingsConfigDict(env_prefix="PASSMINT_", extra="ignore")

    data_dir: Path = Path(".passmint")
    """Where the embedded database, the generated secret key and stored files live."""
    database_url: str = ""
    """SQLAlchemy URL; empty means a SQLite file in the data dir."""
    public_url: str = "http://127.0.0.1:8000"
    """The base URL phones and browsers reach this server at; put into links and pass files."""
    secret_key: SecretStr | None = None
    """Key material for encrypting stored private keys; generated into the data dir when unset."""
    log_level: str = "INFO"
    embedded_worker: bool = True
    """Run background jobs inside each API process; turn off when ``passmint worker`` processes run them."""
    allow_private_networks: bool = False
    """Let image and callback URLs reach private, loopback and link-local addresses."""
    device_log_retention_days: int = Field(default=7, ge=1)
    """How long the messages wallet apps send to ``/apple/v1/log`` are kept."""
    apns_url: str = "https://api.push.apple.com"
    """Apple's push service: production; ``https://api.sandbox.push.apple.com`` for development builds."""
    apns_ca_file: Path | None = None
    """An extra CA certificate (PEM) to trust for ``apns_url``, for a local stand-in."""
    apns_key_file: Path | None = None
    """An APNs auth key (.p8): push with ES256 provider tokens instead of each pass certificate."""
    apns_key_id: str | None = None
    """The auth key's id (with ``apns_key_file``)."""
    apns_team_id: str | None = None
    """The team the auth key belongs to (with ``apns_key_file``)."""

    @property
    def database(self) -> str:
        """The database URL in force."""
        return self.database_url or f"sqlite+aiosqlite:///{(self.data_dir / 'passmint.db').resolve()}"

    @property
    def base_url(self) -> str:
        """``public_url`` without a trailing slash."""
        return self.public_url.rstrip("/")


def load_settings() -> Settings:
    """Settings from the environment, with the data dir created and a secret key in force."""
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if settings.secret_key is None:
        settings = settings.model_copy(
            update={"secret_key": SecretStr(_stored_secret_key(settings.data_dir))}
        )
    return settings


def _stored_secret_key(data_dir: Path) -> str:
    """The data dir's secret key, created (readable by its owner only) on first use."""
    path = data_dir / "secret_key"
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        key = new_token()
        file.write(key + "\n")
    return key
