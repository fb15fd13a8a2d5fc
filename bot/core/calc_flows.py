"""Calculator conversations: ask for the missing inputs one at a time, then show the result.

A flow's state is plain data (`FlowState`) that the dialogue stores between messages, so a
calculation survives a restart. Parsing accepts what couriers type (三千五, 3.5k, 一年半, 一个半月,
两个月零十天, 45天). Some questions are asked only when they matter (`Slot.ask_if`): the start
date when the service may reach back before 2008, the local average wage when the wage is high;
a question not asked is stored as `SKIPPED`, so the state alone says what comes next.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from common.clock import SystemClock
from common.numbers import chinese_to_number, parse_count, parse_money, parse_months
from knowledge import calculators
from knowledge.calculators import CAP_CHECK_WAGE, Calculation

Parser = Callable[[str], Decimal | int | str | None]
AskIf = Callable[[dict[str, Any], dt.date], bool]

SKIPPED = "-"  # a question that did not apply
UNKNOWN = "?"  # the courier does not know (the local average wage)
BEIJING = ZoneInfo("Asia/Shanghai")
LAW_2008 = dt.date(2008, 1, 1)  # 劳动合同法 in force; art. 97 para. 3
DAYS_PER_MONTH = 30  # only to read "45天" as 1个月15天


@dataclass(frozen=True, slots=True)
class Slot:
    name: str
    prompt: str
    hint: str
    parse: Parser
    quick: tuple[str, ...] = ()  # common answers offered as buttons; typing works the same
    ask_if: AskIf | None = None  # None: always asked


@dataclass(frozen=True, slots=True)
class Flow:
    id: str
    title: str
    slots: tuple[Slot, ...]
    compute: Callable[[dict[str, Any]], Calculation]


_WAGE = Slot(
    "monthly_wage",
    "你每个月工资大概多少钱？（税前，含提成和补贴，按最近12个月平均。比如：4500 或 四千五）",
    "没看出金额。请只发一个数，比如 4500、四千五 或 4.5k。",
    parse_money,
)
_SERVICE = Slot(
    "service_months",
    "你在这家单位一共干了多久？（比如：两年八个月、一年半、10个月）",
    "没看出时长。请这样写：两年三个月、一年半、8个月。",
    parse_months,
    ("半年", "一年", "两年", "三年", "五年"),
)


def _count_slot(name: str, prompt: str) -> Slot:
    return Slot(name, prompt, "请发一个数字，没有就发 0。", parse_count, ("0",))


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


# ---- parsers for the questions only some flows ask -------------------------------------------

_HALF_MONTH = re.compile(r"半个月|个半月")
_DAYS = re.compile(r"[零又]?(?P<n>\d+|[一二两三四五六七八九十百]+)个?[天日]")
_YEAR_MONTH = re.compile(
    r"(?P<year>(?:19|20)\d{2}|[一二][〇零九][〇零一二三四五六七八九]{2})\s*(?:年|\.|-|/)?"
    r"\s*(?:(?P<month>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*月?)?"
)
_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_DONT_KNOW = re.compile(r"不知道|不清楚|不晓得|不了解|没查|查不到|不会查|跳过|没有")


def parse_span(text: str) -> str | None:
    """Months and days as 'M+D': 一个半月 -> '1+15', 两个月零十天 -> '2+10', 45天 -> '1+15',
    8个月 -> '8+0'."""
    squeezed = re.sub(r"\s+", "", text)
    found = list(_DAYS.finditer(squeezed))
    if len(found) > 1:
        return None  # two day counts: not one span
    days = 0
    if found:
        number = chinese_to_number(found[0]["n"])
        if number is None or number != number.to_integral_value():
            return None
        days = int(number)
        squeezed = squeezed[: found[0].start()] + squeezed[found[0].end() :]
    months = parse_months(squeezed)
    half = _HALF_MONTH.search(squeezed) is not None
    if months is None and not found and not half:
        return None
    extra, rest = divmod(days + (15 if half else 0), DAYS_PER_MONTH)
    return f"{(months or 0) + extra}+{rest}"


def _span(value: Any) -> tuple[int, int]:
    """A stored span; a bare month count (states saved before days were accepted) has no days."""
    months, _, days = str(value).partition("+")
    return int(months), int(days or 0)


def parse_start(text: str) -> str | None:
    """The month work began: 2005年3月 -> '2005-03', 二〇〇六年十月, 2005.3. 2010年 alone gives
    '2010-01' (after 2008 the month does not matter); a year before 2008 needs its month."""
    match = _YEAR_MONTH.search(re.sub(r"\s+", "", text))
    if match is None:
        return None
    year = int(match["year"].translate(_DIGITS))
    month_text = match["month"]
    if month_text is None:
        return f"{year:04d}-01" if year >= LAW_2008.year else None
    month = int(month_text) if month_text.isdigit() else int(chinese_to_number(month_text) or 0)
    if not 1 <= month <= 12 or year < 1950:
        return None
    return f"{year:04d}-{month:02d}"


def parse_average(text: str) -> str | None:
    """Changzhi's average monthly wage, or UNKNOWN when the courier does not know it."""
    if _DONT_KNOW.search(text):
        return UNKNOWN
    money = parse_money(text)
    return None if money is None else str(money)


def _months_since_2008(today: dt.date) -> int:
    return (today.year - LAW_2008.year) * 12 + today.month - LAW_2008.month


def _may_start_before_2008(values: dict[str, Any], today: dt.date) -> bool:
    """Ask for the start when the service, ending today, could have begun before 2008."""
    return int(values["service_months"]) >= _months_since_2008(today) - 1


def _wage_is_high(values: dict[str, Any], today: dt.date) -> bool:
    return _dec(values["monthly_wage"]) >= CAP_CHECK_WAGE


def _months_before_2008(values: dict[str, Any]) -> int:
    start = values.get("start_month")
    if start in (None, SKIPPED):
        return 0
    year, month = (int(part) for part in str(start).split("-"))
    before = (LAW_2008.year - year) * 12 + LAW_2008.month - month
    return min(max(before, 0), int(values["service_months"]))


def _average(values: dict[str, Any]) -> Decimal | None:
    average = values.get("local_average_wage")
    return None if average in (None, SKIPPED, UNKNOWN) else _dec(average)


_START = Slot(
    "start_month",
    "你干的时间比较长，可能是2008年以前就开始干了；2008年以前的那段，经济补偿按当时的规定算。"
    "你是哪年哪月开始在这家干的？（比如：2005年3月）",
    "没看出年月。请这样写：2005年3月。记不清就写大概的年月。",
    parse_start,
    ask_if=_may_start_before_2008,
)
_AVERAGE = Slot(
    "local_average_wage",
    "你的工资比较高，补偿可能要封顶：月工资高于长治市上年度职工月平均工资三倍的，只按三倍算，"
    "年限最多算12年。你知道长治市公布的上年度职工月平均工资是多少吗？知道就发数字；"
    "不知道就发“不知道”，我先不封顶算，结果里会写明。",
    "请发一个数，比如 7000；不知道就发“不知道”。",
    parse_average,
    ("不知道",),
    ask_if=_wage_is_high,
)


FLOWS: dict[str, Flow] = {
    flow.id: flow
    for flow in (
        Flow(
            "compensation",
            "经济补偿（N）",
            (_WAGE, _SERVICE, _START, _AVERAGE),
            lambda s: calculators.economic_compensation(
                _dec(s["monthly_wage"]),
                int(s["service_months"]),
                local_average_wage=_average(s),
                months_before_2008=_months_before_2008(s),
            ),
        ),
        Flow(
            "illegal_termination",
            "违法解除赔偿金（2N）",
            (_WAGE, _SERVICE, _AVERAGE),  # 2N counts from the first day of work, 2008 or not
            lambda s: calculators.illegal_termination(
                _dec(s["monthly_wage"]), int(s["service_months"]), local_average_wage=_average(s)
            ),
        ),
        Flow(
            "double_wages",
            "没签劳动合同的二倍工资",
            (
                _WAGE,
                Slot(
                    "months_without_contract",
                    "从上班第一天算起，你没签书面劳动合同干了多久？"
                    "（比如：8个月、一个半月、两个月零十天）",
                    "没看出时长。请这样写：8个月、一个半月、两个月零十天、一年。",
                    parse_span,
                    ("3个月", "6个月", "一年"),
                ),
            ),
            lambda s: calculators.double_wages(
                _dec(s["monthly_wage"]),
                _span(s["months_without_contract"])[0],
                extra_days=_span(s["months_without_contract"])[1],
            ),
        ),
        Flow(
            "overtime",
            "加班费",
            (
                _WAGE,
                _count_slot("workday_hours", "工作日（周一到周五）一共加班多少小时？没有就发 0。"),
                _count_slot("rest_days", "休息日上班、又没给补休的，一共几天？没有就发 0。"),
                _count_slot("holiday_days", "法定节假日上班的，一共几天？没有就发 0。"),
            ),
            lambda s: calculators.overtime_pay(
                _dec(s["monthly_wage"]),
                workday_hours=_dec(s["workday_hours"]),
                rest_days=_dec(s["rest_days"]),
                holiday_days=_dec(s["holiday_days"]),
            ),
        ),
    )
}

_TRIGGERS = (
    (re.compile(r"(算|计算|帮我算).{0,4}(违法解除|赔偿金|2N|2n|双倍赔偿)"), "illegal_termination"),
    (re.compile(r"(算|计算|帮我算).{0,4}(经济补偿|补偿金?|N\b|n\b)"), "compensation"),
    (re.compile(r"(算|计算|帮我算).{0,4}(二倍工资|双倍工资|两倍工资)"), "double_wages"),
    (re.compile(r"(算|计算|帮我算).{0,4}加班费"), "overtime"),
)
CANCEL_WORDS = {"/cancel", "取消", "算了", "不算了", "退出", "不用了"}


def trigger(text: str) -> str | None:
    """The flow a message asks for ("算补偿", "帮我算加班费"), if any."""
    for pattern, flow_id in _TRIGGERS:
        if pattern.search(text):
            return flow_id
    return None


@dataclass
class FlowState:
    flow: str
    values: dict[str, Any] = field(default_factory=dict)
    misses: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"flow": self.flow, "values": self.values, "misses": self.misses}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FlowState | None:
        if data.get("flow") not in FLOWS:
            return None
        return cls(flow=data["flow"], values=dict(data.get("values") or {}),
                   misses=int(data.get("misses") or 0))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Step:
    """What to say next; `state` None means the flow is over (done, cancelled or abandoned)."""

    prompt: str | None
    state: FlowState | None
    result: Calculation | None = None
    flow: Flow | None = None
    abandoned: bool = False


def start(flow_id: str) -> Step:
    flow = FLOWS[flow_id]
    state = FlowState(flow=flow_id)
    intro = f"好的，我们来算{flow.title}。随时发“取消”可以退出。\n\n{flow.slots[0].prompt}"
    return Step(prompt=intro, state=state, flow=flow)


def _next_slot(flow: Flow, state: FlowState) -> Slot | None:
    return next((slot for slot in flow.slots if slot.name not in state.values), None)


def current_slot(state: FlowState) -> Slot | None:
    """The input the flow is waiting for."""
    return _next_slot(FLOWS[state.flow], state)


def _beijing_today() -> dt.date:
    return SystemClock().now().astimezone(BEIJING).date()


def _skip_unneeded(flow: Flow, state: FlowState, today: dt.date) -> Slot | None:
    """The next question that applies; those that do not are stored as SKIPPED."""
    while (slot := _next_slot(flow, state)) is not None:
        if slot.ask_if is None or slot.ask_if(state.values, today):
            return slot
        state.values[slot.name] = SKIPPED
    return None


def advance(state: FlowState, text: str, *, today: dt.date | None = None) -> Step:
    """Take one answer. Unparseable twice, or clearly another question: leave the flow.

    `today` (Beijing date; the system clock's when None) decides whether the service may reach
    back before 2008."""
    flow = FLOWS[state.flow]
    if text.strip() in CANCEL_WORDS:
        return Step(prompt="好的，不算了。有别的问题直接问我。", state=None, flow=flow)
    slot = _next_slot(flow, state)
    if slot is None:  # pragma: no cover - a finished state is never stored
        return Step(prompt=None, state=None, flow=flow)
    value = slot.parse(text)
    if value is None:
        if state.misses >= 1 or (
            len(text) >= 10 and not re.search(r"\d|[一二两三四五六七八九十]", text)
        ):
            return Step(prompt=None, state=None, flow=flow, abandoned=True)
        state.misses += 1
        return Step(prompt=slot.hint, state=state, flow=flow)
    state.values[slot.name] = str(value)
    state.misses = 0
    following = _skip_unneeded(flow, state, today or _beijing_today())
    if following is not None:
        return Step(prompt=following.prompt, state=state, flow=flow)
    try:
        result = flow.compute(state.values)
    except ValueError as exc:
        return Step(prompt=f"{exc} 我们重新来一次吧，发“算{flow.title}”重新开始。", state=None,
                    flow=flow)  # fmt: skip
    return Step(prompt=None, state=None, result=result, flow=flow)
