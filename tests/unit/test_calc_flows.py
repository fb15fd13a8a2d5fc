from __future__ import annotations

from decimal import Decimal

import pytest

from bot.core import calc_flows
from bot.core.calc_flows import FlowState, advance, start, trigger


@pytest.mark.parametrize(
    ("text", "flow"),
    [
        ("算补偿", "compensation"),
        ("帮我算一下经济补偿", "compensation"),
        ("算算赔偿金", "illegal_termination"),
        ("计算违法解除", "illegal_termination"),
        ("算二倍工资", "double_wages"),
        ("帮我算加班费", "overtime"),
        ("经济补偿怎么算", None),
        ("老板拖欠工资", None),
    ],
)
def test_triggers(text: str, flow: str | None) -> None:
    assert trigger(text) == flow


def run(flow: str, answers: list[str]) -> calc_flows.Step:
    step = start(flow)
    for answer in answers:
        assert step.state is not None
        step = advance(step.state, answer)
    return step


def test_compensation_asks_one_thing_at_a_time_and_computes() -> None:
    first = start("compensation")
    assert first.state is not None and "工资" in (first.prompt or "")
    second = advance(first.state, "四千五")
    assert second.state is not None and "干了多久" in (second.prompt or "")
    done = run("compensation", ["四千五", "两年八个月"])
    assert done.state is None and done.result is not None
    assert done.result.amount == Decimal("13500.00")  # 3 months x 4500 (8 months count as a year)


def test_overtime_flow_accepts_zero_answers() -> None:
    done = run("overtime", ["4350", "0", "1", "0"])
    assert done.result is not None
    assert done.result.amount == Decimal("400.00")  # one rest day: 4350 / 21.75 x 200%


def test_double_wages_flow() -> None:
    done = run("double_wages", ["3.5k", "八个月"])
    assert done.result is not None and done.result.amount == Decimal("24500.00")  # 7 x 3500


def test_a_bad_answer_gets_a_hint_then_the_flow_is_left() -> None:
    step = start("compensation")
    assert step.state is not None
    hinted = advance(step.state, "不知道")
    assert hinted.state is not None and "4500" in (hinted.prompt or "")
    left = advance(hinted.state, "还是不知道")
    assert left.abandoned and left.state is None


def test_another_question_leaves_the_flow_at_once() -> None:
    step = start("overtime")
    assert step.state is not None
    left = advance(step.state, "对了送件路上摔伤了算不算工伤啊")
    assert left.abandoned


@pytest.mark.parametrize("word", ["取消", "/cancel", "算了"])
def test_cancel(word: str) -> None:
    step = start("compensation")
    assert step.state is not None
    cancelled = advance(step.state, word)
    assert cancelled.state is None and cancelled.result is None and not cancelled.abandoned


def test_state_round_trips_through_json_and_rejects_forgeries() -> None:
    state = FlowState(flow="overtime", values={"monthly_wage": "5000"}, misses=1)
    assert FlowState.from_json(state.to_json()) == state
    assert FlowState.from_json({"flow": "drop_tables"}) is None
