"""handoff cases: a waiting request for a person

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handoff_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=True),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("topic", sa.String(48), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_cases"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_handoff_cases_user_id_users", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_handoff_cases_user_id", "handoff_cases", ["user_id"])
    op.create_index("ix_handoff_cases_status", "handoff_cases", ["status"])


def downgrade() -> None:
    op.drop_index("ix_handoff_cases_status", table_name="handoff_cases")
    op.drop_index("ix_handoff_cases_user_id", table_name="handoff_cases")
    op.drop_table("handoff_cases")
