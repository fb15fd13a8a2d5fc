"""Duty hours: when staff are on, and when a courier writing now can expect a person.

Configured as `hours="09:00-21:00"` (an end before the start runs past midnight) and
`days="1-5,7"` (ISO weekdays, Monday 1), read in the local zone (Asia/Shanghai).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

WEEKDAYS = "一二三四五六日"
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class DutyHours:
    start: dt.time
    end: dt.time
    days: frozenset[int]
    zone: ZoneInfo

    @classmethod
    def parse(cls, hours: str, days: str = "1-7", zone: str = "Asia/Shanghai") -> DutyHours:
        """Raises ValueError with a readable message on a malformed setting."""
        match = _HOURS.match(hours)
        if match is None:
            raise ValueError(f"duty hours must look like 09:00-21:00, got {hours!r}")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2 != 0):
            raise ValueError(f"duty hours out of range: {hours!r}")
        if (h1, m1) == (h2, m2):
            raise ValueError(f"duty hours start and end at the same time: {hours!r}")
        end = dt.time(0, 0) if h2 == 24 else dt.time(h2, m2)
        return cls(dt.time(h1, m1), end, _parse_days(days), ZoneInfo(zone))

    def _shift_start(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.start, tzinfo=self.zone)

    def _shift_end(self, day: dt.date) -> dt.datetime:
        end_day = day if self.end > self.start else day + dt.timedelta(days=1)
        return dt.datetime.combine(end_day, self.end, tzinfo=self.zone)

    def is_on(self, now: dt.datetime) -> bool:
        local = now.astimezone(self.zone)
        for day in (local.date() - dt.timedelta(days=1), local.date()):  # a shift from yesterday
            if day.isoweekday() in self.days and (
                self._shift_start(day) <= local < self._shift_end(day)
            ):
                return True
        return False

    def next_start(self, now: dt.datetime) -> dt.datetime:
        """The start of the next shift (now, if a shift is on), as a UTC datetime."""
        if self.is_on(now):
            return now.astimezone(dt.UTC)
        local = now.astimezone(self.zone)
        for offset in range(8):
            day = local.date() + dt.timedelta(days=offset)
            start = self._shift_start(day)
            if day.isoweekday() in self.days and start > local:
                return start.astimezone(dt.UTC)
        raise AssertionError("no duty day within a week")  # days is never empty

    def expect_text(self, now: dt.datetime) -> str:
        """When a person will answer, in words: `今天 09:00 以后`, `明天 …`, `周一 09:00 以后`."""
        start = self.next_start(now).astimezone(self.zone)
        days = (start.date() - now.astimezone(self.zone).date()).days
        when = {0: "今天", 1: "明天"}.get(days, f"周{WEEKDAYS[start.weekday()]}")
        return f"{when} {start:%H:%M} 以后"

    def describe(self) -> str:
        """The schedule in words, e.g. `每天 09:00-21:00` or `周一至周五 09:00-18:00`."""
        if self.days == frozenset(range(1, 8)):
            label = "每天"
        else:
            label = "、".join(_day_ranges(sorted(self.days)))
        end = "24:00" if self.end == dt.time(0, 0) else f"{self.end:%H:%M}"
        return f"{label} {self.start:%H:%M}-{end}"


def _parse_days(days: str) -> frozenset[int]:
    chosen: set[int] = set()
    for part in days.replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        first, _, last = part.partition("-")
        try:
            low, high = int(first), int(last or first)
        except ValueError:
            raise ValueError(
                f"duty days must look like 1-5,7 (Monday is 1), got {days!r}"
            ) from None
        if not 1 <= low <= high <= 7:
            raise ValueError(f"duty days must be 1-7 (Monday is 1), got {days!r}")
        chosen.update(range(low, high + 1))
    if not chosen:
        raise ValueError("duty days are empty")
    return frozenset(chosen)


def _day_ranges(days: list[int]) -> list[str]:
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    names = [f"周{WEEKDAYS[day - 1]}" for day in range(1, 8)]
    return [
        names[r[0] - 1] if len(r) == 1 else f"{names[r[0] - 1]}至{names[r[-1] - 1]}" for r in runs
    ]
