"""One delivery record per reminder and courier, claimed before the send.

At most once, by design. A record goes pending -> sending (committed before the message is
handed to the channel) -> sent | failed | blocked. If the process dies between the claim and
the outcome, nobody can tell whether Telegram got the message (it has no way to ask), so such a
record becomes `unknown` when the broadcast resumes and is never sent again. The price: a crash
can cost the couriers whose messages were in flight at that instant their reminder (at most
one per worker, usually none, since the claim comes right before the send); the gain: no
restart, crash or retry ever sends the same reminder twice. A graceful stop finishes the sends
in flight first, so only a hard kill leaves `unknown` records. Retries (flood control, network
errors that surely did not reach the server) put the record back to pending first.

Exactly once where the platform allows it: a channel whose sends carry an idempotency key the
platform honours (WeChat templates: `client_msg_id` = the record id, kept ten minutes) is
`repeat_safe`; its records left `sending` by a crash go back to pending while the key still
holds (`repeat_recent`) and are sent again, which reaches the courier once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, case, exists, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from common.clock import Clock
from reminders.broadcaster import Claim
from reminders.sender import Outcome, SendOutcome
from reminders.subscriptions import mark_inactive
from storage.db import UnitOfWork
from storage.event_models import (
    Delivery,
    Event,
    EventReminder,
    InactiveUser,
    PersonalReminder,
    Subscription,
)
from storage.models import User, UTCDateTime

REMINDED = ("sent", "sending", "unknown")  # may have reached the courier
FINAL = {
    Outcome.SENT: "sent",
    Outcome.BLOCKED: "blocked",
    Outcome.FAILED: "failed",
    Outcome.UNKNOWN: "unknown",
    Outcome.RETRY_AFTER: "failed",
    Outcome.NETWORK_ERROR: "failed",
    Outcome.UNDELIVERABLE: "undeliverable",
}
STATES = (
    "pending", "sending", "sent", "failed", "blocked", "unknown", "undeliverable", "withdrawn",
    "expired",
)  # fmt: skip
_NO_SYNC = {"synchronize_session": False}


@dataclass(frozen=True, slots=True)
class Progress:
    reminder_id: int
    state: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return self.total - self.counts.get("pending", 0) - self.counts.get("sending", 0)

    def get(self, state: str) -> int:
        return self.counts.get(state, 0)


def _reachable(channels: tuple[str, ...], user: Any = User) -> list[ColumnElement[bool]]:
    return [
        user.channel.in_(channels),
        ~exists().where(InactiveUser.user_id == user.id),
    ]


def _subscribed(tags: list[str], user: Any = User) -> ColumnElement[bool]:
    return exists().where(
        Subscription.user_id == user.id,
        Subscription.tag.in_(tags),
        Subscription.revoked_at.is_(None),
    )


# One reminder per person: someone on two WeChat channels (same unionid) gets it on the one
# that can reach them any time (the service account's templates), else on the older row.
_CHANNEL_RANK = {"wechat_mp": 0, "wecom": 1}


def _rank(user: Any) -> ColumnElement[int]:
    return case(_CHANNEL_RANK, value=user.channel, else_=2)


def _first_of_person(channels: tuple[str, ...], tags: list[str]) -> ColumnElement[bool]:
    twin = aliased(User)
    better = or_(_rank(twin) < _rank(User), and_(_rank(twin) == _rank(User), twin.id < User.id))
    return or_(
        User.unionid.is_(None),
        ~exists().where(
            twin.unionid == User.unionid,
            twin.id != User.id,
            better,
            *_reachable(channels, twin),
            _subscribed(tags, twin),
        ),
    )


def open_broadcast(
    session: Session,
    reminder_id: int,
    *,
    text: str,
    now: dt.datetime,
    channels: tuple[str, ...],
) -> int | None:
    """Take a scheduled reminder (None when another run took it first) and write one pending
    record per courier it goes to, in the same transaction. Returns how many."""
    taken = session.execute(
        update(EventReminder)
        .where(EventReminder.id == reminder_id, EventReminder.state == "scheduled")
        .values(state="broadcasting", started_at=now, text=text)
        .execution_options(**_NO_SYNC)
    )
    if getattr(taken, "rowcount", 0) != 1:
        return None
    reminder = session.get(EventReminder, reminder_id)
    assert reminder is not None
    event = session.get(Event, reminder.event_id)
    assert event is not None
    tags = list(event.tags)
    who = select(literal(reminder_id), User.id, literal("pending"), literal(0)).where(
        *_reachable(channels), _subscribed(tags), _first_of_person(channels, tags)
    )
    if reminder.kind in ("change", "cancel"):  # only those already told about the event
        earlier = (
            select(Delivery.id)
            .join(EventReminder, EventReminder.id == Delivery.reminder_id)
            .where(
                Delivery.user_id == User.id,
                EventReminder.event_id == event.id,
                EventReminder.revision < reminder.revision,
                Delivery.state.in_(REMINDED),
            )
        )
        who = who.where(earlier.exists())
    session.execute(
        insert(Delivery).from_select(["reminder_id", "user_id", "state", "attempts"], who)
    )
    return int(
        session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.reminder_id == reminder_id)
        )
        or 0
    )


def was_reminded(session: Session, event_id: int, before_revision: int) -> bool:
    query = (
        select(Delivery.id)
        .join(EventReminder, EventReminder.id == Delivery.reminder_id)
        .where(
            EventReminder.event_id == event_id,
            EventReminder.revision < before_revision,
            Delivery.state.in_(REMINDED),
        )
        .limit(1)
    )
    return session.scalar(query) is not None


def pending_items(session: Session, reminder_id: int, channel: str) -> list[tuple[int, str]]:
    """(record id, chat ref) of the records still to send, in id order."""
    rows = session.execute(
        select(Delivery.id, User.external_ref)
        .join(User, User.id == Delivery.user_id)
        .where(
            Delivery.reminder_id == reminder_id,
            Delivery.state == "pending",
            User.channel == channel,
        )
        .order_by(Delivery.id)
    )
    return [(int(row[0]), str(row[1])) for row in rows]


def mark_stale_unknown(session: Session, reminder_id: int) -> int:
    """After a crash: records left `sending` may have been sent; never send them again."""
    result = session.execute(
        update(Delivery)
        .where(Delivery.reminder_id == reminder_id, Delivery.state == "sending")
        .values(state="unknown", error="interrupted while sending")
        .execution_options(**_NO_SYNC)
    )
    return int(getattr(result, "rowcount", 0) or 0)


REPEAT_WITHIN = dt.timedelta(minutes=9)  # WeChat keeps a client_msg_id for ten minutes


def repeat_recent(
    session: Session, reminder_id: int, channels: tuple[str, ...], now: dt.datetime
) -> int:
    """After a crash: records left `sending` on a channel whose platform drops a repeated
    idempotency key go back to pending while the key still holds, so they are sent (once)."""
    users = select(User.id).where(User.channel.in_(channels)).scalar_subquery()
    result = session.execute(
        update(Delivery)
        .where(
            Delivery.reminder_id == reminder_id,
            Delivery.state == "sending",
            Delivery.claimed_at > now - REPEAT_WITHIN,
            Delivery.user_id.in_(users),
        )
        .values(state="pending", error="repeated after a crash")
        .execution_options(**_NO_SYNC)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def sent_since(session: Session, channel: str, since: dt.datetime) -> int:
    """Event reminders handed to `channel` since `since` (a platform's daily quota after a
    restart): every record claimed since then that may have gone out."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Delivery)
            .join(User, User.id == Delivery.user_id)
            .where(
                User.channel == channel,
                Delivery.claimed_at >= since,
                Delivery.state.in_(REMINDED),
            )
        )
        or 0
    )


def refused_after_send(session: Session, key: int, detail: str, now: dt.datetime) -> bool:
    """The platform reported later that a sent message did not reach the courier because
    they blocked us (WeChat's TEMPLATESENDJOBFINISH `failed:user block`): the record becomes
    failed and the courier inactive."""
    row = session.get(Delivery, key)
    if row is None:
        return False
    row.state = "failed"
    row.error = detail[:200]
    row.finished_at = now
    mark_inactive(session, row.user_id, "blocked", now)
    return True


def close_pending(session: Session, reminder_id: int, state: str, now: dt.datetime) -> int:
    """Records never attempted become `state` (withdrawn, expired)."""
    result = session.execute(
        update(Delivery)
        .where(Delivery.reminder_id == reminder_id, Delivery.state == "pending")
        .values(state=state, finished_at=now)
        .execution_options(**_NO_SYNC)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def progress(session: Session, reminder_id: int) -> Progress:
    reminder = session.get(EventReminder, reminder_id)
    rows = session.execute(
        select(Delivery.state, func.count())
        .where(Delivery.reminder_id == reminder_id)
        .group_by(Delivery.state)
    )
    counts = {str(row[0]): int(row[1]) for row in rows}
    return Progress(reminder_id, reminder.state if reminder else "?", counts)


# Built once; each send runs two of these (claim, then outcome), so they skip ORM overhead.
_CLAIM = (
    update(Delivery)
    .where(
        Delivery.id == bindparam("b_key"),
        Delivery.state == "pending",
        exists().where(
            EventReminder.id == bindparam("b_reminder"), EventReminder.state == "broadcasting"
        ),
    )
    .values(
        state="sending",
        claimed_at=bindparam("b_now", type_=UTCDateTime()),
        attempts=Delivery.attempts + 1,
    )
)
_RELEASE = (
    update(Delivery)
    .where(Delivery.id == bindparam("b_key"), Delivery.state == "sending")
    .values(state="pending", error=bindparam("b_error"))
)
_FINISH = (
    update(Delivery)
    .where(Delivery.id == bindparam("b_key"), Delivery.state == "sending")
    .values(
        state=bindparam("b_state"),
        finished_at=bindparam("b_now", type_=UTCDateTime()),
        error=bindparam("b_error"),
    )
)
_REMINDER_STATE = select(EventReminder.state).where(EventReminder.id == bindparam("b_reminder"))


class EventLedger:
    """The delivery records of one reminder (see `broadcaster.Ledger`)."""

    def __init__(self, uow: UnitOfWork, clock: Clock, reminder_id: int) -> None:
        self._uow = uow
        self._clock = clock
        self.reminder_id = reminder_id

    def claim(self, key: int) -> Claim:
        """pending -> sending, committed, only while the reminder is still being sent."""
        params = {"b_key": key, "b_reminder": self.reminder_id, "b_now": self._clock.now()}
        with self._uow() as session:
            connection = session.connection()
            if connection.execute(_CLAIM, params).rowcount == 1:
                return Claim.OK
            state = connection.execute(_REMINDER_STATE, params).scalar()
            return Claim.TAKEN if state == "broadcasting" else Claim.STOPPED

    def release(self, key: int, detail: str) -> None:
        with self._uow() as session:
            session.connection().execute(_RELEASE, {"b_key": key, "b_error": detail[:200]})

    def finish(self, key: int, outcome: SendOutcome) -> None:
        now = self._clock.now()
        params = {
            "b_key": key,
            "b_state": FINAL[outcome.kind],
            "b_now": now,
            "b_error": outcome.detail[:200] or None,
        }
        with self._uow() as session:
            session.connection().execute(_FINISH, params)
            if outcome.kind is Outcome.BLOCKED:
                user_id = session.scalar(select(Delivery.user_id).where(Delivery.id == key))
                if user_id is not None:
                    mark_inactive(session, user_id, "blocked", now)


class PersonalLedger:
    """Personal reminders: the row is its own record (scheduled -> sending -> sent ...)."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def claim(self, key: int) -> Claim:
        with self._uow() as session:
            result = session.execute(
                update(PersonalReminder)
                .where(PersonalReminder.id == key, PersonalReminder.state == "scheduled")
                .values(state="sending")
                .execution_options(**_NO_SYNC)
            )
            return Claim.OK if getattr(result, "rowcount", 0) == 1 else Claim.TAKEN

    def release(self, key: int, detail: str) -> None:
        with self._uow() as session:
            session.execute(
                update(PersonalReminder)
                .where(PersonalReminder.id == key, PersonalReminder.state == "sending")
                .values(state="scheduled", error=detail[:200])
                .execution_options(**_NO_SYNC)
            )

    def finish(self, key: int, outcome: SendOutcome) -> None:
        now = self._clock.now()
        with self._uow() as session:
            row = session.get(PersonalReminder, key)
            if row is None or row.state != "sending":
                return
            row.state = FINAL[outcome.kind]
            row.sent_at = now if outcome.kind is Outcome.SENT else None
            row.error = outcome.detail[:200] or None
            if outcome.kind is Outcome.BLOCKED:
                mark_inactive(session, row.user_id, "blocked", now)
