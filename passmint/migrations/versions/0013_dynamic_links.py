"""Dynamic pass links: a checked pass made when its link is first opened.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dynamic_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("template_id", ID, nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("pass_id", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_dynamic_links_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pass_id"], ["passes.id"], name=op.f("fk_dynamic_links_pass_id_passes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["templates.id"],
            name=op.f("fk_dynamic_links_template_id_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dynamic_links")),
    )
    with op.batch_alter_table("dynamic_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dynamic_links_account_id"), ["account_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dynamic_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dynamic_links_account_id"))
    op.drop_table("dynamic_links")
