"""events, subscriptions, reminders and deliveries (issue 6)

Also creates `apscheduler_jobs`, the table APScheduler's SQLAlchemyJobStore keeps its jobs in
(same columns as APScheduler 3.11 defines), so that the migrations own every table.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["users.id"], name=f"fk_{table}_user_id_users", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(64), nullable=True),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("start_at", UTCDateTime(), nullable=False),
        sa.Column("end_at", UTCDateTime(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("audience", sa.String(120), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("remind_offsets", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.UniqueConstraint("key", name="uq_events_key"),
    )
    op.create_index("ix_events_start_at", "events", ["start_at"])
    op.create_index("ix_events_status", "events", ["status"])

    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(32), nullable=False),
        sa.Column("subscribed_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_subscriptions"),
        _user_fk("subscriptions"),
        sa.UniqueConstraint("user_id", "tag", name="uq_subscriptions_user_tag"),
    )
    op.create_index("ix_subscriptions_tag", "subscriptions", ["tag"])

    op.create_table(
        "inactive_users",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_inactive_users"),
        _user_fk("inactive_users"),
    )

    op.create_table(
        "event_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(48), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("fire_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_event_reminders"),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name="fk_event_reminders_event_id_events",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("event_id", "key", name="uq_event_reminders_event_key"),
    )
    op.create_index(
        "ix_event_reminders_state_fire_at", "event_reminders", ["state", "fire_at"]
    )

    op.create_table(
        "deliveries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(200), nullable=True),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.ForeignKeyConstraint(
            ["reminder_id"], ["event_reminders.id"],
            name="fk_deliveries_reminder_id_event_reminders", ondelete="CASCADE",
        ),
        _user_fk("deliveries"),
        sa.UniqueConstraint("reminder_id", "user_id", name="uq_deliveries_reminder_user"),
    )
    op.create_index("ix_deliveries_reminder_state", "deliveries", ["reminder_id", "state"])
    op.create_index("ix_deliveries_user_id", "deliveries", ["user_id"])

    op.create_table(
        "personal_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("basis_date", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("remind_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("error", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_personal_reminders"),
        _user_fk("personal_reminders"),
        sa.UniqueConstraint(
            "user_id", "kind", "deadline", "remind_at", name="uq_personal_reminders_user_when"
        ),
    )
    op.create_index(
        "ix_personal_reminders_state_remind_at", "personal_reminders", ["state", "remind_at"]
    )
    op.create_index("ix_personal_reminders_user_id", "personal_reminders", ["user_id"])

    # APScheduler 3.11's SQLAlchemyJobStore table, column for column.
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(191), nullable=False),
        sa.Column("next_run_time", sa.Float(25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_apscheduler_jobs"),
    )
    op.create_index("ix_apscheduler_jobs_next_run_time", "apscheduler_jobs", ["next_run_time"])


def downgrade() -> None:
    op.drop_index("ix_apscheduler_jobs_next_run_time", table_name="apscheduler_jobs")
    op.drop_table("apscheduler_jobs")
    op.drop_index("ix_personal_reminders_user_id", table_name="personal_reminders")
    op.drop_index("ix_personal_reminders_state_remind_at", table_name="personal_reminders")
    op.drop_table("personal_reminders")
    op.drop_index("ix_deliveries_user_id", table_name="deliveries")
    op.drop_index("ix_deliveries_reminder_state", table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_index("ix_event_reminders_state_fire_at", table_name="event_reminders")
    op.drop_table("event_reminders")
    op.drop_table("inactive_users")
    op.drop_index("ix_subscriptions_tag", table_name="subscriptions")
    op.drop_table("subscriptions")
    op.drop_index("ix_events_status", table_name="events")
    op.drop_index("ix_events_start_at", table_name="events")
    op.drop_table("events")
