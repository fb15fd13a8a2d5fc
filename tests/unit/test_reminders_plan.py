"""The pure decisions: which reminders an event needs, and what is due at a given time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from reminders.config import CampaignConfig
from reminders.plan import (
    EventView,
    ReminderView,
    Verdict,
    campaign_window,
    desired_reminders,
    plan_jobs,
    resume_verdict,
    triage,
)

TZ = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 12, 5, 6, 0, tzinfo=dt.UTC)  # 14:00 in Changzhi
H = dt.timedelta(hours=1)


def event(**changes: object) -> EventView:
    values: dict[str, object] = {
        "id": 1, "status": "scheduled", "start_at": START, "end_at": None, "revision": 1,
        "remind_offsets": (1440, 60), "source": "cli",
    }  # fmt: skip
    values.update(changes)
    return EventView(**values)  # type: ignore[arg-type]


def test_offset_reminders_fire_before_the_start_and_expire_at_it() -> None:
    specs = desired_reminders(event(), None, TZ)
    assert [(s.key, s.fire_at, s.expires_at) for s in specs] == [
        ("r1:1440m", START - 24 * H, START),
        ("r1:60m", START - H, START),
    ]
    assert [s.key for s in desired_reminders(event(revision=3), None, TZ)] == [
        "r3:1440m",
        "r3:60m",
    ]
    assert desired_reminders(event(status="cancelled"), None, TZ) == []


def reminder(
    rid: int, fire: dt.datetime, *, state: str = "scheduled", **kw: object
) -> ReminderView:
    values: dict[str, object] = {
        "id": rid, "group": (1, "offset"), "grouped": True, "state": state,
        "fire_at": fire, "expires_at": START,
    }  # fmt: skip
    values.update(kw)
    return ReminderView(**values)  # type: ignore[arg-type]


def test_not_due_waits_due_sends() -> None:
    day_before, hour_before = reminder(1, START - 24 * H), reminder(2, START - H)
    assert triage([day_before, hour_before], START - 30 * H) == {1: Verdict.WAIT, 2: Verdict.WAIT}
    assert triage([day_before, hour_before], START - 24 * H) == {1: Verdict.SEND, 2: Verdict.WAIT}


def test_two_due_at_once_only_the_later_goes_out() -> None:
    """Down for a day: at start, the 24 h and 1 h reminders are both due; send only the 1 h."""
    day_before, hour_before = reminder(1, START - 24 * H), reminder(2, START - H)
    assert triage([day_before, hour_before], START - H / 2) == {
        1: Verdict.SUPERSEDED,
        2: Verdict.SEND,
    }
    literal = triage([day_before, hour_before], START - H / 2, coalesce=False)
    assert literal == {1: Verdict.SEND, 2: Verdict.SEND}


def test_a_later_one_already_sent_supersedes_an_earlier_added_late() -> None:
    sent = reminder(2, START - H, state="done")
    added_late = reminder(3, START - 48 * H)  # offsets edited after the 1 h reminder went out
    assert triage([sent, added_late], START - H / 2) == {3: Verdict.SUPERSEDED}


def test_due_after_the_event_began_is_missed() -> None:
    assert triage([reminder(1, START - H)], START + dt.timedelta(minutes=1)) == {1: Verdict.MISSED}
    assert triage([reminder(1, START - H)], START) == {1: Verdict.MISSED}


def test_notices_are_not_grouped() -> None:
    notice = reminder(5, START - 2 * H, grouped=False, group=(1, "change"))
    later = reminder(6, START - H)
    assert triage([notice, later], START - H / 2) == {5: Verdict.SEND, 6: Verdict.SEND}


def test_resume_only_before_the_event() -> None:
    assert resume_verdict(START, START - H) is Verdict.SEND
    assert resume_verdict(START, START) is Verdict.MISSED


def test_plan_jobs_adds_moves_and_removes() -> None:
    existing: dict[str, dt.datetime | None] = {
        "event-reminder:1": START,
        "event-reminder:2": START,
        "event-reminder:3": START,
    }
    wanted = {
        "event-reminder:1": START + dt.timedelta(microseconds=300),  # float rounding: same
        "event-reminder:2": START + H,
        "event-reminder:4": START,
    }
    add, remove = plan_jobs(wanted, existing)
    assert add == {"event-reminder:2": START + H, "event-reminder:4": START}
    assert remove == {"event-reminder:3"}


CAMPAIGN = CampaignConfig(
    month=5, day=4, days=31, weeks=(1, 3, 5), send_time=dt.time(10, 0),
    tag="青年服务月", title="快递从业青年服务月", text="……",
)  # fmt: skip


def test_campaign_messages_on_the_first_day_of_each_chosen_week() -> None:
    start, end = campaign_window(CAMPAIGN, 2027, TZ)
    assert start == dt.datetime(2027, 5, 3, 16, 0, tzinfo=dt.UTC)  # 05-04 00:00 in Changzhi
    specs = desired_reminders(
        event(source="campaign", start_at=start, end_at=end, remind_offsets=()), CAMPAIGN, TZ
    )
    local = [s.fire_at.astimezone(TZ).strftime("%m-%d %H:%M") for s in specs]
    assert local == ["05-04 10:00", "05-18 10:00", "06-01 10:00"]
    assert all(s.kind == "campaign" and s.expires_at <= end for s in specs)
    assert desired_reminders(event(source="campaign"), None, TZ) == []


def test_campaign_on_february_29_falls_back_in_common_years() -> None:
    leap = CampaignConfig(2, 29, 7, (1,), dt.time(10, 0), "t", "t", "t")
    assert campaign_window(leap, 2027, TZ)[0].astimezone(TZ).date() == dt.date(2027, 2, 28)
    assert campaign_window(leap, 2028, TZ)[0].astimezone(TZ).date() == dt.date(2028, 2, 29)
