"""Events, subscriptions, reminders and their deliveries (issue 6). Same `Base` as storage.models.

States (strings, so the admin report and SQL stay readable):
- `EventReminder.state`: scheduled -> broadcasting -> done; or withdrawn (event moved or
  cancelled before it went out), missed (due while the bot was down and the event had begun),
  superseded (a later reminder of the same event was due at the same time).
- `Delivery.state`: pending -> sending -> sent | failed | blocked; `sending` rows found after a
  crash become `unknown` and are never sent again (at most once; see reminders/deliveries.py);
  `withdrawn` and `expired` mark rows that were never attempted.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime


class Event(Base):
    """An event for couriers (times in UTC, shown in Asia/Shanghai); `key` keys YAML imports."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    end_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    tags: Mapped[list[str]] = mapped_column(JSON)
    audience: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(16), default="scheduled", index=True)
    remind_offsets: Mapped[list[int]] = mapped_column(JSON)  # minutes before the start
    revision: Mapped[int] = mapped_column(Integer, default=1)  # bumped when time/place change
    source: Mapped[str] = mapped_column(String(16))  # cli, telegram, yaml, campaign
    created_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Subscription(Base):
    """A courier's opt-in to one tag; `subscribed_at` is the time of consent."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("user_id", "tag", name="uq_subscriptions_user_tag"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(String(32), index=True)
    subscribed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class InactiveUser(Base):
    """A courier we must not message (blocked the bot). Removed when they write to us again."""

    __tablename__ = "inactive_users"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(String(16))
    since: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class EventReminder(Base):
    """One message about an event to its audience: an offset reminder, a campaign message, or a
    notice that the event moved or was cancelled. `key` is unique per event (e.g. `r2:60m`)."""

    __tablename__ = "event_reminders"
    __table_args__ = (
        UniqueConstraint("event_id", "key", name="uq_event_reminders_event_key"),
        Index("ix_event_reminders_state_fire_at", "state", "fire_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(48))
    kind: Mapped[str] = mapped_column(String(16))  # offset, campaign, change, cancel
    revision: Mapped[int] = mapped_column(Integer)
    fire_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(16), default="scheduled")
    text: Mapped[str | None] = mapped_column(Text, nullable=True)  # frozen when sending starts
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Delivery(Base):
    """One reminder to one courier. The unique pair is what makes every send happen at most once."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("reminder_id", "user_id", name="uq_deliveries_reminder_user"),
        Index("ix_deliveries_reminder_state", "reminder_id", "state"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("event_reminders.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class PersonalReminder(Base):
    """A courier's own deadline reminder (a work-injury claim, labour arbitration)."""

    __tablename__ = "personal_reminders"
    __table_args__ = (
        UniqueConstraint(
            "user_id", "kind", "deadline", "remind_at", name="uq_personal_reminders_user_when"
        ),
        Index("ix_personal_reminders_state_remind_at", "state", "remind_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    basis_date: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date)
    remind_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(16), default="scheduled")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    error: Mapped[str | None] = mapped_column(String(200), nullable=True)
