from __future__ import annotations

import datetime as dt
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


# ---- part months, the start before 2008, the local average (issue 14) ------------------------

TODAY = dt.date(2026, 12, 7)  # 2008-01-01 is 18 years 11 months back


def run_on(flow: str, answers: list[str], today: dt.date = TODAY) -> calc_flows.Step:
    step = start(flow)
    for answer in answers:
        assert step.state is not None
        step = advance(step.state, answer, today=today)
    return step


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("一个半月", "3448.28"),  # 15 days owed: 5000 / 21.75 x 15
        ("1个月15天", "3448.28"),
        ("45天", "3448.28"),  # read as 1 month 15 days
        ("两个月零十天", "7298.85"),  # 1 month + 10 days
        ("八个月", "35000.00"),
    ],
)
def test_double_wages_flow_takes_days(said: str, expected: str) -> None:
    done = run_on("double_wages", ["5000", said])
    assert done.result is not None and done.result.amount == Decimal(expected)
    assert not any("还没有到" in line for line in done.result.lines)


@pytest.mark.parametrize(
    ("text", "span"),
    [("一个半月", "1+15"), ("两个月10天", "2+10"), ("20天", "0+20"), ("半个月", "0+15"),
     ("一年", "12+0"), ("一年多", None), ("8", None)],
)  # fmt: skip
def test_parse_span(text: str, span: str | None) -> None:
    assert calc_flows.parse_span(text) == span


def test_a_stored_month_count_from_before_days_still_computes() -> None:
    flow = calc_flows.FLOWS["double_wages"]
    result = flow.compute({"monthly_wage": "3500", "months_without_contract": "8"})
    assert result.amount == Decimal("24500.00")


def test_long_service_asks_for_the_start_and_leaves_pre_2008_years_out() -> None:
    asked = run_on("compensation", ["5000", "二十年"])
    assert asked.state is not None and "2008" in (asked.prompt or "")
    done = run_on("compensation", ["5000", "二十年", "2005年3月"])
    # 2005-03 to 2008-01 is 34 months; the 206 months since are 17y2m -> 17.5 x 5000
    assert done.result is not None and done.result.amount == Decimal("87500.00")
    assert any("第九十七条第三款" in line for line in done.result.lines)


def test_a_start_after_2008_changes_nothing() -> None:
    done = run_on("compensation", ["5000", "十九年", "2010年"])
    assert done.result is not None and done.result.amount == Decimal("95000.00")


def test_short_service_is_not_asked_for_the_start() -> None:
    step = run_on("compensation", ["5000", "两年"])
    assert step.result is not None and step.result.amount == Decimal("10000.00")
    step = run_on("compensation", ["5000", "十八年"], today=TODAY)  # 216 < 226 months
    assert step.result is not None


def test_the_start_is_asked_by_the_date_of_today() -> None:
    later = dt.date(2040, 1, 1)
    assert run_on("compensation", ["5000", "二十年"], today=later).result is not None


def test_a_high_wage_asks_for_the_local_average() -> None:
    asked = run_on("compensation", ["两万", "两年"])
    assert asked.state is not None and "平均工资" in (asked.prompt or "")
    assert calc_flows.current_slot(asked.state) is not None
    assert "不知道" in calc_flows.current_slot(asked.state).quick  # type: ignore[union-attr]
    capped = run_on("compensation", ["两万", "两年", "5000"])
    assert capped.result is not None and capped.result.amount == Decimal("30000.00")  # 2 x 15000
    unknown = run_on("illegal_termination", ["两万", "两年", "不知道"])
    assert unknown.result is not None and unknown.result.amount == Decimal("80000.00")
    assert any("没有按封顶算" in line for line in unknown.result.lines)


def test_illegal_termination_never_asks_for_the_start() -> None:
    done = run_on("illegal_termination", ["5000", "二十年"])
    assert done.result is not None and done.result.amount == Decimal("200000.00")


def test_the_intro_names_no_slash_command() -> None:
    assert "/" not in (start("overtime").prompt or "")
