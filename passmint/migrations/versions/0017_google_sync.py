"""Google credentials, projects' Google credential, and Google Wallet sync state.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.alter_column(  # a Google credential keeps its service account's e-mail here
            "team_identifier", existing_type=sa.String(length=64), type_=sa.String(length=255)
        )
        batch_op.add_column(sa.Column("google_key_id", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("google_project_id", sa.String(length=255), nullable=True))
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("google_certificate_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_projects_google_certificate_id"), ["google_certificate_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_projects_google_certificate_id_certificates"),
            "certificates",
            ["google_certificate_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    op.create_table(
        "google_objects",
        sa.Column("pass_id", ID, nullable=False),
        sa.Column("known_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notified_at", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pass_id"], ["passes.id"], name=op.f("fk_google_objects_pass_id_passes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pass_id", name=op.f("pk_google_objects")),
    )
    op.create_table(
        "google_messages",
        sa.Column("id", ID, nullable=False),
        sa.Column("pass_id", ID, nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("header", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("message_type", sa.String(length=32), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pass_id"], ["passes.id"], name=op.f("fk_google_messages_pass_id_passes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_google_messages")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("google_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_google_messages_pass_id"), ["pass_id"], unique=False)
    op.create_table(
        "google_rate",
        sa.Column("credential", sa.String(length=64), nullable=False),
        sa.Column("next_at", sa.Float(precision=53), nullable=False),
        sa.PrimaryKeyConstraint("credential", name=op.f("pk_google_rate")),
    )


def downgrade() -> None:
    op.drop_table("google_rate")
    with op.batch_alter_table("google_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_google_messages_pass_id"))
    op.drop_table("google_messages")
    op.drop_table("google_objects")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_projects_google_certificate_id_certificates"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_projects_google_certificate_id"))
        batch_op.drop_column("google_certificate_id")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_column("google_project_id")
        batch_op.drop_column("google_key_id")
        batch_op.alter_column(
            "team_identifier", existing_type=sa.String(length=255), type_=sa.String(length=64)
        )
