"""Duty hours: on or off at a given time, the next shift, and the courier-facing wording."""

from __future__ import annotations

import datetime as dt

import pytest

from handoff.duty import DutyHours

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A Shanghai time in the week of Monday 2026-11-23 (day 23 is Monday)."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI).astimezone(dt.UTC)


def test_daytime_shift_on_working_days() -> None:
    duty = DutyHours.parse("09:00-21:00", "1-5")
    assert duty.is_on(at(23, 9)) and duty.is_on(at(27, 20, 59))  # Monday 09:00, Friday 20:59
    assert not duty.is_on(at(23, 8, 59)) and not duty.is_on(at(23, 21))
    assert not duty.is_on(at(28, 12))  # Saturday
    assert duty.next_start(at(23, 10)) == at(23, 10)  # on duty: now
    assert duty.next_start(at(23, 22)) == at(24, 9)
    assert duty.next_start(at(27, 22)) == at(30, 9)  # Friday night -> Monday
    assert duty.expect_text(at(23, 7)) == "今天 09:00 以后"
    assert duty.expect_text(at(23, 22)) == "明天 09:00 以后"
    assert duty.expect_text(at(27, 22)) == "周一 09:00 以后"
    assert duty.describe() == "周一至周五 09:00-21:00"


def test_overnight_shift_belongs_to_the_day_it_starts() -> None:
    duty = DutyHours.parse("20:00-08:00", "1-5")
    assert duty.is_on(at(23, 23)) and duty.is_on(at(24, 7, 59))
    assert duty.is_on(at(28, 3))  # Friday's shift runs into Saturday morning
    assert not duty.is_on(at(28, 21))  # no shift starts on Saturday
    assert not duty.is_on(at(24, 12))
    assert duty.next_start(at(24, 12)) == at(24, 20)


def test_all_day_every_day_and_day_lists() -> None:
    duty = DutyHours.parse("00:00-24:00")
    assert all(duty.is_on(at(23 + d, h)) for d in range(7) for h in (0, 12, 23))
    assert duty.describe() == "每天 00:00-24:00"
    assert (
        DutyHours.parse("09:00-17:00", "1,3,6-7").describe() == "周一、周三、周六至周日 09:00-17:00"
    )


@pytest.mark.parametrize(
    ("hours", "days"),
    [("9-21", "1-7"), ("09:00-25:00", "1-7"), ("09:00-09:00", "1-7"), ("09:00-21:00", "0-5"),
     ("09:00-21:00", "mon"), ("09:00-21:00", ""), ("09:60-21:00", "1")],
)  # fmt: skip
def test_malformed_settings_are_refused(hours: str, days: str) -> None:
    with pytest.raises(ValueError, match="duty"):
        DutyHours.parse(hours, days)
