"""The settings of the minimal Django project serving django-walletpass for ``walletpass.py``.

Configured as django-walletpass's README says (its app installed, ``WALLETPASS`` naming the pass type,
team, certificate and key, its URLs included), with Django's defaults otherwise but two choices that
favour it: no middleware at all, and persistent database connections (``CONN_MAX_AGE``) on a SQLite
file with passmint's pragmas (WAL). Everything is read from ``WALLETPASS_BENCH_DIR``.
"""

from __future__ import annotations

import os
from pathlib import Path

from passmint.db import SQLITE_PRAGMAS

DIRECTORY = Path(os.environ["WALLETPASS_BENCH_DIR"])
PASS_TYPE_ID = os.environ.get("WALLETPASS_BENCH_PASS_TYPE", "pass.dev.passmint")

SECRET_KEY = "benchmark-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "django_walletpass"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "benchmarks.peers.walletpass_urls"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DIRECTORY / "walletpass.sqlite3",
        "CONN_MAX_AGE": None,
        "OPTIONS": {"init_command": ";".join(SQLITE_PRAGMAS)},
    }
}
MEDIA_ROOT = DIRECTORY / "media"
WALLETPASS = {
    "CERT_PATH": str(DIRECTORY / "pass-cert.pem"),
    "KEY_PATH": str(DIRECTORY / "pass-key.pem"),
    "KEY_PASSWORD": None,
    "PASS_TYPE_ID": PASS_TYPE_ID,
    "TEAM_ID": "TEAM000001",
    "SERVICE_URL": "http://127.0.0.1/apple/",
}
