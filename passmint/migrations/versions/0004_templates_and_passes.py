"""Templates, passes, their locations and tags.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tags",
        sa.Column("id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_tags_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("account_id", "name", name=op.f("uq_tags_account_id_name")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "templates",
        sa.Column("id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("project_id", ID, nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("vendor", sa.String(length=16), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=True),
        sa.Column("is_disabled", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expiry", sa.JSON(), nullable=True),
        sa.Column("design", sa.JSON(), nullable=False),
        sa.Column("image_digests", sa.JSON(), nullable=False),
        sa.Column("certificate_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_templates_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_templates_certificate_id_certificates"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_templates_project_id_projects"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_templates")),
        sa.UniqueConstraint("account_id", "external_id", name=op.f("uq_templates_account_id_external_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("templates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_templates_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_templates_project_id"), ["project_id"], unique=False)

    op.create_table(
        "passes",
        sa.Column("id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("template_id", ID, nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("serial_number", sa.String(length=64), nullable=False),
        sa.Column("authentication_token", sa.String(length=64), nullable=False),
        sa.Column("public_token", sa.String(length=64), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("image_digests", sa.JSON(), nullable=False),
        sa.Column("installed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("uninstalled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_passes_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["templates.id"],
            name=op.f("fk_passes_template_id_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passes")),
        sa.UniqueConstraint("public_token", name=op.f("uq_passes_public_token")),
        sa.UniqueConstraint("serial_number", name=op.f("uq_passes_serial_number")),
        sa.UniqueConstraint("template_id", "external_id", name=op.f("uq_passes_template_id_external_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("passes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_passes_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_passes_external_id"), ["external_id"], unique=False)
        batch_op.create_index("ix_passes_template_id_id", ["template_id", "id"], unique=False)

    op.create_table(
        "locations",
        sa.Column("id", ID, nullable=False),
        sa.Column("template_id", ID, nullable=True),
        sa.Column("pass_id", ID, nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pass_id"], ["passes.id"], name=op.f("fk_locations_pass_id_passes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["templates.id"],
            name=op.f("fk_locations_template_id_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_locations")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_locations_pass_id"), ["pass_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_locations_template_id"), ["template_id"], unique=False)

    op.create_table(
        "pass_tags",
        sa.Column("pass_id", ID, nullable=False),
        sa.Column("tag_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["pass_id"], ["passes.id"], name=op.f("fk_pass_tags_pass_id_passes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_pass_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pass_id", "tag_id", name=op.f("pk_pass_tags")),
    )
    with op.batch_alter_table("pass_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pass_tags_tag_id"), ["tag_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pass_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pass_tags_tag_id"))

    op.drop_table("pass_tags")
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_locations_template_id"))
        batch_op.drop_index(batch_op.f("ix_locations_pass_id"))

    op.drop_table("locations")
    with op.batch_alter_table("passes", schema=None) as batch_op:
        batch_op.drop_index("ix_passes_template_id_id")
        batch_op.drop_index(batch_op.f("ix_passes_external_id"))
        batch_op.drop_index(batch_op.f("ix_passes_account_id"))

    op.drop_table("passes")
    with op.batch_alter_table("templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_templates_project_id"))
        batch_op.drop_index(batch_op.f("ix_templates_account_id"))

    op.drop_table("templates")
    op.drop_table("tags")
