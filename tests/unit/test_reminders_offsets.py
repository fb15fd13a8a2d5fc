"""Offsets ('24h,1h'), local times, and the reminders' settings."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest

from bot.settings import Settings
from reminders.config import ReminderConfig, split_list
from reminders.offsets import format_offsets, parse_offsets
from reminders.times import format_local, format_span, format_until, parse_local

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("24h,1h", (1440, 60)),
        ("1h, 24h", (1440, 60)),
        ("30m", (30,)),
        ("2d,1D,90m", (2880, 1440, 90)),
        ("1h，30m", (60, 30)),
        ("1h,60m", (60,)),
    ],
)
def test_offsets_parse_largest_first(text: str, minutes: tuple[int, ...]) -> None:
    assert parse_offsets(text) == minutes


@pytest.mark.parametrize("text", ["", "5", "5x", "h", "0m", "-1h", "61d", "1h,2h,3h,4h,5h,6h,7h"])
def test_bad_offsets_say_what_to_write(text: str) -> None:
    with pytest.raises(ValueError, match=r"提醒|60 天|大于 0|最多"):
        parse_offsets(text)


def test_offsets_round_trip() -> None:
    assert format_offsets(parse_offsets("2d,24h,1h,30m")) == "2d,24h,1h,30m"


def test_local_times_are_shanghai_and_stored_in_utc() -> None:
    moment = parse_local("2026-12-05 14:00", TZ)
    assert moment == dt.datetime(2026, 12, 5, 6, 0, tzinfo=dt.UTC)
    assert format_local(moment, TZ) == "2026-12-05 14:00"
    assert parse_local("2026-12-05T14:00:30", TZ).second == 30
    with pytest.raises(ValueError, match="YYYY-MM-DD HH:MM"):
        parse_local("12/05 2pm", TZ)


def test_spans_read_naturally() -> None:
    start = parse_local("2026-12-05 14:00", TZ)
    assert format_span(start, start + dt.timedelta(hours=2), TZ) == "12月5日（周六）14:00–16:00"
    assert "至 12月6日（周日）" in format_span(start, start + dt.timedelta(days=1), TZ)


@pytest.mark.parametrize("machine_zone", ["UTC", "America/New_York", "Asia/Shanghai"])
def test_an_event_after_midnight_is_on_its_own_day_whatever_the_machine_zone(
    machine_zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """00:30 Beijing time is 16:30 UTC the day before: the day shown must be Beijing's."""
    monkeypatch.setenv("TZ", machine_zone)
    time.tzset()
    try:
        start = parse_local("2026-12-06 00:30", TZ)
        assert format_span(start, None, TZ) == "12月6日（周日）00:30"
        late = parse_local("2026-12-05 23:00", TZ)
        assert format_span(late, start, TZ) == "12月5日（周六）23:00 至 12月6日（周日）00:30"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_countdowns_read_naturally() -> None:
    assert format_until(dt.timedelta(minutes=59)) == "约 59 分钟"
    assert format_until(dt.timedelta(hours=24)) == "约 24 小时"
    assert format_until(dt.timedelta(days=3)) == "约 3 天"
    assert format_until(dt.timedelta(seconds=10)) == "不到 1 分钟"


def test_config_from_settings() -> None:
    config = ReminderConfig.from_settings(
        Settings(admin_telegram_ids="1, 22", reminder_offsets_default="2h,10m")
    )
    assert config.admin_chats == ("1", "22")
    assert config.default_offsets == (120, 10)
    assert "青年服务月" in config.tags
    assert config.campaign is None  # the plan names no dates: no campaign until configured


def test_campaign_settings_are_checked() -> None:
    config = ReminderConfig.from_settings(
        Settings(youth_month_start="05-01", youth_month_weeks="1,3", youth_month_send_time="9:30")
    )
    assert config.campaign is not None
    assert (config.campaign.month, config.campaign.day, config.campaign.weeks) == (5, 1, (1, 3))
    assert config.campaign.send_time == dt.time(9, 30)
    for bad in (
        {"youth_month_start": "5月"},
        {"youth_month_start": "05-01", "youth_month_weeks": "9"},
        {"youth_month_start": "05-01", "youth_month_send_time": "25:00"},
        {"admin_telegram_ids": "bob"},
        {"reminder_offsets_default": "soon"},
    ):
        with pytest.raises(ValueError):
            ReminderConfig.from_settings(Settings(**bad))  # type: ignore[arg-type]


def test_split_list_takes_chinese_commas() -> None:
    assert split_list("法律讲座，工会活动、 技能培训,,法律讲座") == (
        "法律讲座",
        "工会活动",
        "技能培训",
    )
