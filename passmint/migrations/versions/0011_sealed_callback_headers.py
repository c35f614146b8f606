"""Callback headers (often credentials) are stored sealed, as the signing secret is.

The rows already there are sealed here, with the secret key in force: ``passmint db upgrade`` and
``passmint serve`` hand it over (the Alembic config attribute ``secret_key``); a bare ``alembic`` run
reads ``PASSMINT_SECRET_KEY``. Without a key, a database with callback specs is refused, not left half
done. The sealing is written out here rather than imported, so this migration keeps doing what it did
when passmint's code changes: ``kit.crypto.SecretBox`` with the purpose ``callback-signing``
(AES-256-GCM under an HKDF-SHA256 key; ``0x01``, the 12-byte nonce, then the ciphertext), bound to
``b"headers:"`` and the project id (8 bytes, big-endian).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FORMAT = b"\x01"
NONCE_BYTES = 12
specs = sa.table(
    "callback_specs",
    sa.column("project_id", sa.Integer()),
    sa.column("headers", sa.JSON()),
    sa.column("sealed_headers", sa.LargeBinary()),
)


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(specs.c.project_id, specs.c.headers)).all()
    aead = _aead() if rows else None  # before any change: without a key, nothing is done
    with op.batch_alter_table("callback_specs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed_headers", sa.LargeBinary(), nullable=True))
    for project_id, headers in rows:
        assert aead is not None
        sealed = _seal(aead, json.dumps(headers).encode(), _context(project_id))
        statement = sa.update(specs).where(specs.c.project_id == project_id)
        connection.execute(statement.values(sealed_headers=sealed))
    with op.batch_alter_table("callback_specs", schema=None) as batch_op:
        batch_op.alter_column("sealed_headers", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("headers")


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(specs.c.project_id, specs.c.sealed_headers)).all()
    aead = _aead() if rows else None
    with op.batch_alter_table("callback_specs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("headers", sa.JSON(), nullable=True))
    for project_id, sealed in rows:
        assert aead is not None
        headers = json.loads(_open(aead, sealed, _context(project_id)))
        statement = sa.update(specs).where(specs.c.project_id == project_id)
        connection.execute(statement.values(headers=headers))
    with op.batch_alter_table("callback_specs", schema=None) as batch_op:
        batch_op.alter_column("headers", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("sealed_headers")


def _aead() -> AESGCM:
    config = op.get_context().config
    secret = (config.attributes.get("secret_key") if config is not None else None) or os.environ.get(
        "PASSMINT_SECRET_KEY"
    )
    if not secret:
        raise RuntimeError(
            "sealing the callback headers already stored needs the secret key: run `passmint db upgrade`, "
            "or set PASSMINT_SECRET_KEY"
        )
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"passmint:callback-signing").derive(
        secret.encode()
    )
    return AESGCM(key)


def _context(project_id: int) -> bytes:
    return b"headers:" + project_id.to_bytes(8, "big")


def _seal(aead: AESGCM, plaintext: bytes, context: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return FORMAT + nonce + aead.encrypt(nonce, plaintext, context)


def _open(aead: AESGCM, sealed: bytes, context: bytes) -> bytes:
    if sealed[:1] != FORMAT:
        raise RuntimeError("a sealed callback header set is in an unknown format")
    return aead.decrypt(sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :], context)
