"""Repositories: query and add, never commit (the unit of work owns the transaction)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import DialogueState, KnowledgeEntryRow, Message, User


class Users:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, channel: str, external_ref: str) -> User | None:
        return self._session.scalars(
            select(User).where(User.channel == channel, User.external_ref == external_ref)
        ).one_or_none()

    def get_or_create(self, channel: str, external_ref: str, now: dt.datetime) -> User:
        user = self.get(channel, external_ref)
        if user is not None:
            return user
        user = User(channel=channel, external_ref=external_ref, created_at=now)
        try:
            with self._session.begin_nested():
                self._session.add(user)
        except IntegrityError:  # created by a concurrent request in the meantime
            found = self.get(channel, external_ref)
            assert found is not None
            return found
        return user

    def forget(self, user: User) -> int:
        """Delete the user and every message of theirs. Returns how many messages went."""
        count = self._session.scalar(
            select(func.count()).select_from(Message).where(Message.user_id == user.id)
        )
        self._session.execute(delete(Message).where(Message.user_id == user.id))
        self._session.delete(user)
        return int(count or 0)


class Messages:
    def __init__(self, session: Session) -> None:
        self._session = session

    def seen(self, dedupe_key: str) -> bool:
        return (
            self._session.scalar(select(Message.id).where(Message.dedupe_key == dedupe_key))
            is not None
        )

    def record(
        self,
        user: User,
        direction: str,
        text: str,
        now: dt.datetime,
        *,
        dedupe_key: str | None = None,
        topic: str | None = None,
        action: str | None = None,
        confidence: float | None = None,
    ) -> Message | None:
        """Add a message; return None (and add nothing) when `dedupe_key` was recorded before.

        With a key the row is inserted at once in a savepoint, and the unique key decides (no
        read first); without one it is only added, and written with the rest of the unit of work.
        """
        message = Message(
            user_id=user.id,
            direction=direction,
            text=text,
            topic=topic,
            action=action,
            confidence=confidence,
            dedupe_key=dedupe_key,
            created_at=now,
        )
        if dedupe_key is None:
            self._session.add(message)
            return message
        try:
            with self._session.begin_nested():
                self._session.add(message)
        except IntegrityError:
            return None
        return message

    def recent(self, user: User, limit: int = 10) -> list[Message]:
        rows = self._session.scalars(
            select(Message)
            .where(Message.user_id == user.id)
            .order_by(Message.created_at.desc(), Message.id.desc())
            .limit(limit)
        ).all()
        return list(reversed(rows))


class KnowledgeRows:
    def __init__(self, session: Session) -> None:
        self._session = session

    def upsert(
        self,
        *,
        topic: str,
        title: str,
        short: str,
        body: dict[str, Any],
        content_hash: str,
        reviewed_on: dt.date,
        now: dt.datetime,
    ) -> bool:
        """Insert or update one entry; False when it is already stored with the same hash."""
        row = self._session.get(KnowledgeEntryRow, topic)
        if row is not None and row.content_hash == content_hash:
            return False
        if row is None:
            row = KnowledgeEntryRow(topic=topic)
            self._session.add(row)
        row.title = title
        row.short = short
        row.body = body
        row.content_hash = content_hash
        row.reviewed_on = reviewed_on
        row.loaded_at = now
        return True

    def remove_except(self, topics: set[str]) -> int:
        result = self._session.execute(
            delete(KnowledgeEntryRow).where(KnowledgeEntryRow.topic.not_in(topics))
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def all(self) -> list[KnowledgeEntryRow]:
        return list(
            self._session.scalars(select(KnowledgeEntryRow).order_by(KnowledgeEntryRow.topic))
        )


class States:
    """The multi-step conversation state of a user; stale states read as absent."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, user: User, now: dt.datetime, max_age: dt.timedelta) -> dict[str, Any] | None:
        row = self._session.get(DialogueState, user.id)
        if row is None or now - row.updated_at > max_age:
            return None
        return dict(row.data)

    def put(self, user: User, data: dict[str, Any] | None, now: dt.datetime) -> None:
        row = self._session.get(DialogueState, user.id)
        if data is None:
            if row is not None:
                self._session.delete(row)
            return
        if row is None:
            self._session.add(DialogueState(user_id=user.id, data=data, updated_at=now))
        else:
            row.data = data
            row.updated_at = now
