"""Per-tag opt-in with the time of consent; opting out keeps the row (revoked_at) as a record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.event_models import Event, InactiveUser, PersonalReminder, Subscription

MAX_MENU_TAGS = 12


@dataclass(frozen=True, slots=True)
class StopAll:
    tags: int  # subscriptions revoked
    personal: int  # personal reminders cancelled


def active_tags(session: Session, user_id: int) -> set[str]:
    return set(
        session.scalars(
            select(Subscription.tag).where(
                Subscription.user_id == user_id, Subscription.revoked_at.is_(None)
            )
        )
    )


def subscribe(session: Session, user_id: int, tag: str, now: dt.datetime) -> bool:
    """Opt in to `tag`; False when already in. Consent time is (re)stamped on opting in."""
    row = session.scalars(
        select(Subscription).where(Subscription.user_id == user_id, Subscription.tag == tag)
    ).one_or_none()
    if row is None:
        session.add(Subscription(user_id=user_id, tag=tag, subscribed_at=now))
        return True
    if row.revoked_at is None:
        return False
    row.subscribed_at = now
    row.revoked_at = None
    return True


def unsubscribe(session: Session, user_id: int, tag: str, now: dt.datetime) -> bool:
    result = session.execute(
        update(Subscription)
        .where(
            Subscription.user_id == user_id,
            Subscription.tag == tag,
            Subscription.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


def unsubscribe_all(session: Session, user_id: int, now: dt.datetime) -> StopAll:
    """Stop everything at once: every tag, and personal reminders not yet sent."""
    tags = session.execute(
        update(Subscription)
        .where(Subscription.user_id == user_id, Subscription.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    personal = session.execute(
        update(PersonalReminder)
        .where(PersonalReminder.user_id == user_id, PersonalReminder.state == "scheduled")
        .values(state="cancelled")
    )
    return StopAll(int(getattr(tags, "rowcount", 0)), int(getattr(personal, "rowcount", 0)))


def available_tags(
    session: Session, now: dt.datetime, configured: Sequence[str]
) -> tuple[str, ...]:
    """The configured tags first, then any other tag of an upcoming event."""
    tags: dict[str, None] = dict.fromkeys(configured)
    for event_tags in session.scalars(
        select(Event.tags).where(Event.status == "scheduled", Event.start_at > now)
    ):
        tags.update(dict.fromkeys(event_tags))
    return tuple(tags)[:MAX_MENU_TAGS]


def mark_inactive(session: Session, user_id: int, reason: str, now: dt.datetime) -> None:
    if session.get(InactiveUser, user_id) is not None:
        return
    try:
        with session.begin_nested():
            session.add(InactiveUser(user_id=user_id, reason=reason, since=now))
    except IntegrityError:  # marked by a concurrent send in the meantime
        pass


def mark_active(session: Session, user_id: int) -> bool:
    """The courier wrote to us again (so unblocked the bot): messages may go to them again."""
    result = session.execute(delete(InactiveUser).where(InactiveUser.user_id == user_id))
    return bool(getattr(result, "rowcount", 0))
