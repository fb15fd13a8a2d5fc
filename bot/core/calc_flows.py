"""Calculator conversations: ask for the missing inputs one at a time, then show the result.

A flow's state is plain data (`FlowState`) that the dialogue stores between messages, so a
calculation survives a restart. Parsing accepts what couriers type (三千五, 3.5k, 一年半).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from common.numbers import parse_count, parse_money, parse_months
from knowledge import calculators
from knowledge.calculators import Calculation

Parser = Callable[[str], Decimal | int | None]


@dataclass(frozen=True, slots=True)
class Slot:
    name: str
    prompt: str
    hint: str
    parse: Parser
    quick: tuple[str, ...] = ()  # common answers offered as buttons; typing works the same


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


FLOWS: dict[str, Flow] = {
    flow.id: flow
    for flow in (
        Flow(
            "compensation",
            "经济补偿（N）",
            (_WAGE, _SERVICE),
            lambda s: calculators.economic_compensation(
                _dec(s["monthly_wage"]), int(s["service_months"])
            ),
        ),
        Flow(
            "illegal_termination",
            "违法解除赔偿金（2N）",
            (_WAGE, _SERVICE),
            lambda s: calculators.illegal_termination(
                _dec(s["monthly_wage"]), int(s["service_months"])
            ),
        ),
        Flow(
            "double_wages",
            "没签劳动合同的二倍工资",
            (
                _WAGE,
                Slot(
                    "months_without_contract",
                    "从上班第一天算起，你没签书面劳动合同干了几个月？（比如：8个月）",
                    "没看出时长。请这样写：8个月、一年。",
                    parse_months,
                    ("3个月", "6个月", "一年"),
                ),
            ),
            lambda s: calculators.double_wages(
                _dec(s["monthly_wage"]), int(s["months_without_contract"])
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
    intro = (
        f"好的，我们来算{flow.title}。随时发“取消”或 /cancel 可以退出。\n\n{flow.slots[0].prompt}"
    )
    return Step(prompt=intro, state=state, flow=flow)


def _next_slot(flow: Flow, state: FlowState) -> Slot | None:
    return next((slot for slot in flow.slots if slot.name not in state.values), None)


def current_slot(state: FlowState) -> Slot | None:
    """The input the flow is waiting for."""
    return _next_slot(FLOWS[state.flow], state)


def advance(state: FlowState, text: str) -> Step:
    """Take one answer. Unparseable twice, or clearly another question: leave the flow."""
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
    following = _next_slot(flow, state)
    if following is not None:
        return Step(prompt=following.prompt, state=state, flow=flow)
    try:
        result = flow.compute(state.values)
    except ValueError as exc:
        return Step(prompt=f"{exc} 我们重新来一次吧，发“算{flow.title}”重新开始。", state=None,
                    flow=flow)  # fmt: skip
    return Step(prompt=None, state=None, result=result, flow=flow)
