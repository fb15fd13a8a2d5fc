"""human handoff: staff, queue, claim, relay, audit (issue 5)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_CASE_COLUMNS = (
    "pseudonym",
    "summary",
    "share_identity",
    "waiting_since",
    "last_announced_at",
    "escalated_at",
    "preferred_staff_id",
    "claimed_by",
    "claimed_at",
    "first_staff_reply_at",
    "closed_at",
    "close_note",
    "satisfaction",
)


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("external_ref", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("alias", sa.String(32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("removed_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_staff"),
        sa.UniqueConstraint("channel", "external_ref", name="uq_staff_channel_ref"),
        sa.CheckConstraint(
            "role IN ('legal', 'counselling', 'union', 'coordinator')",
            name=op.f("ck_staff_role_known"),
        ),
    )

    with op.batch_alter_table("handoff_cases") as batch:
        batch.add_column(sa.Column("pseudonym", sa.String(32), nullable=True))
        batch.add_column(sa.Column("summary", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column("share_identity", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("waiting_since", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("last_announced_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("escalated_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("preferred_staff_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("claimed_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("claimed_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("first_staff_reply_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("closed_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("close_note", sa.String(500), nullable=True))
        batch.add_column(sa.Column("satisfaction", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_handoff_cases_preferred_staff_id_staff",
            "staff",
            ["preferred_staff_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_foreign_key(
            "fk_handoff_cases_claimed_by_staff", "staff", ["claimed_by"], ["id"], ondelete="SET NULL"
        )
        batch.create_check_constraint(
            op.f("ck_handoff_cases_satisfaction_range"), "satisfaction BETWEEN 1 AND 5"
        )
        batch.create_index("ix_handoff_cases_claimed_by", ["claimed_by"])
    op.execute("UPDATE handoff_cases SET waiting_since = created_at WHERE waiting_since IS NULL")

    op.create_table(
        "staff_audit",
        sa.Column("id", _BIG_ID, nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False, server_default=""),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_staff_audit"),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name="fk_staff_audit_staff_id_staff", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["handoff_cases.id"],
            name="fk_staff_audit_case_id_handoff_cases",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_staff_audit_staff_id", "staff_audit", ["staff_id"])
    op.create_index("ix_staff_audit_case_id", "staff_audit", ["case_id"])
    op.create_index("ix_staff_audit_at", "staff_audit", ["at"])

    op.create_table(
        "relay_links",
        sa.Column("id", _BIG_ID, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("source_channel", sa.String(16), nullable=True),
        sa.Column("source_chat", sa.String(64), nullable=True),
        sa.Column("source_message", sa.String(64), nullable=True),
        sa.Column("target_channel", sa.String(16), nullable=True),
        sa.Column("target_chat", sa.String(64), nullable=True),
        sa.Column("target_message", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_relay_links"),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["handoff_cases.id"],
            name="fk_relay_links_case_id_handoff_cases",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "target_channel", "target_chat", "target_message", name="uq_relay_links_target"
        ),
    )
    op.create_index("ix_relay_links_case_id", "relay_links", ["case_id"])
    op.create_index(
        "ix_relay_links_source", "relay_links", ["source_channel", "source_chat", "source_message"]
    )

    op.create_table(
        "staff_focus",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("staff_id", name="pk_staff_focus"),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name="fk_staff_focus_staff_id_staff", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["handoff_cases.id"],
            name="fk_staff_focus_case_id_handoff_cases",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_staff_focus_case_id", "staff_focus", ["case_id"])

    op.create_table(
        "case_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("chat_ref", sa.String(64), nullable=False),
        sa.Column("message_ref", sa.String(64), nullable=False),
        sa.Column("posted_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_case_cards"),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["handoff_cases.id"],
            name="fk_case_cards_case_id_handoff_cases",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("channel", "chat_ref", "message_ref", name="uq_case_cards_message"),
    )
    op.create_index("ix_case_cards_case_id", "case_cards", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_case_cards_case_id", table_name="case_cards")
    op.drop_table("case_cards")
    op.drop_index("ix_staff_focus_case_id", table_name="staff_focus")
    op.drop_table("staff_focus")
    op.drop_index("ix_relay_links_source", table_name="relay_links")
    op.drop_index("ix_relay_links_case_id", table_name="relay_links")
    op.drop_table("relay_links")
    op.drop_index("ix_staff_audit_at", table_name="staff_audit")
    op.drop_index("ix_staff_audit_case_id", table_name="staff_audit")
    op.drop_index("ix_staff_audit_staff_id", table_name="staff_audit")
    op.drop_table("staff_audit")
    with op.batch_alter_table("handoff_cases") as batch:
        batch.drop_index("ix_handoff_cases_claimed_by")
        batch.drop_constraint(op.f("ck_handoff_cases_satisfaction_range"), type_="check")
        batch.drop_constraint("fk_handoff_cases_claimed_by_staff", type_="foreignkey")
        batch.drop_constraint("fk_handoff_cases_preferred_staff_id_staff", type_="foreignkey")
        for column in _CASE_COLUMNS:
            batch.drop_column(column)
    op.drop_table("staff")
