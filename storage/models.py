"""Typed ORM models. Timestamps are timezone-aware and stored in UTC; constraints are named."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware datetime that always comes back as UTC (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class User(Base):
    """A courier as seen by one channel. `external_ref` is the channel's id (a Telegram chat id)."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("channel", "external_ref", name="uq_users_channel_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_ref: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    consented_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Where the courier came in: the QR poster's station (WeCom `scene_param`), for reports.
    entry_point: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # WeChat's unionid, when the union's accounts are bound to an open platform: the same person
    # on 微信客服 and on the service account (consent, reminders once, deletion together).
    unionid: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)

    messages: Mapped[list[Message]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class Message(Base):
    """One message in or out; `dedupe_key` (a Telegram update id) makes recording idempotent."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # "in" or "out"
    text: Mapped[str] = mapped_column(Text)
    topic: Mapped[str | None] = mapped_column(String(48), nullable=True)
    action: Mapped[str | None] = mapped_column(String(16), nullable=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)

    user: Mapped[User] = relationship(back_populates="messages")


class KnowledgeEntryRow(Base):
    """A loaded knowledge entry. `content_hash` lets `kb load` skip unchanged entries."""

    __tablename__ = "knowledge_entries"

    topic: Mapped[str] = mapped_column(String(48), primary_key=True)
    title: Mapped[str] = mapped_column(String(80))
    short: Mapped[str] = mapped_column(Text)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    loaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class HandoffCase(Base):
    """A request for a person. Staff tooling (claim, relay, close) builds on this row."""

    __tablename__ = "handoff_cases"
    __table_args__ = (CheckConstraint("satisfaction BETWEEN 1 AND 5", name="satisfaction_range"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reason: Mapped[str] = mapped_column(String(32))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="waiting", index=True)
    topic: Mapped[str | None] = mapped_column(String(48), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # Staff work (issue 5, migration 0005): who holds it, what the courier is called, the clock.
    pseudonym: Mapped[str | None] = mapped_column(String(32), nullable=True)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    share_identity: Mapped[bool] = mapped_column(Boolean, default=False)
    waiting_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_announced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    escalated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    preferred_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), nullable=True
    )
    claimed_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), nullable=True, index=True
    )
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    first_staff_reply_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    close_note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    satisfaction: Mapped[int | None] = mapped_column(Integer, nullable=True)


class DialogueState(Base):
    """Where a courier is in a multi-step conversation (a calculator), kept across restarts."""

    __tablename__ = "dialogue_states"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ProcessedUpdate(Base):
    """A channel update (a Telegram update id) already taken; a redelivery is skipped."""

    __tablename__ = "processed_updates"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


# The channels' tables, the staff tables (issue 5) and the web console's accounts and audit
# (issue 16) live in their own modules; importing them registers them on `Base`.
from storage import channel_models as _channel_models  # noqa: E402, F401
from storage import console_models as _console_models  # noqa: E402, F401
from storage import handoff_models as _handoff_models  # noqa: E402, F401
