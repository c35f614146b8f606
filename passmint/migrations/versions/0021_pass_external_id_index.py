"""A pass found by its external id alone is found through the account's (account, external id) index.

Every lookup of a pass by external id names its account or its template (the template's has its unique
constraint). With an index on the external id alone beside the account's, SQLite chose the account's
and read every pass of the account to find one; the pair is what the lookups ask for.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("passes", schema=None) as batch_op:
        batch_op.create_index("ix_passes_account_id_external_id", ["account_id", "external_id"], unique=False)
        batch_op.drop_index(batch_op.f("ix_passes_external_id"))


def downgrade() -> None:
    with op.batch_alter_table("passes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_passes_external_id"), ["external_id"], unique=False)
        batch_op.drop_index("ix_passes_account_id_external_id")
