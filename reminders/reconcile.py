"""Bring the reminder rows in line with the events table; idempotent, run on every sync.

The CLI and the Telegram admin commands only change events; this (run by the bot every
`sync_seconds`) turns that into reminders: it adds the ones an event needs at its revision,
withdraws the ones no longer wanted (a moved or cancelled event, changed offsets), and adds one
notice per revision when couriers were already reminded. It also keeps the youth service month
campaign event for the current (or next) year.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from reminders.config import CampaignConfig
from reminders.deliveries import close_pending, was_reminded
from reminders.plan import (
    GROUPED_KINDS,
    EventView,
    campaign_window,
    desired_reminders,
    notice_key,
)
from storage.event_models import Event, EventReminder

log = logging.getLogger(__name__)
LOOKBACK = dt.timedelta(days=2)
OPEN = ("scheduled", "broadcasting")


@dataclass(slots=True)
class ReconcileResult:
    created: int = 0
    withdrawn: int = 0
    notices: int = 0
    campaign_events: int = 0


def event_view(event: Event) -> EventView:
    return EventView(
        id=event.id,
        status=event.status,
        start_at=event.start_at,
        end_at=event.end_at,
        revision=event.revision,
        remind_offsets=tuple(event.remind_offsets),
        source=event.source,
    )


def reconcile(
    session: Session, now: dt.datetime, *, tz: ZoneInfo, campaign: CampaignConfig | None
) -> ReconcileResult:
    result = ReconcileResult()
    if campaign is not None:
        result.campaign_events = ensure_campaign(session, now, campaign, tz)
    events = session.scalars(
        select(Event).where(
            or_(Event.start_at >= now - LOOKBACK, Event.updated_at >= now - LOOKBACK)
        )
    ).all()
    if not events:
        return result
    by_event: dict[int, dict[str, EventReminder]] = {event.id: {} for event in events}
    for reminder in session.scalars(
        select(EventReminder).where(EventReminder.event_id.in_(list(by_event)))
    ):
        by_event[reminder.event_id][reminder.key] = reminder
    for event in events:
        _reconcile_event(session, event, by_event[event.id], now, tz, campaign, result)
    return result


def _reconcile_event(
    session: Session,
    event: Event,
    existing: dict[str, EventReminder],
    now: dt.datetime,
    tz: ZoneInfo,
    campaign: CampaignConfig | None,
    result: ReconcileResult,
) -> None:
    desired = {spec.key: spec for spec in desired_reminders(event_view(event), campaign, tz)}
    for key, reminder in existing.items():
        if reminder.state not in OPEN:
            continue
        stale_notice = reminder.kind not in GROUPED_KINDS and reminder.revision < event.revision
        if (reminder.kind in GROUPED_KINDS and key not in desired) or stale_notice:
            withdraw(session, reminder, now)
            result.withdrawn += 1
    for key, spec in desired.items():
        if key not in existing:
            session.add(
                EventReminder(
                    event_id=event.id,
                    key=key,
                    kind=spec.kind,
                    revision=spec.revision,
                    fire_at=spec.fire_at,
                    expires_at=spec.expires_at,
                    state="scheduled",
                    created_at=now,
                )
            )
            result.created += 1
    key = notice_key(event.revision)
    if (
        event.revision > 1
        and key not in existing
        and was_reminded(session, event.id, event.revision)
    ):
        kind = "cancel" if event.status == "cancelled" else "change"
        session.add(
            EventReminder(
                event_id=event.id,
                key=key,
                kind=kind,
                revision=event.revision,
                fire_at=now,
                expires_at=event.start_at,
                state="scheduled",
                created_at=now,
            )
        )
        result.notices += 1
        log.info("event %s: %s notice for revision %s", event.id, kind, event.revision)
    session.flush()


def withdraw(session: Session, reminder: EventReminder, now: dt.datetime) -> None:
    """A reminder no longer wanted: not sent further; records never attempted are withdrawn."""
    if reminder.state == "broadcasting":
        close_pending(session, reminder.id, "withdrawn", now)
    reminder.state = "withdrawn"
    reminder.finished_at = now


def ensure_campaign(
    session: Session, now: dt.datetime, campaign: CampaignConfig, tz: ZoneInfo
) -> int:
    """The campaign event of the current year, or of next year once this one is over.
    An administrator may cancel it; it is then left alone. Returns how many were created."""
    year = now.astimezone(tz).year
    start, end = campaign_window(campaign, year, tz)
    if end <= now:
        year += 1
        start, end = campaign_window(campaign, year, tz)
    event = session.scalars(select(Event).where(Event.key == campaign.key(year))).one_or_none()
    if event is None:
        session.add(
            Event(
                key=campaign.key(year),
                title=campaign.title,
                description=campaign.text,
                place="",
                start_at=start,
                end_at=end,
                tags=[campaign.tag],
                audience="快递从业青年",
                status="scheduled",
                remind_offsets=[],
                revision=1,
                source="campaign",
                created_at=now,
                updated_at=now,
            )
        )
        session.flush()
        return 1
    if event.status == "scheduled" and (event.start_at, event.end_at) != (start, end):
        event.start_at, event.end_at = start, end
        event.revision += 1
        event.updated_at = now
    return 0
