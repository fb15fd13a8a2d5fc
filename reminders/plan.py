"""Pure decisions: which reminders an event needs, and which are due now. No I/O, no clock.

Every function takes `now` from its caller (an injected `common.clock.Clock`), so tests step time
instead of sleeping, and a restart decides exactly as a running bot would have.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from reminders.config import CampaignConfig

GROUPED_KINDS = frozenset({"offset", "campaign"})  # of these, only the latest due one goes out
LIVE_STATES = frozenset({"broadcasting", "done"})


class Verdict(StrEnum):
    WAIT = "wait"  # not due yet
    SEND = "send"
    MISSED = "missed"  # due, but what it announces has begun: dropped and logged
    SUPERSEDED = "superseded"  # due together with a later reminder of the same group


@dataclass(frozen=True, slots=True)
class EventView:
    id: int
    status: str
    start_at: dt.datetime
    end_at: dt.datetime | None
    revision: int
    remind_offsets: tuple[int, ...]
    source: str


@dataclass(frozen=True, slots=True)
class ReminderSpec:
    key: str
    kind: str
    revision: int
    fire_at: dt.datetime
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ReminderView:
    id: int
    group: Hashable  # reminders that replace one another: (event id, kind) or a personal deadline
    grouped: bool
    state: str
    fire_at: dt.datetime
    expires_at: dt.datetime


def offset_key(revision: int, minutes: int) -> str:
    return f"r{revision}:{minutes}m"


def notice_key(revision: int) -> str:
    return f"notice:r{revision}"


def campaign_key(revision: int, week: int) -> str:
    return f"r{revision}:campaign:w{week}"


def campaign_window(
    campaign: CampaignConfig, year: int, tz: ZoneInfo
) -> tuple[dt.datetime, dt.datetime]:
    """Start and end (UTC) of the campaign in `year`; 02-29 falls back to 02-28."""
    day = campaign.day
    if (campaign.month, day) == (2, 29) and not _leap(year):
        day = 28
    start = dt.datetime.combine(dt.date(year, campaign.month, day), dt.time(0, 0), tz)
    end = start + dt.timedelta(days=campaign.days)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def desired_reminders(
    event: EventView, campaign: CampaignConfig | None, tz: ZoneInfo
) -> list[ReminderSpec]:
    """The offset (or campaign) reminders a scheduled event should have at its revision."""
    if event.status != "scheduled":
        return []
    if event.source == "campaign":
        if campaign is None:
            return []
        end = event.end_at or event.start_at + dt.timedelta(days=campaign.days)
        first_day = event.start_at.astimezone(tz).date()
        specs = []
        for week in campaign.weeks:
            day = first_day + dt.timedelta(days=7 * (week - 1))
            fire_at = dt.datetime.combine(day, campaign.send_time, tz).astimezone(dt.UTC)
            if fire_at >= end:
                continue
            expires = min(fire_at + dt.timedelta(days=7), end)
            specs.append(
                ReminderSpec(campaign_key(event.revision, week), "campaign", event.revision,
                             fire_at, expires)
            )  # fmt: skip
        return specs
    return [
        ReminderSpec(
            offset_key(event.revision, minutes),
            "offset",
            event.revision,
            event.start_at - dt.timedelta(minutes=minutes),
            event.start_at,
        )
        for minutes in sorted(set(event.remind_offsets), reverse=True)
    ]


def triage(
    reminders: Sequence[ReminderView], now: dt.datetime, *, coalesce: bool = True
) -> dict[int, Verdict]:
    """A verdict for every `scheduled` reminder given; pass the other reminders of the same
    groups too (any state), since a later one that is due or already sent supersedes an earlier.

    Rules: not yet due -> WAIT; due after it expired (the event has begun) -> MISSED; due while a
    later reminder of its group is also due, or already went out -> SUPERSEDED (only with
    `coalesce`); otherwise SEND.
    """
    verdicts: dict[int, Verdict] = {}
    for item in reminders:
        if item.state != "scheduled":
            continue
        if now < item.fire_at:
            verdicts[item.id] = Verdict.WAIT
        elif now >= item.expires_at:
            verdicts[item.id] = Verdict.MISSED
        elif coalesce and item.grouped and any(_supersedes(o, item, now) for o in reminders):
            verdicts[item.id] = Verdict.SUPERSEDED
        else:
            verdicts[item.id] = Verdict.SEND
    return verdicts


def _supersedes(other: ReminderView, item: ReminderView, now: dt.datetime) -> bool:
    if other.id == item.id or other.group != item.group or not other.grouped:
        return False
    if not item.fire_at < other.fire_at <= now:
        return False
    return other.state in LIVE_STATES or (other.state == "scheduled" and now < other.expires_at)


def resume_verdict(expires_at: dt.datetime, now: dt.datetime) -> Verdict:
    """A broadcast interrupted by a crash goes on only while its event has not begun."""
    return Verdict.SEND if now < expires_at else Verdict.MISSED


def plan_jobs(
    wanted: Mapping[str, dt.datetime], existing: Mapping[str, dt.datetime | None]
) -> tuple[dict[str, dt.datetime], set[str]]:
    """Jobs to (re)schedule and job ids to remove, so the job store matches `wanted`."""
    add = {
        job_id: when
        for job_id, when in wanted.items()
        if job_id not in existing or not _same_time(existing[job_id], when)
    }
    remove = {job_id for job_id in existing if job_id not in wanted}
    return add, remove


def _same_time(stored: dt.datetime | None, wanted: dt.datetime) -> bool:
    """The job store keeps float timestamps; within a second counts as the same time."""
    return stored is not None and abs((stored - wanted).total_seconds()) < 1
