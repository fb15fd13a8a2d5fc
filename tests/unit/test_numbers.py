"""Parsing the numbers couriers type: money, months, hours or days, Chinese numerals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from common.numbers import chinese_to_number, parse_count, parse_money, parse_months

D = Decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("零", "0"),
        ("〇", "0"),
        ("五", "5"),
        ("两", "2"),
        ("十", "10"),
        ("十五", "15"),
        ("二十", "20"),
        ("二十五", "25"),
        ("一百零五", "105"),
        ("一百一", "110"),
        ("一百二十三", "123"),
        ("八百", "800"),
        ("一千零五", "1005"),
        ("一千零十", "1010"),
        ("一千零五十", "1050"),
        ("四千", "4000"),
        ("三千五", "3500"),
        ("三千五百", "3500"),
        ("一万", "10000"),
        ("两万", "20000"),
        ("一万二", "12000"),
        ("两万五", "25000"),
        ("一万二千五", "12500"),
        ("一万零五百", "10500"),
        ("十万", "100000"),
        ("三千五万", "35000000"),
        ("壹万贰仟", "12000"),
        ("叁仟伍佰", "3500"),
        ("3千5", "3500"),
        ("4千", "4000"),
        ("1.2万", "12000"),
        ("1万2345", "12345"),
        ("三点五", "3.5"),
        ("一点五万", "15000"),
        ("十二点五", "12.5"),
        ("3500", "3500"),
        (" 三千 五 ", "3500"),
    ],
)
def test_chinese_to_number(text: str, expected: str) -> None:
    value = chinese_to_number(text)
    assert value == D(expected)
    assert str(value) == expected  # no exponent, no trailing zeros


@pytest.mark.parametrize(
    "text",
    ["", "  ", "万", "千", "千千", "万万", "万一", "三四", "三四千", "五十三千", "二零二五", "一点",
     "3 5", "abc", "三千多", "一百百"],
)  # fmt: skip
def test_chinese_to_number_refuses_junk(text: str) -> None:
    assert chinese_to_number(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3500", "3500"),
        ("3,500", "3500"),
        ("3500元", "3500"),
        ("3500 元", "3500"),
        ("三千五", "3500"),
        ("三千五百", "3500"),
        ("3.5k", "3500"),
        ("3.5K", "3500"),
        ("3千5", "3500"),
        ("4千", "4000"),
        ("一万二", "12000"),
        ("1.2万", "12000"),
        ("两万", "20000"),
        ("五千块", "5000"),
        ("八百", "800"),
        ("三千五百块钱", "3500"),
        ("每月4500", "4500"),
        ("月薪4.5w", "45000"),
        ("¥3500", "3500"),
        ("三块钱", "3"),
        ("五十块", "50"),
        ("工资5000,干了2年3个月", "5000"),
        ("一个月4500,干了八个月", "4500"),
        ("5000一个月", "5000"),
        ("2024年3月入职,每月工资4000元", "4000"),
        ("工资三千五,每月5号发", "3500"),
        ("我工资3500,3500都没发", "3500"),  # the same amount twice is not ambiguous
    ],
)
def test_parse_money(text: str, expected: str) -> None:
    assert parse_money(text) == D(expected)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "老板不给钱",
        "我一直没拿到工资",
        "一块干活的兄弟",
        "万一公司不给",
        "干了两年",
        "第3个月",
        "五十",  # a bare small Chinese number is not money
        "3500到4000",  # two different amounts
        "工资4000,扣了500",
        "3 500",
        "三千多",
        "3000来块",
        "三四千",
        "好几千",
        "13812345678",
    ],
)
def test_parse_money_none(text: str) -> None:
    assert parse_money(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("八个月", 8),
        ("8个月", 8),
        ("一年半", 18),
        ("两年三个月", 27),
        ("2年", 24),
        ("三年零两个月", 38),
        ("半年", 6),
        ("1.5年", 18),
        ("十个月", 10),
        ("一年", 12),
        ("十二个月", 12),
        ("两年半", 30),
        ("2年3个月", 27),
        ("干了 三 年", 36),
        ("干了两个半月", 2),  # a part month is dropped
        ("一个月4500,干了八个月", 8),  # 一个月4500 is a rate, not a duration
        ("2024年3月入职,干了八个月", 8),
    ],
)
def test_parse_months(text: str, expected: int) -> None:
    assert parse_months(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "好久了", "3月", "2024年", "第三年", "一年多", "三个多月", "大半年", "三四个月",
     "合同3年干了8个月", "工资5000"],
)  # fmt: skip
def test_parse_months_none(text: str) -> None:
    assert parse_months(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20小时", "20"),
        ("二十个小时", "20"),
        ("3天", "3"),
        ("三天半", "3.5"),
        ("两个半小时", "2.5"),
        ("半天", "0.5"),
        ("1.5天", "1.5"),
        ("三个钟头", "3"),
        ("加班 20 小时", "20"),
        ("20", "20"),
        ("二十", "20"),
    ],
)
def test_parse_count(text: str, expected: str) -> None:
    value = parse_count(text)
    assert value == D(expected)
    assert str(value) == expected


@pytest.mark.parametrize(
    "text",
    ["", "今天", "加班很多", "三天多", "第3天", "每天2小时一共20天", "二十多个小时", "天天加班"],
)
def test_parse_count_none(text: str) -> None:
    assert parse_count(text) is None
