"""Typed ORM models for the staff side of the handoff (issue 5): staff, audit, relay, cards.

Chats and messages are addressed channel-neutrally: a channel name ("telegram") and the
channel's own ids as strings. Imported at the end of `storage.models`, so `Base` knows them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime

STAFF_ROLES = ("legal", "counselling", "union", "coordinator")
_BIG_ID = BigInteger().with_variant(Integer, "sqlite")


class Staff(Base):
    """A registered staff member. Removal deactivates the row, so the audit log keeps its name."""

    __tablename__ = "staff"
    __table_args__ = (
        UniqueConstraint("channel", "external_ref", name="uq_staff_channel_ref"),
        CheckConstraint(
            "role IN ('legal', 'counselling', 'union', 'coordinator')", name="role_known"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_ref: Mapped[str] = mapped_column(String(64))  # the Telegram user id
    # The member's WeCom userid, where 微信客服 sessions are transferred to them (may be set
    # beside a Telegram id: one person, both apps).
    wecom_userid: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    role: Mapped[str] = mapped_column(String(16))
    alias: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    removed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class StaffAudit(Base):
    """One staff (or administrator) action. Never holds a courier's words, only what was done."""

    __tablename__ = "staff_audit"

    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), nullable=True, index=True
    )
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("handoff_cases.id", ondelete="SET NULL"), nullable=True, index=True
    )
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class RelayLink(Base):
    """A message relayed (or a note sent) for a case: where it came from and where it landed.

    `target_message` is empty until the channel reports the sent message's id; a courier's
    message that arrives while the case waits has no target until someone claims the case.
    Replies find their case (and their counterpart) through either end.
    """

    __tablename__ = "relay_links"
    __table_args__ = (
        Index("ix_relay_links_source", "source_channel", "source_chat", "source_message"),
        UniqueConstraint(
            "target_channel", "target_chat", "target_message", name="uq_relay_links_target"
        ),
    )

    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("handoff_cases.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(String(8))  # to_staff, to_user, note
    source_channel: Mapped[str | None] = mapped_column(String(16), nullable=True)
    source_chat: Mapped[str | None] = mapped_column(String(64), nullable=True)
    source_message: Mapped[str | None] = mapped_column(String(64), nullable=True)
    target_channel: Mapped[str | None] = mapped_column(String(16), nullable=True)
    target_chat: Mapped[str | None] = mapped_column(String(64), nullable=True)
    target_message: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The content of a message kept for a person who has not taken the case yet, so it can
    # reach them on another channel than the courier's: the kind, the text (masked), a media id.
    kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    media_ref: Mapped[str | None] = mapped_column(String(256), nullable=True)


class StaffFocus(Base):
    """The case a staff member's plain messages go to when they hold several."""

    __tablename__ = "staff_focus"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[int] = mapped_column(
        ForeignKey("handoff_cases.id", ondelete="CASCADE"), index=True
    )
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class CaseCard(Base):
    """A card announcing a case in the staff group (or a page to a coordinator); edited on claim."""

    __tablename__ = "case_cards"
    __table_args__ = (
        UniqueConstraint("channel", "chat_ref", "message_ref", name="uq_case_cards_message"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("handoff_cases.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    chat_ref: Mapped[str] = mapped_column(String(64))
    message_ref: Mapped[str] = mapped_column(String(64))
    posted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
