"""Typed ORM models that every channel shares: inbound de-duplication, sync cursors, and the
reply windows of platforms that only let a bot write for a while after the person wrote.

Imported at the end of `storage.models`, so `Base` knows them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime


class ProcessedInbound(Base):
    """A channel's message or update (a Telegram update id, a WeCom msgid) already taken: a
    redelivery, a retried callback or a replay after a restart is skipped."""

    __tablename__ = "processed_inbound"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class ChannelCursor(Base):
    """Where a channel's message feed was read up to (WeCom `sync_msg` per `open_kfid`).

    Written only after the messages it covers were handled, so a restart reads on from it."""

    __tablename__ = "channel_cursors"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    cursor: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ReplyWindow(Base):
    """How many messages the bot may still send a person on a channel that limits it (WeChat:
    5 within 48 hours of the person's last message). Opened again by each message of theirs."""

    __tablename__ = "reply_windows"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    external_ref: Mapped[str] = mapped_column(String(64), primary_key=True)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    allowed: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, default=0)
    # The platform account the person wrote to (a WeCom open_kfid), to answer from it later.
    account: Mapped[str | None] = mapped_column(String(64), nullable=True)
