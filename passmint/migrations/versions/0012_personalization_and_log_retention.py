"""A pass remembers the personalization token it signed; device logs are found by age, to prune them.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("passes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("personalization_token_digest", sa.String(length=64), nullable=True))
    with op.batch_alter_table("device_logs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_logs_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("device_logs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_logs_created_at"))
    with op.batch_alter_table("passes", schema=None) as batch_op:
        batch_op.drop_column("personalization_token_digest")
