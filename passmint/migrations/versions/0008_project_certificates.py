"""Projects name the certificate that signs their passes; templates no longer do.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("apple_certificate_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_projects_apple_certificate_id"), ["apple_certificate_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_projects_apple_certificate_id_certificates"),
            "certificates",
            ["apple_certificate_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    with op.batch_alter_table("templates", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_templates_certificate_id_certificates"), type_="foreignkey")
        batch_op.drop_column("certificate_id")


def downgrade() -> None:
    with op.batch_alter_table("templates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("certificate_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_templates_certificate_id_certificates"),
            "certificates",
            ["certificate_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_projects_apple_certificate_id_certificates"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_projects_apple_certificate_id"))
        batch_op.drop_column("apple_certificate_id")
