"""Google Wallet save and delete callbacks: registrations without a device, and the callbacks' nonces.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "google_callback_nonces",
        sa.Column("nonce", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_google_callback_nonces")),
    )
    with op.batch_alter_table("google_callback_nonces", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_google_callback_nonces_expires_at"), ["expires_at"], unique=False
        )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.alter_column("device_id", existing_type=ID, nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM registrations WHERE device_id IS NULL")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.alter_column("device_id", existing_type=ID, nullable=False)
    with op.batch_alter_table("google_callback_nonces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_google_callback_nonces_expires_at"))
    op.drop_table("google_callback_nonces")
