"""Adaptive links: one URL for both wallets, and the passes each link made.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "adaptive_links",
        sa.Column("id", ID, nullable=False),
        sa.Column("public_id", sa.String(length=16), nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("project_id", ID, nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ios_template_id", ID, nullable=True),
        sa.Column("android_template_id", ID, nullable=True),
        sa.Column("ios_pass_link_id", sa.Uuid(), nullable=True),
        sa.Column("android_pass_link_id", sa.Uuid(), nullable=True),
        sa.Column("ios_draft", sa.JSON(), nullable=True),
        sa.Column("android_draft", sa.JSON(), nullable=True),
        sa.Column("ios_pass_id", ID, nullable=True),
        sa.Column("android_pass_id", ID, nullable=True),
        sa.Column("is_personalized", sa.Boolean(), nullable=False),
        sa.Column("landing_page_url", sa.String(length=2048), nullable=True),
        sa.Column("expiration_date", sa.Date(), nullable=True),
        sa.Column("available_passes", ID, nullable=False),
        sa.Column("ttl_in_days", sa.Integer(), nullable=False),
        sa.Column("parameter_encoding", sa.String(length=16), nullable=True),
        sa.Column("location_radius", sa.Integer(), nullable=True),
        sa.Column("max_result_locations", sa.Integer(), nullable=True),
        sa.Column("install_limit", ID, nullable=True),
        sa.Column("install_limit_per_pass_external_id", ID, nullable=True),
        sa.Column("deliveries", ID, nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("locations", sa.JSON(), nullable=False),
        sa.Column("active_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_adaptive_links_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["android_pass_id"],
            ["passes.id"],
            name=op.f("fk_adaptive_links_android_pass_id_passes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["android_template_id"],
            ["templates.id"],
            name=op.f("fk_adaptive_links_android_template_id_templates"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ios_pass_id"],
            ["passes.id"],
            name=op.f("fk_adaptive_links_ios_pass_id_passes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ios_template_id"],
            ["templates.id"],
            name=op.f("fk_adaptive_links_ios_template_id_templates"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_adaptive_links_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adaptive_links")),
        sa.UniqueConstraint(
            "project_id", "external_id", name=op.f("uq_adaptive_links_project_id_external_id")
        ),
        sa.UniqueConstraint("public_id", name=op.f("uq_adaptive_links_public_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("adaptive_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_adaptive_links_account_id"), ["account_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_adaptive_links_android_template_id"), ["android_template_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_adaptive_links_ios_template_id"), ["ios_template_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_adaptive_links_project_id"), ["project_id"], unique=False)

    op.create_table(
        "adaptive_link_passes",
        sa.Column("pass_id", ID, nullable=False),
        sa.Column("link_id", ID, nullable=False),
        sa.Column("deliveries", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["adaptive_links.id"],
            name=op.f("fk_adaptive_link_passes_link_id_adaptive_links"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pass_id"],
            ["passes.id"],
            name=op.f("fk_adaptive_link_passes_pass_id_passes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pass_id", name=op.f("pk_adaptive_link_passes")),
    )
    with op.batch_alter_table("adaptive_link_passes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_adaptive_link_passes_link_id"), ["link_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("adaptive_link_passes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adaptive_link_passes_link_id"))

    op.drop_table("adaptive_link_passes")
    with op.batch_alter_table("adaptive_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adaptive_links_project_id"))
        batch_op.drop_index(batch_op.f("ix_adaptive_links_ios_template_id"))
        batch_op.drop_index(batch_op.f("ix_adaptive_links_android_template_id"))
        batch_op.drop_index(batch_op.f("ix_adaptive_links_account_id"))

    op.drop_table("adaptive_links")
