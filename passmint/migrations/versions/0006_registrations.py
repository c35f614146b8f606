"""Registrations of passes on devices, device logs, and the change clock of passes.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    clock = op.create_table(
        "change_clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", ID, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_clock")),
    )
    op.bulk_insert(clock, [{"id": 1, "value": 0}])
    op.create_table(
        "devices",
        sa.Column("id", ID, nullable=False),
        sa.Column("device_library_identifier", sa.String(length=255), nullable=False),
        sa.Column("push_token", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("device_library_identifier", name=op.f("uq_devices_device_library_identifier")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "device_logs",
        sa.Column("id", ID, nullable=False),
        sa.Column("pass_id", ID, nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pass_id"], ["passes.id"], name=op.f("fk_device_logs_pass_id_passes"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_logs")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("device_logs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_logs_pass_id"), ["pass_id"], unique=False)

    op.create_table(
        "registrations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("pass_id", ID, nullable=False),
        sa.Column("device_id", ID, nullable=False),
        sa.Column("pass_type_identifier", sa.String(length=255), nullable=False),
        sa.Column("wallet", sa.String(length=32), nullable=False),
        sa.Column("device_os", sa.String(length=16), nullable=False),
        sa.Column("user_agent", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_registrations_device_id_devices"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["pass_id"], ["passes.id"], name=op.f("fk_registrations_pass_id_passes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registrations")),
    )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registrations_device_id_pass_type_identifier",
            ["device_id", "pass_type_identifier"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_registrations_pass_id"), ["pass_id"], unique=False)
        batch_op.create_index(
            "uq_registrations_active",
            ["pass_id", "device_id"],
            unique=True,
            postgresql_where=sa.text("ended_at IS NULL"),
            sqlite_where=sa.text("ended_at IS NULL"),
        )

    with op.batch_alter_table("passes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("change_seq", ID, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("passes", schema=None) as batch_op:
        batch_op.drop_column("change_seq")

    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_registrations_active",
            postgresql_where=sa.text("ended_at IS NULL"),
            sqlite_where=sa.text("ended_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_registrations_pass_id"))
        batch_op.drop_index("ix_registrations_device_id_pass_type_identifier")

    op.drop_table("registrations")
    with op.batch_alter_table("device_logs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_logs_pass_id"))

    op.drop_table("device_logs")
    op.drop_table("devices")
    op.drop_table("change_clock")
