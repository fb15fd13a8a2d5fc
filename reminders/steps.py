"""The runtime's database steps: each is one transaction, run in a worker thread (or inline
in tests). The async orchestration that calls them lives in `runtime`."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from reminders.config import ReminderConfig
from reminders.deliveries import (
    close_pending,
    mark_stale_unknown,
    open_broadcast,
    pending_items,
    progress,
    repeat_recent,
)
from reminders.personal import deadline_end
from reminders.plan import GROUPED_KINDS, ReminderView, Verdict, triage
from reminders.reconcile import ReconcileResult, reconcile
from reminders.texts import Texts, personal_reminder
from storage.db import UnitOfWork
from storage.event_models import Event, EventReminder, InactiveUser, PersonalReminder
from storage.models import User

log = logging.getLogger(__name__)
_PERSONAL_LIVE = {"sending": "done", "sent": "done", "unknown": "done", "scheduled": "scheduled"}


@dataclass(slots=True)
class Snapshot:
    verdicts: dict[int, Verdict] = field(default_factory=dict)
    broadcasting: list[tuple[int, dt.datetime]] = field(default_factory=list)
    # (personal reminder id, channel, chat ref, message)
    personal_send: list[tuple[int, str, str, str]] = field(default_factory=list)
    personal_drop: dict[int, str] = field(default_factory=dict)  # id -> final state


class Steps:
    """Reads and writes for one runtime; `channels` are the channel names it can send on."""

    def __init__(
        self,
        uow: UnitOfWork,
        config: ReminderConfig,
        texts: Texts,
        channels: tuple[str, ...],
        *,
        repeat_safe: tuple[str, ...] = (),
    ) -> None:
        self.uow = uow
        self.config = config
        self.texts = texts
        self.channels = channels
        self.repeat_safe = repeat_safe  # channels whose cut-off sends may be repeated

    def reconcile(self, now: dt.datetime) -> ReconcileResult:
        with self.uow() as session:
            return reconcile(session, now, tz=self.config.timezone, campaign=self.config.campaign)

    def snapshot(self, now: dt.datetime) -> Snapshot:
        snap = Snapshot()
        with self.uow() as session:
            due = session.scalars(
                select(EventReminder).where(
                    EventReminder.state == "scheduled", EventReminder.fire_at <= now
                )
            ).all()
            events = {reminder.event_id for reminder in due}
            siblings = session.scalars(
                select(EventReminder).where(
                    EventReminder.event_id.in_(events),
                    EventReminder.kind.in_(GROUPED_KINDS),
                    EventReminder.state.in_(("scheduled", "broadcasting", "done")),
                )
            ).all() if events else []  # fmt: skip
            views = {r.id: _view(r) for r in [*due, *siblings]}
            due_ids = {reminder.id for reminder in due}
            verdicts = triage(list(views.values()), now, coalesce=self.config.coalesce_due)
            snap.verdicts = {rid: v for rid, v in verdicts.items() if rid in due_ids}
            snap.broadcasting = [
                (int(row[0]), row[1])
                for row in session.execute(
                    select(EventReminder.id, EventReminder.expires_at).where(
                        EventReminder.state == "broadcasting"
                    )
                )
            ]
            self._personal_snapshot(session, now, snap)
        return snap

    def _personal_snapshot(self, session: Session, now: dt.datetime, snap: Snapshot) -> None:
        tz = self.config.timezone
        due = session.execute(
            select(PersonalReminder, User.channel, User.external_ref)
            .join(User, User.id == PersonalReminder.user_id)
            .where(
                PersonalReminder.state == "scheduled",
                PersonalReminder.remind_at <= now,
                User.channel.in_(list(self.channels)),
            )
        ).all()
        if not due:
            return
        users = {row[0].user_id for row in due}
        inactive = set(
            session.scalars(select(InactiveUser.user_id).where(InactiveUser.user_id.in_(users)))
        )
        everyone = session.scalars(
            select(PersonalReminder).where(PersonalReminder.user_id.in_(users))
        ).all()
        views = [
            ReminderView(
                id=row.id,
                group=(row.user_id, row.kind, row.deadline),
                grouped=True,
                state=_PERSONAL_LIVE.get(row.state, "cancelled"),
                fire_at=row.remind_at,
                expires_at=deadline_end(row.deadline, tz),
            )
            for row in everyone
        ]
        verdicts = triage(views, now, coalesce=self.config.coalesce_due)
        today = now.astimezone(tz).date()
        for reminder, channel, chat_ref in due:
            verdict = verdicts.get(reminder.id, Verdict.WAIT)
            if reminder.user_id in inactive:
                snap.personal_drop[reminder.id] = "cancelled"
            elif verdict is Verdict.SEND:
                html = personal_reminder(
                    self.texts, reminder.kind, reminder.basis_date, reminder.deadline, today
                )
                snap.personal_send.append((reminder.id, channel, chat_ref, html))
            elif verdict is not Verdict.WAIT:
                snap.personal_drop[reminder.id] = verdict.value

    def open(self, reminder_id: int, now: dt.datetime) -> int | None:
        with self.uow() as session:
            reminder = session.get(EventReminder, reminder_id)
            if reminder is None or reminder.state != "scheduled":
                return None
            event = session.get(Event, reminder.event_id)
            assert event is not None
            text = self.texts.for_reminder(event, reminder, now)
            return open_broadcast(session, reminder_id, text=text, now=now, channels=self.channels)

    def drop(self, reminder_id: int, verdict: Verdict, now: dt.datetime) -> None:
        with self.uow() as session:
            reminder = session.get(EventReminder, reminder_id)
            if reminder is None or reminder.state != "scheduled":
                return
            reminder.state = verdict.value
            reminder.finished_at = now
            if verdict is Verdict.MISSED:
                log.warning(
                    "reminder %s (event %s, %s) was due at %s but the event began at %s: dropped",
                    reminder.id, reminder.event_id, reminder.key,
                    reminder.fire_at.isoformat(), reminder.expires_at.isoformat(),
                )  # fmt: skip
            else:
                log.info("reminder %s superseded by a later one of the same event", reminder.id)

    def prepare_resume(self, reminder_id: int, now: dt.datetime | None = None) -> int:
        with self.uow() as session:
            if self.repeat_safe and now is not None:
                repeated = repeat_recent(session, reminder_id, self.repeat_safe, now)
                if repeated:
                    log.warning("reminder %s: %s sends cut off are repeated with their "
                                "idempotency key", reminder_id, repeated)  # fmt: skip
            return mark_stale_unknown(session, reminder_id)

    def expire(self, reminder_id: int, now: dt.datetime) -> None:
        with self.uow() as session:
            lost = mark_stale_unknown(session, reminder_id)
            expired = close_pending(session, reminder_id, "expired", now)
            session.execute(
                update(EventReminder)
                .where(EventReminder.id == reminder_id, EventReminder.state == "broadcasting")
                .values(state="done", finished_at=now)
            )
        log.warning(
            "reminder %s: interrupted broadcast not resumed, the event has begun "
            "(%s not sent, %s in flight)", reminder_id, expired, lost,
        )  # fmt: skip

    def text_of(self, reminder_id: int) -> str:
        with self.uow() as session:
            text = session.scalar(select(EventReminder.text).where(EventReminder.id == reminder_id))
        return text or ""

    def pending(self, reminder_id: int, channel: str) -> list[tuple[int, str]]:
        with self.uow() as session:
            return pending_items(session, reminder_id, channel)

    def finish(self, reminder_id: int, now: dt.datetime) -> str | None:
        with self.uow() as session:
            reminder = session.get(EventReminder, reminder_id)
            if reminder is None or reminder.state != "broadcasting":
                return None
            reminder.state = "done"
            reminder.finished_at = now
            session.flush()
            event = session.get(Event, reminder.event_id)
            assert event is not None
            return self.texts.report(event, reminder, progress(session, reminder_id))

    def drop_personal(self, personal_id: int, state: str) -> None:
        if state == Verdict.MISSED:
            log.warning("personal reminder %s: its deadline passed before it could go; dropped",
                        personal_id)  # fmt: skip
        with self.uow() as session:
            session.execute(
                update(PersonalReminder)
                .where(PersonalReminder.id == personal_id, PersonalReminder.state == "scheduled")
                .values(state=state)
            )

    def personal_stale_to_unknown(self) -> int:
        with self.uow() as session:
            result = session.execute(
                update(PersonalReminder)
                .where(PersonalReminder.state == "sending")
                .values(state="unknown", error="interrupted while sending")
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def wanted_jobs(self, now: dt.datetime) -> dict[str, dt.datetime]:
        """Job id -> run time for every reminder still to come (the scheduler's job store)."""
        with self.uow() as session:
            events = session.execute(
                select(EventReminder.id, EventReminder.fire_at).where(
                    EventReminder.state == "scheduled", EventReminder.fire_at > now
                )
            ).all()
            personal = session.execute(
                select(PersonalReminder.id, PersonalReminder.remind_at).where(
                    PersonalReminder.state == "scheduled", PersonalReminder.remind_at > now
                )
            ).all()
        wanted = {f"event-reminder:{row[0]}": row[1] for row in events}
        wanted.update({f"personal-reminder:{row[0]}": row[1] for row in personal})
        return wanted


def _view(reminder: EventReminder) -> ReminderView:
    return ReminderView(
        id=reminder.id,
        group=(reminder.event_id, reminder.kind),
        grouped=reminder.kind in GROUPED_KINDS,
        state=reminder.state,
        fire_at=reminder.fire_at,
        expires_at=reminder.expires_at,
    )
