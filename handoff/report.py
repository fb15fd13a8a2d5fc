"""Handoff figures for a date range (local dates, both ends included).

- cases by role, reason and status (cases created in the range);
- time to first human reply: case opened -> first staff message, median and p90 (nearest rank);
- resolved by the bot alone: couriers who wrote to the bot in the range and got at least one
  answer (action "answer"), and had no handoff case opened in the range, out of all couriers who
  wrote to the bot in the range (relayed messages during a case do not count as writing to it);
- satisfaction: the 1-5 answers given for cases created in the range;
- where people came in: cases by the courier's channel, and the couriers who wrote by channel
  and, for WeChat couriers who scanned a station's poster, by station (`users.entry_point`).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.models import HandoffCase, Message, User

ROLE_ORDER = ("legal", "counselling", "union", None)


@dataclass(frozen=True, slots=True)
class HandoffReport:
    start: dt.date
    end: dt.date
    zone: str
    by_role: dict[str, int]
    by_reason: dict[str, int]
    by_status: dict[str, int]
    urgent: int
    first_reply_minutes: tuple[float, ...]
    couriers: int
    bot_alone: int
    ratings: dict[int, int]
    cases_by_channel: dict[str, int] = field(default_factory=dict)
    couriers_by_entry: dict[str, int] = field(default_factory=dict)

    @property
    def cases(self) -> int:
        return sum(self.by_role.values())

    @property
    def median_minutes(self) -> float | None:
        values = self.first_reply_minutes
        return statistics.median(values) if values else None

    @property
    def p90_minutes(self) -> float | None:
        return percentile(self.first_reply_minutes, 90)

    @property
    def bot_alone_share(self) -> float | None:
        return self.bot_alone / self.couriers if self.couriers else None

    @property
    def satisfaction_average(self) -> float | None:
        count = sum(self.ratings.values())
        return sum(k * v for k, v in self.ratings.items()) / count if count else None

    def figures(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "timezone": self.zone,
            "cases": self.cases,
            "urgent": self.urgent,
            "by_role": self.by_role,
            "by_reason": self.by_reason,
            "by_status": self.by_status,
            "first_reply": {
                "count": len(self.first_reply_minutes),
                "median_minutes": _round(self.median_minutes),
                "p90_minutes": _round(self.p90_minutes),
            },
            "bot_alone": {
                "couriers": self.couriers,
                "resolved": self.bot_alone,
                "share": _round(self.bot_alone_share, 4),
            },
            "cases_by_channel": self.cases_by_channel,
            "couriers_by_entry": self.couriers_by_entry,
            "satisfaction": {
                "count": sum(self.ratings.values()),
                "average": _round(self.satisfaction_average),
                "ratings": {str(k): v for k, v in sorted(self.ratings.items())},
            },
        }


def _round(value: float | None, digits: int = 2) -> float | None:
    return round(value, digits) if value is not None else None


def percentile(values: tuple[float, ...] | list[float], pct: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least `pct`% of values at or below."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def local_range(start: dt.date, end: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, the day after end 00:00) in the local zone, as UTC."""
    low = dt.datetime.combine(start, dt.time(), tzinfo=zone)
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return low.astimezone(dt.UTC), high.astimezone(dt.UTC)


def build_report(
    session: Session, start: dt.date, end: dt.date, zone: str = "Asia/Shanghai"
) -> HandoffReport:
    if end < start:
        raise ValueError("the end date is before the start date")
    low, high = local_range(start, end, ZoneInfo(zone))
    cases = list(
        session.scalars(
            select(HandoffCase).where(HandoffCase.created_at >= low, HandoffCase.created_at < high)
        )
    )
    by_role = Counter(c.role or "none" for c in cases)
    replies = tuple(
        (c.first_staff_reply_at - c.created_at).total_seconds() / 60
        for c in cases
        if c.first_staff_reply_at is not None
    )
    writers = set(
        session.scalars(
            select(Message.user_id)
            .where(
                Message.direction == "in",
                Message.created_at >= low,
                Message.created_at < high,
                or_(Message.action.is_(None), Message.action != "relay"),
            )
            .distinct()
        )
    )
    answered = set(
        session.scalars(
            select(Message.user_id)
            .where(
                Message.direction == "in",
                Message.action == "answer",
                Message.created_at >= low,
                Message.created_at < high,
            )
            .distinct()
        )
    )
    with_case = {c.user_id for c in cases}
    people = {
        user_id: (channel, entry)
        for user_id, channel, entry in session.execute(
            select(User.id, User.channel, User.entry_point).where(User.id.in_(writers | with_case))
        )
    }
    cases_by_channel = Counter(people[c.user_id][0] for c in cases if c.user_id in people)
    entries = Counter(
        f"{people[u][0]} · {people[u][1]}" if people[u][1] else people[u][0]
        for u in writers
        if u in people
    )
    return HandoffReport(
        start=start,
        end=end,
        zone=zone,
        by_role={(r or "none"): by_role.get(r or "none", 0) for r in ROLE_ORDER},
        by_reason=dict(Counter(c.reason.partition(":")[0] for c in cases).most_common()),
        by_status=dict(Counter(c.status for c in cases).most_common()),
        urgent=sum(1 for c in cases if c.urgent),
        first_reply_minutes=replies,
        couriers=len(writers),
        bot_alone=len((answered & writers) - with_case),
        ratings=dict(Counter(c.satisfaction for c in cases if c.satisfaction is not None)),
        cases_by_channel=dict(cases_by_channel.most_common()),
        couriers_by_entry=dict(entries.most_common()),
    )
