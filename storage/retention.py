"""Retention (issue 14): what a courier told us is kept for a period, then reduced to figures.

`purge(session, now, period)` works on everything older than `now - period` (the cutoff):
- messages: the text becomes `PURGED_TEXT`; direction, topic, action, confidence and the time
  stay, so the handoff report's figures (who wrote, who got an answer) do not change. A message
  in the transcript of a case that is open, or closed less than a period ago, is kept with it.
- handoff cases closed (or cancelled) before the cutoff: the summary (JSON with the courier's
  last messages) and the close note are cleared; role, reason, topic, status, times and rating
  stay. Their relay links, staff-group card references and staff focus rows are deleted. Open
  cases are never touched.
- dialogue states, processed channel update ids: deleted.
- personal reminders (a claim deadline, the day of an accident) no longer scheduled or sending,
  whose deadline is more than a period past: deleted.
- users with nothing left to do (dormant: created before the cutoff, no message, consent, case,
  dialogue state, subscription or reminder activity since then; no open case, no active
  subscription, no reminder or delivery still to send): when no row of figures refers to them,
  the user is deleted; otherwise their channel id is replaced by `purged:<id>`, so the counts
  stay and nothing links them to a person any more. A courier who writes again is a new user
  and is asked for consent again.
Staff audit rows (no courier's words), events, event reminders and deliveries (the reminder
delivery report) are kept. Functions add, update and delete but never commit: the caller's unit
of work owns the transaction (`run_purge` rolls back a dry run).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Delete,
    String,
    Update,
    and_,
    cast,
    delete,
    exists,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from storage.event_models import Delivery, PersonalReminder, Subscription
from storage.handoff_models import CaseCard, RelayLink, StaffFocus
from storage.models import DialogueState, HandoffCase, Message, ProcessedUpdate, User

PURGED_TEXT = "〔已过保留期限，内容已删除〕"
ANONYMOUS_PREFIX = "purged:"
OPEN_STATES = ("waiting", "claimed")  # as handoff.cases.OPEN_STATES (storage imports no handoff)
LIVE_PERSONAL = ("scheduled", "sending")
LIVE_DELIVERY = ("pending", "sending")
_NO_SYNC = {"synchronize_session": False}


@dataclass(frozen=True, slots=True)
class PurgeCounts:
    """How many rows each step changed (a dry run: would change)."""

    cutoff: dt.datetime
    messages: int = 0  # texts replaced by PURGED_TEXT
    cases: int = 0  # summaries and close notes cleared
    relay_links: int = 0
    case_cards: int = 0
    staff_focus: int = 0
    dialogue_states: int = 0
    processed_updates: int = 0
    personal_reminders: int = 0
    users_anonymized: int = 0
    users_deleted: int = 0

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if k != "cutoff"}

    @property
    def total(self) -> int:
        return sum(self.counts().values())


def run_purge(
    uow: Callable[[], AbstractContextManager[Session]],
    now: dt.datetime,
    period: dt.timedelta,
    *,
    dry_run: bool = False,
) -> PurgeCounts:
    """Purge in one unit of work; a dry run counts the same way, then rolls everything back."""
    with uow() as session:
        counts = purge(session, now, period)
        if dry_run:
            session.rollback()
    return counts


def purge(session: Session, now: dt.datetime, period: dt.timedelta) -> PurgeCounts:
    """Reduce everything older than `now - period` (see the module docstring). Idempotent."""
    if period <= dt.timedelta(0):
        raise ValueError("the retention period must be positive")
    cutoff = now - period
    done = _case_done(cutoff)
    done_ids = select(HandoffCase.id).where(done).scalar_subquery()
    counts: dict[str, int] = {"messages": _messages(session, cutoff)}
    counts["cases"] = _run(
        session,
        update(HandoffCase)
        .where(done, or_(HandoffCase.summary.is_not(None), HandoffCase.close_note.is_not(None)))
        .values(summary=null(), close_note=None),
    )
    counts["relay_links"] = _run(session, delete(RelayLink).where(RelayLink.case_id.in_(done_ids)))
    counts["case_cards"] = _run(session, delete(CaseCard).where(CaseCard.case_id.in_(done_ids)))
    counts["staff_focus"] = _run(
        session, delete(StaffFocus).where(StaffFocus.case_id.in_(done_ids))
    )
    counts["dialogue_states"] = _run(
        session, delete(DialogueState).where(DialogueState.updated_at < cutoff)
    )
    counts["processed_updates"] = _run(
        session, delete(ProcessedUpdate).where(ProcessedUpdate.received_at < cutoff)
    )
    counts["personal_reminders"] = _run(
        session,
        delete(PersonalReminder).where(
            PersonalReminder.state.not_in(LIVE_PERSONAL),
            # the deadline is a local date: a day's margin keeps it clear of the zone
            PersonalReminder.deadline < (cutoff - dt.timedelta(days=1)).date(),
        ),
    )
    # Last, once the rows above are gone: a user deleted here has nothing referring to them.
    counts["users_deleted"] = _run(
        session, delete(User).where(_dormant(cutoff), not_(_referenced()))
    )
    counts["users_anonymized"] = _run(
        session,
        update(User)
        .where(_dormant(cutoff), not_(User.external_ref.startswith(ANONYMOUS_PREFIX)))
        .values(external_ref=literal(ANONYMOUS_PREFIX) + cast(User.id, String)),
    )
    return PurgeCounts(cutoff=cutoff, **counts)


def _run(session: Session, statement: Update | Delete) -> int:
    result = session.execute(statement.execution_options(**_NO_SYNC))
    return int(getattr(result, "rowcount", 0) or 0)


def _case_done(cutoff: dt.datetime) -> ColumnElement[bool]:
    """A case closed or cancelled before the cutoff (one without a close time: its opening)."""
    return and_(
        HandoffCase.status.not_in(OPEN_STATES),
        func.coalesce(HandoffCase.closed_at, HandoffCase.created_at) < cutoff,
    )


def _messages(session: Session, cutoff: dt.datetime) -> int:
    conditions = [Message.created_at < cutoff, Message.text != PURGED_TEXT]
    for user_id, start, end in _kept_transcripts(session, cutoff):
        window: list[ColumnElement[bool]] = [Message.user_id == user_id]
        if start is not None:
            window.append(Message.created_at >= start)
        if end is not None:
            window.append(Message.created_at <= end)
        conditions.append(not_(and_(*window)))
    return _run(session, update(Message).where(*conditions).values(text=PURGED_TEXT))


def _kept_transcripts(
    session: Session, cutoff: dt.datetime
) -> list[tuple[int, dt.datetime | None, dt.datetime | None]]:
    """(user, from, to) of the transcripts of cases not done that reach back before the cutoff.

    As `handoff.transcript`: from the first message of the summary (or the opening), to the
    close. A waiting case without a summary yet will take its lead-up from the user's last
    messages, however old: all of them are kept until it has one.
    """
    rows = session.execute(
        select(
            HandoffCase.user_id, HandoffCase.created_at, HandoffCase.closed_at, HandoffCase.summary
        ).where(not_(_case_done(cutoff)))
    )
    kept: list[tuple[int, dt.datetime | None, dt.datetime | None]] = []
    for user_id, created_at, closed_at, summary in rows:
        start = _transcript_start(created_at, summary)
        if start is None or start < cutoff:
            kept.append((user_id, start, closed_at))
    return kept


def _transcript_start(
    created_at: dt.datetime, summary: dict[str, Any] | None
) -> dt.datetime | None:
    if summary is None:
        return None
    start = created_at
    for item in summary.get("messages", [])[:1]:
        at = dt.datetime.fromisoformat(item["at"])
        start = min(start, at if at.tzinfo else at.replace(tzinfo=dt.UTC))
    return start


def _dormant(cutoff: dt.datetime) -> ColumnElement[bool]:
    """Nothing since the cutoff, and nothing still to do for this user."""
    user = User.id
    return and_(
        User.created_at < cutoff,
        or_(User.consented_at.is_(None), User.consented_at < cutoff),
        ~exists().where(Message.user_id == user, Message.created_at >= cutoff),
        ~exists().where(HandoffCase.user_id == user, not_(_case_done(cutoff))),
        ~exists().where(DialogueState.user_id == user, DialogueState.updated_at >= cutoff),
        ~exists().where(
            Subscription.user_id == user,
            or_(
                Subscription.revoked_at.is_(None),
                Subscription.revoked_at >= cutoff,
                Subscription.subscribed_at >= cutoff,
            ),
        ),
        ~exists().where(
            PersonalReminder.user_id == user,
            or_(PersonalReminder.state.in_(LIVE_PERSONAL), PersonalReminder.created_at >= cutoff),
        ),
        ~exists().where(
            Delivery.user_id == user,
            or_(Delivery.state.in_(LIVE_DELIVERY), Delivery.finished_at >= cutoff),
        ),
    )


def _referenced() -> ColumnElement[bool]:
    """Rows that figures are made of refer to this user (an inactive mark is not a figure)."""
    user = User.id
    return or_(
        exists().where(Message.user_id == user),
        exists().where(HandoffCase.user_id == user),
        exists().where(Delivery.user_id == user),
        exists().where(Subscription.user_id == user),
        exists().where(PersonalReminder.user_id == user),
    )
