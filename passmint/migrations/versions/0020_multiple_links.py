"""Adaptive links of boarding passes and event tickets name the flight or event their passes show.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("adaptive_links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("journey_id", ID, nullable=True))
        batch_op.create_index(batch_op.f("ix_adaptive_links_journey_id"), ["journey_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_adaptive_links_journey_id_journeys"),
            "journeys",
            ["journey_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("adaptive_links", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_adaptive_links_journey_id_journeys"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_adaptive_links_journey_id"))
        batch_op.drop_column("journey_id")
