"""Statistics counters (events per template per day per platform, pass states per template), filled
from the passes and registrations already stored, and NFC merchants.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _template_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["template_id"], ["templates.id"], name=op.f(f"fk_{table}_template_id_templates"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "stats_daily",
        sa.Column("template_id", ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("created", ID, nullable=False),
        sa.Column("installed", ID, nullable=False),
        sa.Column("uninstalled", ID, nullable=False),
        _template_fk("stats_daily"),
        sa.PrimaryKeyConstraint("template_id", "day", "platform", name=op.f("pk_stats_daily")),
    )
    op.create_table(
        "stats_templates",
        sa.Column("template_id", ID, nullable=False),
        sa.Column("total", ID, nullable=False),
        sa.Column("installed", ID, nullable=False),
        sa.Column("uninstalled", ID, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _template_fk("stats_templates"),
        sa.PrimaryKeyConstraint("template_id", name=op.f("pk_stats_templates")),
    )
    _count_what_is_stored()
    op.create_table(
        "nfc_merchants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("project_id", ID, nullable=False),
        sa.Column("vendor", sa.String(length=16), nullable=False),
        sa.Column("merchant_name", sa.String(length=255), nullable=True),
        sa.Column("merchant_email", sa.String(length=255), nullable=True),
        sa.Column("terminal_provider", sa.String(length=255), nullable=True),
        sa.Column("public_key_pem", sa.Text(), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=True),
        sa.Column("key_source", sa.String(length=16), nullable=False),
        sa.Column("smart_tap_collector_id", sa.String(length=64), nullable=True),
        sa.Column("smart_tap_issuer_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_nfc_merchants_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nfc_merchants")),
    )
    with op.batch_alter_table("nfc_merchants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nfc_merchants_project_id"), ["project_id"], unique=False)


def _count_what_is_stored() -> None:
    """The counters of the passes and registrations stored before this version, as ``passmint stats
    rebuild`` counts them (written out here, as a migration's SQL is frozen with it): a pass made is
    counted under its template's platform, a registration begun or ended under its device's system."""
    postgres = op.get_bind().dialect.name == "postgresql"

    def day(column: str) -> str:
        return f"date(timezone('UTC', {column}))" if postgres else f"date({column})"

    platform = "CASE templates.vendor WHEN 'Google' THEN 'android' ELSE 'ios' END"
    registered = "registrations JOIN passes ON passes.id = registrations.pass_id"
    events = f"""
        INSERT INTO stats_daily (template_id, day, platform, created, installed, uninstalled)
        SELECT template_id, day, platform, SUM(created), SUM(installed), SUM(uninstalled) FROM (
            SELECT passes.template_id, {day("passes.created_at")} AS day, {platform} AS platform,
                   1 AS created, 0 AS installed, 0 AS uninstalled
            FROM passes JOIN templates ON templates.id = passes.template_id
            UNION ALL
            SELECT passes.template_id, {day("registrations.created_at")}, registrations.device_os, 0, 1, 0
            FROM {registered}
            UNION ALL
            SELECT passes.template_id, {day("registrations.ended_at")}, registrations.device_os, 0, 0, 1
            FROM {registered} WHERE registrations.ended_at IS NOT NULL
        ) AS events GROUP BY template_id, day, platform
    """  # noqa: S608 (made of the constant fragments above)
    op.execute(events)
    op.execute("""
        INSERT INTO stats_templates (template_id, total, installed, uninstalled, updated_at)
        SELECT template_id, COUNT(*),
               SUM(CASE WHEN installed_at IS NOT NULL AND uninstalled_at IS NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN uninstalled_at IS NOT NULL THEN 1 ELSE 0 END), CURRENT_TIMESTAMP
        FROM passes GROUP BY template_id
    """)


def downgrade() -> None:
    with op.batch_alter_table("nfc_merchants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nfc_merchants_project_id"))
    op.drop_table("nfc_merchants")
    op.drop_table("stats_templates")
    op.drop_table("stats_daily")
