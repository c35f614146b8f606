"""Flights and events (journeys), their pass groups, and the passes that show them.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "journeys",
        sa.Column("id", ID, nullable=False),
        sa.Column("project_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("semantics", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_journeys_project_id_projects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journeys")),
        sa.UniqueConstraint(
            "project_id", "kind", "external_id", name=op.f("uq_journeys_project_id_kind_external_id")
        ),
    )
    op.create_index(op.f("ix_journeys_project_id"), "journeys", ["project_id"], unique=False)
    op.create_table(
        "journey_groups",
        sa.Column("journey_id", ID, nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("project_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["journey_id"],
            ["journeys.id"],
            name=op.f("fk_journey_groups_journey_id_journeys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("journey_id", "name", name=op.f("pk_journey_groups")),
    )
    op.create_index(
        "ix_journey_groups_project_kind_name", "journey_groups", ["project_id", "kind", "name"], unique=False
    )
    op.create_table(
        "journey_passes",
        sa.Column("pass_id", ID, nullable=False),
        sa.Column("journey_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["journey_id"],
            ["journeys.id"],
            name=op.f("fk_journey_passes_journey_id_journeys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pass_id"], ["passes.id"], name=op.f("fk_journey_passes_pass_id_passes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pass_id", name=op.f("pk_journey_passes")),
    )
    op.create_index(op.f("ix_journey_passes_journey_id"), "journey_passes", ["journey_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_journey_passes_journey_id"), table_name="journey_passes")
    op.drop_table("journey_passes")
    op.drop_index("ix_journey_groups_project_kind_name", table_name="journey_groups")
    op.drop_table("journey_groups")
    op.drop_index(op.f("ix_journeys_project_id"), table_name="journeys")
    op.drop_table("journeys")
