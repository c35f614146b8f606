"""Verified API keys remembered for a few seconds, so a request need not look its key up."""

from __future__ import annotations

from dataclasses import dataclass

from cachetools import TTLCache

from passmint.kit.security import hash_token, tokens_equal
from passmint.kit.time import utcnow
from passmint.models import Account

MAX_KEYS = 4096
"""Keys remembered at most; the least recently used goes first."""


@dataclass(frozen=True)
class _Verified:
    secret_hash: str
    account: Account


def _now() -> float:
    return utcnow().timestamp()


class KeyCache:
    """API keys whose secret was checked against the database, each remembered for ``seconds``.

    An entry keeps the digest of the secret that was checked: a request whose secret's digest is not
    equal to it (compared in constant time) never gets its account from here and is checked against the
    database again. A revoked key is refused once its entry expires: at most ``seconds`` after the
    revocation. ``seconds`` of 0 remembers nothing. Read through ``kit.time``'s clock (tests move it).
    """

    def __init__(self, seconds: float, max_keys: int = MAX_KEYS) -> None:
        self.seconds = seconds
        self._entries: TTLCache[str, _Verified] | None = (
            TTLCache(maxsize=max_keys, ttl=seconds, timer=_now) if seconds > 0 else None
        )

    def get(self, key: str, secret: str) -> Account | None:
        """The account of ``key`` if it was verified with this same secret less than ``seconds`` ago."""
        if self._entries is None:
            return None
        found = self._entries.get(key)
        if found is None or not tokens_equal(hash_token(secret), found.secret_hash):
            return None
        return found.account

    def put(self, key: str, secret: str, account: Account) -> None:
        """Remember that ``key`` with ``secret`` was just verified as ``account``'s."""
        if self._entries is not None:
            self._entries[key] = _Verified(hash_token(secret), account)
