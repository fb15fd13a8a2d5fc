"""What a waiting case is due for, as a pure function of the case and the time."""

from __future__ import annotations

import datetime as dt

from handoff.config import HandoffConfig
from handoff.duty import DutyHours
from handoff.timeouts import Due, due
from storage.models import HandoffCase

T0 = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai
CONFIG = HandoffConfig(duty=DutyHours.parse("09:00-21:00"))


def case(**kw: object) -> HandoffCase:
    values: dict[str, object] = {
        "status": "waiting", "urgent": False, "role": "legal", "reason": "button",
        "created_at": T0, "waiting_since": T0, "summary": {}, "last_announced_at": T0,
        "escalated_at": None,
    }  # fmt: skip
    values.update(kw)
    return HandoffCase(**values)


def mins(n: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


def test_new_case_intake_and_card() -> None:
    fresh = case(summary=None, last_announced_at=None)
    assert due(fresh, T0, CONFIG) == Due(intake=True, card=True)
    no_role = case(role=None, last_announced_at=None)
    assert due(no_role, mins(1), CONFIG) == Due()  # the courier is still picking a role
    assert due(no_role, mins(2), CONFIG) == Due(card=True)
    assert due(case(role=None, urgent=True, last_announced_at=None), T0, CONFIG) == Due(card=True)


def test_unclaimed_five_minutes_or_one_when_urgent() -> None:
    assert due(case(), mins(4.9), CONFIG) == Due()
    assert due(case(), mins(5), CONFIG) == Due(reminder=True, page=True)
    assert due(case(urgent=True), mins(0.9), CONFIG) == Due()
    assert due(case(urgent=True), mins(1), CONFIG) == Due(reminder=True, page=True)
    paged = case(last_announced_at=mins(5), escalated_at=mins(5))
    assert due(paged, mins(9), CONFIG) == Due()
    assert due(paged, mins(10), CONFIG) == Due(reminder=True)  # reminded again, paged once
    assert due(case(status="claimed"), mins(60), CONFIG) == Due()


def test_off_duty_cases_wait_for_the_shift_unless_urgent() -> None:
    night = dt.datetime(2026, 11, 29, 15, 0, tzinfo=dt.UTC)  # Sunday 23:00 in Shanghai
    quiet = case(created_at=night, waiting_since=night, last_announced_at=night)
    shift = T0 - dt.timedelta(hours=1)  # Monday 09:00 in Shanghai
    assert due(quiet, shift - dt.timedelta(hours=3), CONFIG) == Due()  # 06:00
    assert due(quiet, shift + dt.timedelta(minutes=4), CONFIG) == Due()  # 09:04
    assert due(quiet, shift + dt.timedelta(minutes=5), CONFIG) == Due(reminder=True, page=True)
    urgent = case(urgent=True, created_at=night, waiting_since=night, last_announced_at=night)
    assert due(urgent, night + dt.timedelta(minutes=1), CONFIG) == Due(reminder=True, page=True)


def test_configurable_limits() -> None:
    config = HandoffConfig(
        duty=CONFIG.duty,
        unclaimed=dt.timedelta(minutes=2),
        urgent_unclaimed=dt.timedelta(seconds=30),
    )
    assert due(case(), mins(2), config).page
    assert due(case(urgent=True), mins(0.5), config).page
