"""one person on two WeChat channels (issue 15): users.unionid

Revision ID: 0010_unionid
Revises: 0009_console
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_unionid"
down_revision: str | None = "0009_console"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("unionid", sa.String(64), nullable=True))
        batch.create_index("ix_users_unionid", ["unionid"])


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_index("ix_users_unionid")
        batch.drop_column("unionid")
