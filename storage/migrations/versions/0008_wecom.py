"""channels beside Telegram (issue 13): inbound de-duplication by string keys, sync cursors,
reply windows, the courier's entry point, a staff member's WeCom userid, relayed content

Revision ID: 0008_wecom
Revises: 0006
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision: str = "0008_wecom"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "processed_inbound",
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("channel", "key", name="pk_processed_inbound"),
    )
    op.create_index("ix_processed_inbound_received_at", "processed_inbound", ["received_at"])
    op.create_table(
        "channel_cursors",
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("channel", "key", name="pk_channel_cursors"),
    )
    op.create_table(
        "reply_windows",
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("external_ref", sa.String(64), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("closes_at", UTCDateTime(), nullable=False),
        sa.Column("allowed", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("channel", "external_ref", name="pk_reply_windows"),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("entry_point", sa.String(64), nullable=True))
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("wecom_userid", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_staff_wecom_userid", ["wecom_userid"])
    with op.batch_alter_table("relay_links") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=True))
        batch.add_column(sa.Column("body", sa.Text(), nullable=True))
        batch.add_column(sa.Column("media_ref", sa.String(256), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("relay_links") as batch:
        batch.drop_column("media_ref")
        batch.drop_column("body")
        batch.drop_column("kind")
    with op.batch_alter_table("staff") as batch:
        batch.drop_constraint("uq_staff_wecom_userid", type_="unique")
        batch.drop_column("wecom_userid")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("entry_point")
    op.drop_table("reply_windows")
    op.drop_table("channel_cursors")
    op.drop_index("ix_processed_inbound_received_at", table_name="processed_inbound")
    op.drop_table("processed_inbound")
