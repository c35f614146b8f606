"""Settings, read from ``PASSMINT_*`` environment variables."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import stat
from pathlib import Path

from pydantic import ByteSize, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from passmint.kit.security import new_token

log = logging.getLogger(__name__)


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
    job_lease_seconds: float = Field(default=30.0, ge=1.0, le=3600.0)
    """How long a worker's claim on a job lasts unless renewed (a running job's is, every third of it):
    a job whose worker died is taken again by another worker this long after its last renewal."""
    api_key_cache_seconds: float = Field(default=5.0, ge=0.0, le=300.0)
    """How long an API process remembers a verified key and secret without looking the key up again: a
    revoked key is refused at most this long after its revocation. 0 looks every key up."""
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
    api_max_body: ByteSize = ByteSize(10 * 1024 * 1024)
    """The largest request body ``/v1``, ``/v2`` and ``/templates`` accept: bytes, or a size such as
    ``20MiB``. Templates and passes may carry ``data:`` images (up to 5 MiB each)."""
    apple_max_body: ByteSize = ByteSize(64 * 1024)
    """The largest request body Apple's web service (``/apple``), Google's callbacks (``/google``) and every
    other path accept: push tokens, personalization details, log lines, signed callbacks."""

    google_api_url: str = "https://walletobjects.googleapis.com/"
    """Google Wallet's REST API root, ending in ``/`` (``walletobjects/v1/...`` and ``batch`` follow it)."""
    google_token_url: str = "https://oauth2.googleapis.com/token"
    """Where service-account access tokens come from (JWT-bearer grant); a key file's ``token_uri`` is
    not trusted."""
    google_save_url: str = "https://pay.google.com/gp/v/save/"
    """The start of a Google Wallet save link: the signed JWT follows it."""
    google_callback_keys_url: str = "https://pay.google.com/gp/m/issuer/keys"
    """Google's root keys for verifying save and delete callbacks (answers ``{"keys": [...]}``)."""
    google_rps: float = Field(default=20.0, gt=0.0, le=10_000.0)
    """Calls a second to Google's REST API per credential, shared by every worker process."""
    google_origins: list[str] = Field(default_factory=list)
    """Web origins allowed to show the Save to Google Wallet button (the save JWT's ``origins``)."""

    pkpass_cache_bytes: ByteSize = ByteSize(64 * 1024 * 1024)
    """Memory each process keeps signed passes in, so a pass unchanged since it was last signed is not
    signed again (least recently used dropped first); 0 turns the cache off."""
    pkpass_file_cache_bytes: ByteSize = ByteSize(256 * 1024 * 1024)
    """Disk the processes sharing a data dir keep signed passes in (``<data dir>/cache/pkpass``), so a
    pass signed by one is served by the others without signing it again; 0 turns it off."""

    @property
    def database(self) -> str:
        """The database URL in force."""
        return self.database_url or _sqlite_url(self.data_dir, os.getcwd())

    @property
    def base_url(self) -> str:
        """``public_url`` without a trailing slash."""
        return self.public_url.rstrip("/")


@functools.lru_cache(maxsize=64)
def _sqlite_url(data_dir: Path, cwd: str) -> str:
    """The URL of the SQLite file in ``data_dir`` (relative to ``cwd``), resolved once: resolving reads
    the file system, and the URL is part of the key of every kept signed file."""
    return f"sqlite+aiosqlite:///{(Path(cwd) / data_dir / 'passmint.db').resolve()}"


def load_settings() -> Settings:
    """Settings from the environment, with the data dir created (private) and a secret key in force."""
    settings = Settings()
    make_private(settings)
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


def make_private(settings: Settings) -> None:
    """Make the data dir readable by this user only (0700), and the SQLite database with its ``-wal`` and
    ``-shm`` files (0600): created so if new, tightened if they exist. SQLite gives the ``-wal`` and
    ``-shm`` files it creates the database file's mode, so an empty database file is made here first."""
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory = settings.data_dir.resolve()  # the directory itself when the setting names a link to it
    _tighten(directory, 0o700)
    _tighten(directory / "dev-certs", 0o700)
    database = sqlite_file(settings.database)
    if database is None or not database.parent.is_dir():
        return
    # Only ever a new file: closing a descriptor of a database this process has open would drop SQLite's
    # locks on it (POSIX locks belong to the process, not the descriptor).
    with contextlib.suppress(FileExistsError):
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        _tighten(path, 0o600)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite database URL; None for another database or an in-memory one."""
    parsed = make_url(url)
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def _tighten(path: Path, mode: int) -> None:
    """Take away from ``path`` every permission beyond ``mode``; a symbolic link is left alone."""
    try:
        if path.is_symlink() or not path.exists():
            return
        current = stat.S_IMODE(path.stat().st_mode)
        if current & ~mode:
            path.chmod(current & mode)
    except OSError as error:
        log.warning("could not make %s private to this user: %s", path, error)
