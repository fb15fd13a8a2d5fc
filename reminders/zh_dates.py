"""Dates as couriers type them: 2026年3月5日, 3月5号, 上个月5号, 今天, 三天前, 上周五.

`today` comes from the caller (an injected clock, in Asia/Shanghai). A date without a year is
the most recent one not after today, since what couriers date here (an accident, the last day
at work) has already happened. Returns None when no date can be read, or it does not exist.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

from common.numbers import chinese_to_number

_N = r"(\d{1,2}|[一二两三四五六七八九十]{1,3})"
_DAY_END = r"\s*(?:日|号|號)?"
_FULL = re.compile(r"(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})" + _DAY_END)
_YEAR_WORD = re.compile(rf"(今年|去年|前年)\s*{_N}\s*月\s*{_N}" + _DAY_END)
_MONTH_DAY = re.compile(rf"{_N}\s*月\s*(?:份\s*)?{_N}\s*(?:日|号|號)")
_MONTH_DAY_LOOSE = re.compile(rf"{_N}\s*月\s*{_N}(?![\d个])")
_REL_MONTH = re.compile(rf"(上上个?月|上个?月|这个?月|本月)\s*{_N}\s*(?:日|号|號)?")
_DAY_ONLY = re.compile(rf"(?<![月\d一二三四五六七八九十]){_N}\s*(?:号|號)")
_AGO = re.compile(rf"{_N}\s*(天|日|周|个?星期|个?礼拜|个月|年)\s*(?:以?之?前)")
_WEEKDAY = re.compile(r"(上上|上|这|本)\s*(?:周|星期|礼拜)\s*([一二三四五六日天1-7])")
_RELATIVE_DAYS = {"大前天": -3, "前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0}
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


def _int(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    value = chinese_to_number(text.replace("两", "二"))
    return int(value) if value is not None and value == value.to_integral_value() else None


def _date(year: int, month: int | None, day: int | None) -> dt.date | None:
    if month is None or day is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier); the 31st becomes the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def parse_zh_date(text: str, today: dt.date) -> dt.date | None:
    text = unicodedata.normalize("NFKC", text)
    if match := _FULL.search(text):
        return _date(int(match[1]), int(match[2]), int(match[3]))
    if match := _YEAR_WORD.search(text):
        shift = {"今年": 0, "去年": -1, "前年": -2}[match[1]]
        return _date(today.year + shift, _int(match[2]), _int(match[3]))
    if match := _MONTH_DAY.search(text) or _MONTH_DAY_LOOSE.search(text):
        found = _date(today.year, _int(match[1]), _int(match[2]))
        if found is not None and found > today:
            found = _date(today.year - 1, found.month, found.day)
        return found
    if match := _REL_MONTH.search(text):
        back = 2 if match[1].startswith("上上") else 1 if match[1].startswith("上") else 0
        first = add_months(today.replace(day=1), -back)
        return _date(first.year, first.month, _int(match[2]))
    if match := _WEEKDAY.search(text):
        back = {"上上": 2, "上": 1, "这": 0, "本": 0}[match[1]]
        weekday = int(match[2]) - 1 if match[2].isdigit() else _WEEKDAYS[match[2]]
        monday = today - dt.timedelta(days=today.weekday() + 7 * back)
        return monday + dt.timedelta(days=weekday)
    if match := _AGO.search(text):
        count = _int(match[1])
        if count is None:
            return None
        unit = match[2]
        if unit == "个月":
            return add_months(today, -count)
        if unit == "年":
            return add_years(today, -count)
        return today - dt.timedelta(days=count * (1 if unit in ("天", "日") else 7))
    for word, shift in _RELATIVE_DAYS.items():
        if word in text:
            return today + dt.timedelta(days=shift)
    if match := _DAY_ONLY.search(text):
        day = _int(match[1])
        found = _date(today.year, today.month, day)
        if found is None or found > today:
            first = add_months(today.replace(day=1), -1)
            found = _date(first.year, first.month, day)
        return found
    return None
