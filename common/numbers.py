"""Numbers in what couriers type: amounts of money, durations in months, counts of hours or days.

Input is already normalised (NFKC, simplified characters). Chinese numerals are read with the
colloquial elision (三千五 = 3500, 一万二 = 12000). Each parser returns None when the text holds no
number of the kind asked for, or when it is vague or holds two different ones (三四千, 三千多,
3500到4000); the dialogue then asks again instead of guessing.
"""

from __future__ import annotations

import re
from decimal import ROUND_FLOOR, Decimal

__all__ = ["chinese_to_number", "parse_count", "parse_money", "parse_months"]

_DIGIT_VALUES = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "俩": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
_UNIT_VALUES = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_WAN = 10_000
_D = "".join(_DIGIT_VALUES)
_U = "十拾百佰千仟万"

_ASCII_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SPACES = re.compile(r"(?<!\d)\s+|\s+(?!\d)")  # keep a space only between two digits
_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?!\d)")
_FRACTION = re.compile(rf"([{_D}\d]+)([{_U}]?)")

# A numeral: runs of digits (ASCII or Chinese, with 点 for a decimal point) joined by units.
_PART = rf"(?:\d+(?:\.\d+)?|[{_D}]+(?:点[{_D}\d]+)?)"


def _numeral(unit: str) -> str:
    return rf"(?:{_PART}(?:{unit}{_PART}?)*|(?:{unit}{_PART}?)+)"


_NUM = _numeral(f"[{_U}]")
_MONEY_NUM = _numeral(rf"(?:[{_U}]|[kKwW](?![a-zA-Z]))")
_START = rf"(?<![第\d.{_D}{_U}])"

_MONEY = re.compile(rf"{_START}{_MONEY_NUM}")
_YUAN = re.compile(r"元|块|圆|rmb|RMB")
_NOT_MONEY = re.compile(
    r"个|年|月|天|日|号|小时|钟|岁|次|周|星期|礼拜|分|秒|点|件|单|票|趟|人|名|公里|km|里|斤|kg"
    r"|楼|层|%|倍|台|辆|份|张|班|条|家|栋|期|届|级|位|米|平|遍|回|成|折"
)
_NOT_MONEY_BEFORE = re.compile(r"(?:第|周|星期|礼拜|号|No\.?|#)$")
_VAGUE_MONEY = re.compile(r"多|余|来|几")
_VAGUE = re.compile(r"多|余")

_MONTHS = re.compile(
    rf"{_START}(?:"
    rf"(?P<years>{_NUM})年(?P<year_half>半)?(?:[零又]?(?P<extra>{_NUM})个?(?P<extra_half>半)?月)?"
    rf"|(?P<months>{_NUM})个(?P<month_half>半)?月"
    rf"|(?<![大小多])(?P<half_year>半)年"
    rf"|(?<![大小多])(?P<half_month>半)个月)"
)
_COUNT = re.compile(
    rf"{_START}(?:"
    rf"(?P<n>{_NUM})个?(?P<half_before>半)?(?:小时|钟头|天)(?P<half_after>半)?"
    rf"|(?<![大小多])(?P<half>半)个?(?:小时|钟头|天))"
)
_PER_MONTH = re.compile(rf"[\d{_D}{_U}]|工资|能拿|拿|挣|赚|收入|到手")  # 一个月4500 is a rate
_HALF = Decimal("0.5")


def _squeeze(text: str) -> str:
    return _SPACES.sub("", text)


def _clean(value: Decimal) -> Decimal:
    """3500 rather than 3.5E+3 or 3500.0; 3.5 rather than 3.50."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _tokens(text: str) -> list[tuple[str, Decimal]] | None:
    tokens: list[tuple[str, Decimal]] = []
    i = 0
    while i < len(text):
        match = _ASCII_NUMBER.match(text, i)
        if match:
            tokens.append(("num", Decimal(match.group())))
            i = match.end()
            continue
        char = text[i]
        if char in "零〇":
            tokens.append(("zero", Decimal(0)))
        elif char in _DIGIT_VALUES:
            tokens.append(("num", Decimal(_DIGIT_VALUES[char])))
        elif char in _UNIT_VALUES:
            tokens.append(("unit", Decimal(_UNIT_VALUES[char])))
        elif char == "万":
            tokens.append(("wan", Decimal(_WAN)))
        else:
            return None
        i += 1
    return tokens


def _close(
    section: Decimal, pending: Decimal | None, unit: Decimal | None, zero: bool
) -> Decimal | None:
    """Add the number left after the last unit: 三千五 elides 百, 一千零五 does not."""
    if pending is None:
        return section
    if unit is None:
        return section + pending
    if pending != pending.to_integral_value():
        return None
    if not zero and pending < 10:
        return section + pending * unit / 10
    return section + pending if pending < unit else None


def _integer(text: str) -> Decimal | None:
    """Read a numeral without 点: digits, units 十百千 and one 万."""
    tokens = _tokens(text)
    if not tokens:
        return None
    if tokens == [("zero", Decimal(0))]:
        return Decimal(0)
    total = section = Decimal(0)
    pending: Decimal | None = None
    last_small: Decimal | None = None  # the last 十百千 in the current section
    last_unit: Decimal | None = None  # the last unit of any kind
    zero = seen_wan = False
    for kind, value in tokens:
        if kind == "zero":
            if pending is not None or last_unit is None:
                return None
            zero = True
        elif kind == "num":
            if pending is not None:
                return None  # two numbers in a row: 三四, 5000 1
            pending = value
        elif kind == "unit":
            if pending is None:
                if value != 10 or (last_small is not None and not zero):
                    return None
                pending = Decimal(1)  # 十五, 二十万, 一千零十
            if last_small is not None and value >= last_small:
                return None
            if (last_small is not None or zero) and pending >= 10:
                return None
            section += pending * value
            pending, last_small, last_unit, zero = None, value, value, False
        else:
            closed = _close(section, pending, last_small, zero)
            if seen_wan or not closed:
                return None
            total, section, pending = closed * _WAN, Decimal(0), None
            last_small, last_unit, zero, seen_wan = None, value, False, True
    closed = _close(section, pending, last_unit, zero)
    return None if closed is None else total + closed


def chinese_to_number(s: str) -> Decimal | None:
    """The value of a numeral: 三千五 -> 3500, 一万二 -> 12000, 十五 -> 15, 1.2万, 3千5, 三点五."""
    text = _squeeze(s)
    if "点" not in text:
        value = _integer(text)
        return None if value is None else _clean(value)
    left, _, right = text.partition("点")
    fraction = _FRACTION.fullmatch(right)
    whole = _integer(left)
    if fraction is None or whole is None or whole != whole.to_integral_value():
        return None
    digits = "".join(str(_DIGIT_VALUES.get(char, char)) for char in fraction[1])
    value = whole + Decimal(f"0.{digits}")
    if fraction[2]:
        value *= _WAN if fraction[2] == "万" else _UNIT_VALUES[fraction[2]]
    return _clean(value)


def _one(values: set[Decimal]) -> Decimal | None:
    return next(iter(values)) if len(values) == 1 else None


def parse_money(text: str) -> Decimal | None:
    """An amount in yuan: 3500, 3,500, 3.5k, 三千五, 一万二, 1.2万, 五千块, 每月4500."""
    text = _THOUSANDS.sub(lambda m: m.group().replace(",", ""), _squeeze(text))
    values: set[Decimal] = set()
    for match in _MONEY.finditer(text):
        span, after = match.group(), text[match.end() :]
        if _NOT_MONEY.match(after) or _NOT_MONEY_BEFORE.search(text[: match.start()]):
            continue
        if _VAGUE_MONEY.match(after):
            return None  # 三千多, 3000来块
        yuan = bool(_YUAN.match(after)) or text[: match.start()].endswith("¥")
        ascii_digits = any(char.isascii() and char.isdigit() for char in span)
        if not yuan and not ascii_digits and not any(unit in span for unit in "百佰千仟万"):
            continue  # 一直, 十五: a bare small Chinese number is not money
        if span == "一" and after.startswith("块") and not after.startswith("块钱"):
            continue  # 一块 = together
        if not yuan and span.isdigit() and len(span) >= 8:
            continue  # a phone or order number
        value = chinese_to_number(span.translate(str.maketrans("kKwW", "千千万万")))
        if value is not None:
            values.add(value)
    return _one(values)


def parse_months(text: str) -> int | None:
    """A duration in whole months: 八个月 -> 8, 一年半 -> 18, 两年三个月 -> 27, 1.5年 -> 18."""
    text = _squeeze(text)
    found: set[Decimal] = set()
    for match in _MONTHS.finditer(text):
        if _VAGUE.match(text, match.end()):
            return None  # 一年多
        if match.group() == "一个月" and _PER_MONTH.match(text, match.end()):
            continue  # 一个月4500, 一个月能拿五千
        months = _match_months(match)
        if months is not None:
            found.add(months.to_integral_value(rounding=ROUND_FLOOR))  # 两个半月 -> 2
    value = _one(found)
    return None if value is None else int(value)


def _match_months(match: re.Match[str]) -> Decimal | None:
    if match["half_year"]:
        return Decimal(6)
    if match["half_month"]:
        return Decimal(0)
    if match["months"]:
        months = chinese_to_number(match["months"])
        return None if months is None else months + (_HALF if match["month_half"] else 0)
    years = chinese_to_number(match["years"])
    if years is None or years >= 100:
        return None  # 2024年 is a date, not a duration
    months = years * 12 + (6 if match["year_half"] else 0)
    if match["extra"]:
        extra = chinese_to_number(match["extra"])
        if extra is None:
            return None
        months += extra + (_HALF if match["extra_half"] else 0)
    return months


def parse_count(text: str) -> Decimal | None:
    """Hours or days: 20小时, 二十个小时, 3天, 三天半 -> 3.5, 半天 -> 0.5; or a bare number: 20."""
    text = _squeeze(text)
    found: set[Decimal] = set()
    for match in _COUNT.finditer(text):
        if _VAGUE.match(text, match.end()):
            return None  # 三天多
        if match["half"]:
            found.add(_HALF)
            continue
        count = chinese_to_number(match["n"])
        if count is not None:
            half = match["half_before"] or match["half_after"]
            found.add(_clean(count + (_HALF if half else 0)))
    if not found and re.fullmatch(_NUM, text):
        return chinese_to_number(text)
    return _one(found)
