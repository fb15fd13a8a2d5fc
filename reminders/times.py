"""Local (Asia/Shanghai) times as administrators type them, and as couriers read them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

WEEKDAYS = "一二三四五六日"
_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


def parse_local(text: str, tz: ZoneInfo) -> dt.datetime:
    """'YYYY-MM-DD HH:MM' in `tz` as an aware UTC datetime; ValueError says what was expected."""
    cleaned = " ".join(text.strip().split())
    for fmt in _FORMATS:
        try:
            naive = dt.datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
        return naive.replace(tzinfo=tz).astimezone(dt.UTC)
    raise ValueError(f'时间格式不对：{text!r}，请写成 "YYYY-MM-DD HH:MM"，例如 "2026-12-05 14:00"')


def local(moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return moment.astimezone(tz)


def format_local(moment: dt.datetime, tz: ZoneInfo) -> str:
    """'2026-12-05 14:00' (for administrators and the CLI)."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def format_day(moment: dt.datetime | dt.date, tz: ZoneInfo | None = None) -> str:
    """'12月5日（周六）' (for couriers): the day in `tz`, or in the moment's own zone without
    one; never the machine's (astimezone(None) would take it: on a UTC machine, the day
    before for 00:00-08:00 Beijing time)."""
    if isinstance(moment, dt.datetime):
        day = (moment.astimezone(tz) if tz is not None else moment).date()
    else:
        day = moment
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


def format_span(start: dt.datetime, end: dt.datetime | None, tz: ZoneInfo) -> str:
    """'12月5日（周六）14:00–16:00', or with both days when the event runs over several."""
    begin = start.astimezone(tz)
    text = f"{format_day(begin, tz)}{begin:%H:%M}"
    if end is None:
        return text
    finish = end.astimezone(tz)
    if finish.date() == begin.date():
        return f"{text}–{finish:%H:%M}"
    return f"{text} 至 {format_day(finish, tz)}{finish:%H:%M}"


def format_until(delta: dt.timedelta) -> str:
    """How long until something starts, roughly: '约 1 小时', '约 2 天', '不到 1 分钟'."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "不到 1 分钟"
    if minutes < 90:
        return f"约 {minutes} 分钟"
    hours = round(minutes / 60)
    if hours < 36:
        return f"约 {hours} 小时"
    return f"约 {round(hours / 24)} 天"
