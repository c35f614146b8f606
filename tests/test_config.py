"""Settings from the environment, the generated secret key, and a data dir private to its user."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import text

from passmint.config import load_settings
from passmint.db import Database


def test_defaults_keep_everything_in_the_data_dir(tmp_data_dir: Path) -> None:
    settings = load_settings()
    assert settings.database == f"sqlite+aiosqlite:///{(tmp_data_dir / 'passmint.db').resolve()}"
    assert settings.base_url == "http://127.0.0.1:8000"


def test_secret_key_is_generated_once_and_private(tmp_data_dir: Path) -> None:
    first = load_settings().secret_key
    second = load_settings().secret_key
    assert first is not None and second is not None
    assert first.get_secret_value() == second.get_secret_value()
    assert len(first.get_secret_value()) >= 40
    mode = stat.S_IMODE((tmp_data_dir / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_environment_wins(tmp_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASSMINT_SECRET_KEY", "from-env")
    monkeypatch.setenv("PASSMINT_PUBLIC_URL", "https://wallet.example.com/")
    monkeypatch.setenv("PASSMINT_DATABASE_URL", "postgresql+asyncpg://u@h/db")
    settings = load_settings()
    assert settings.secret_key is not None and settings.secret_key.get_secret_value() == "from-env"
    assert settings.base_url == "https://wallet.example.com"
    assert settings.database == "postgresql+asyncpg://u@h/db"
    assert not (tmp_data_dir / "secret_key").exists()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def database_modes(directory: Path) -> dict[str, int]:
    return {path.name: mode(path) for path in directory.glob("passmint.db*")}


class TestJobLease:
    def test_thirty_seconds_unless_set(self, tmp_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        assert load_settings().job_lease_seconds == 30
        monkeypatch.setenv("PASSMINT_JOB_LEASE_SECONDS", "5")
        assert load_settings().job_lease_seconds == 5

    @pytest.mark.parametrize("value", ["0", "0.5", "-3", "7200"])
    def test_out_of_bounds_is_refused(
        self, tmp_data_dir: Path, monkeypatch: pytest.MonkeyPatch, value: str
    ) -> None:
        monkeypatch.setenv("PASSMINT_JOB_LEASE_SECONDS", value)
        with pytest.raises(ValidationError, match="job_lease_seconds"):
            load_settings()


class TestPrivateDataDir:
    def test_a_new_data_dir_and_database_are_private(
        self, tmp_data_dir: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        data = tmp_data_dir / "new" / "data"
        monkeypatch.setenv("PASSMINT_DATA_DIR", str(data))
        old_umask = os.umask(0)  # even when the process would let everyone read what it creates
        try:
            settings = load_settings()
        finally:
            os.umask(old_umask)
        assert mode(data) == 0o700
        assert mode(data / "passmint.db") == 0o600
        assert mode(data / "secret_key") == 0o600
        assert settings.database.endswith(str(data / "passmint.db"))

    async def test_sqlite_gives_its_wal_and_shm_files_the_same_mode(self, tmp_data_dir: Path) -> None:
        database = Database(load_settings().database, before_commit=())
        try:
            async with database.transaction() as session:
                await session.execute(text("CREATE TABLE t (x INTEGER)"))
                await session.execute(text("INSERT INTO t VALUES (1)"))
            async with database.engine.connect():  # the -wal and -shm files live while a connection is open
                files = database_modes(tmp_data_dir)
        finally:
            await database.dispose()
        assert files == {"passmint.db": 0o600, "passmint.db-wal": 0o600, "passmint.db-shm": 0o600}

    def test_an_existing_data_dir_and_its_files_are_made_private(self, tmp_data_dir: Path) -> None:
        tmp_data_dir.chmod(0o755)
        names = ("passmint.db", "passmint.db-wal", "passmint.db-shm")
        for name in names:
            (tmp_data_dir / name).touch(mode=0o644)
            (tmp_data_dir / name).chmod(0o644)
        (tmp_data_dir / "dev-certs").mkdir(mode=0o755)
        (tmp_data_dir / "dev-certs").chmod(0o755)
        load_settings()
        assert mode(tmp_data_dir) == 0o700
        assert mode(tmp_data_dir / "dev-certs") == 0o700
        assert {name: mode(tmp_data_dir / name) for name in names} == dict.fromkeys(names, 0o600)

    def test_a_database_outside_the_data_dir_is_private_too(
        self, tmp_data_dir: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        elsewhere = tmp_path_factory.mktemp("elsewhere")
        elsewhere.chmod(0o755)
        (elsewhere / "shop.db").touch()
        (elsewhere / "shop.db").chmod(0o664)
        monkeypatch.setenv("PASSMINT_DATABASE_URL", f"sqlite+aiosqlite:///{elsewhere / 'shop.db'}")
        load_settings()
        assert mode(elsewhere / "shop.db") == 0o600
        assert mode(elsewhere) == 0o755  # not the server's own directory: left as it is
