"""Dates as couriers type them, read against an injected today."""

from __future__ import annotations

import datetime as dt

import pytest

from reminders.zh_dates import add_months, add_years, parse_zh_date

TODAY = dt.date(2026, 11, 29)  # a Sunday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026年3月5日", dt.date(2026, 3, 5)),
        ("我是2025年12月1号摔的", dt.date(2025, 12, 1)),
        ("２０２６年３月５日", dt.date(2026, 3, 5)),
        ("2026-03-05", dt.date(2026, 3, 5)),
        ("2026/3/5", dt.date(2026, 3, 5)),
        ("3月5号", dt.date(2026, 3, 5)),
        ("3月5日出的事", dt.date(2026, 3, 5)),
        ("三月五号", dt.date(2026, 3, 5)),
        ("十二月二十号", dt.date(2025, 12, 20)),  # not yet this year: last year
        ("12月20", dt.date(2025, 12, 20)),
        ("去年8月8号", dt.date(2025, 8, 8)),
        ("今年1月1日", dt.date(2026, 1, 1)),
        ("上个月5号", dt.date(2026, 10, 5)),
        ("上月31号", dt.date(2026, 10, 31)),
        ("这个月3号", dt.date(2026, 11, 3)),
        ("5号", dt.date(2026, 11, 5)),
        ("30号", dt.date(2026, 10, 30)),  # the 30th has not come yet this month
        ("今天", TODAY),
        ("昨天下午", dt.date(2026, 11, 28)),
        ("前天", dt.date(2026, 11, 27)),
        ("大前天", dt.date(2026, 11, 26)),
        ("三天前", dt.date(2026, 11, 26)),
        ("2个月前", dt.date(2026, 9, 29)),
        ("两周前", dt.date(2026, 11, 15)),
        ("上周五", dt.date(2026, 11, 20)),
        ("上星期一", dt.date(2026, 11, 16)),
        ("这周三", dt.date(2026, 11, 25)),
    ],
)
def test_dates_couriers_type(text: str, expected: dt.date) -> None:
    assert parse_zh_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["不记得了", "2月30日", "2026年13月1日", "好久之前", ""])
def test_no_date_or_no_such_date(text: str) -> None:
    assert parse_zh_date(text, TODAY) is None


def test_month_and_year_arithmetic_clamps_to_month_end() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert add_years(dt.date(2026, 3, 5), 1) == dt.date(2027, 3, 5)
