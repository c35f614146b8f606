"""Settings from the environment and the generated secret key."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from passmint.config import load_settings


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
