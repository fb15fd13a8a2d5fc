"""The money calculators; every expected amount is worked out by hand in the test."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from knowledge.calculators import (
    Calculation,
    double_wages,
    economic_compensation,
    illegal_termination,
    overtime_pay,
)

D = Decimal
LCL = "《中华人民共和国劳动合同法》"
REG = "《中华人民共和国劳动合同法实施条例》"


# ---- economic compensation (art. 47) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("service_months", "expected"),
    [
        (0, "2500.00"),  # under six months: half a month (0.5 x 5000)
        (1, "2500.00"),
        (5, "2500.00"),  # 5 months: still half a month
        (6, "5000.00"),  # 6 months: counts as a full year
        (11, "5000.00"),
        (12, "5000.00"),  # exactly one year
        (13, "7500.00"),  # 1 year + 1 month: 1.5
        (17, "7500.00"),  # 1 year + 5 months: 1.5
        (18, "10000.00"),  # 1 year + 6 months: 2
        (24, "10000.00"),
        (32, "15000.00"),  # 2 years 8 months: 3
        (240, "100000.00"),  # 20 years, no cap for an ordinary wage: 20 x 5000
        (600, "250000.00"),  # 50 years: 50 x 5000
    ],
)
def test_economic_compensation_counts_years(service_months: int, expected: str) -> None:
    result = economic_compensation(D(5000), service_months)
    assert result.amount == D(expected)
    assert result.amount.as_tuple().exponent == -2


def test_economic_compensation_working_and_sources() -> None:
    result = economic_compensation(D(5000), 32)
    assert isinstance(result, Calculation)
    assert result.lines[0] == "工作年限：2年8个月，按3个月工资算。"
    assert "剩下的8个月满六个月，按一年算" in result.lines[1]
    assert result.lines[-1] == "经济补偿：3个月 × 5000元 = 15000元。"
    assert f"{LCL}第四十七条" in result.sources
    assert f"{REG}第二十七条" in result.sources
    assert any("离职前12个月的平均工资" in text for text in result.assumptions)


@pytest.mark.parametrize(
    ("service_months", "first_line", "second_line"),
    [
        (29, "工作年限：2年5个月，按2.5个月工资算。", "剩下的5个月不满六个月，按半个月算"),
        (30, "工作年限：2年6个月，按3个月工资算。", "剩下的6个月满六个月，按一年算"),
        (36, "工作年限：3年，按3个月工资算。", "正好是整年"),
        (3, "工作年限：3个月，按半个月工资算。", "不满六个月，按半个月工资算"),
        (0, "工作年限：不满1个月，按半个月工资算。", "不满六个月"),
    ],
)
def test_economic_compensation_lines_at_the_six_month_edge(
    service_months: int, first_line: str, second_line: str
) -> None:
    result = economic_compensation(D(4000), service_months)
    assert result.lines[0] == first_line
    assert second_line in result.lines[1]


def test_without_local_average_the_cap_is_flagged_as_unchecked() -> None:
    result = economic_compensation(D(80000), 240)
    assert result.amount == D("1600000.00")  # 20 x 80000: nothing capped without the average
    assert any("没有核对高收入封顶" in a and "12333" in a for a in result.assumptions)


@pytest.mark.parametrize(
    ("wage", "service_months", "expected"),
    [
        # above 3 x 7000 = 21000: base capped at 21000 ...
        ("30000", 60, "105000.00"),  # 5 years x 21000, years under 12
        ("30000", 144, "252000.00"),  # exactly 12 years x 21000
        ("30000", 150, "252000.00"),  # 12y6m would be 13, capped at 12 x 21000
        ("30000", 184, "252000.00"),  # 15y4m would be 15.5, capped at 12 x 21000
        ("21000.01", 240, "252000.00"),  # one fen above the line is capped
        # ... at or below 3 x average: neither cap applies
        ("21000", 184, "325500.00"),  # exactly 3x is not "above": 15.5 x 21000
        ("20000", 184, "310000.00"),  # 15.5 x 20000, no 12-year cap
        ("20000", 240, "400000.00"),  # 20 x 20000
    ],
)
def test_caps_apply_only_above_three_times_the_average(
    wage: str, service_months: int, expected: str
) -> None:
    result = economic_compensation(D(wage), service_months, local_average_wage=D(7000))
    assert result.amount == D(expected)
    assert not any("12333" in a for a in result.assumptions)


def test_capped_working_says_so() -> None:
    capped = economic_compensation(D(30000), 184, local_average_wage=D(7000))
    assert any("3 × 7000元 = 21000元" in line and "按12个月算" in line for line in capped.lines)
    assert capped.lines[-1] == "经济补偿：12个月 × 21000元 = 252000元。"
    under_twelve = economic_compensation(D(30000), 60, local_average_wage=D(7000))
    assert not any("按12个月算" in line for line in under_twelve.lines)
    uncapped = economic_compensation(D(20000), 184, local_average_wage=D(7000))
    assert any("不封顶" in line for line in uncapped.lines)


@pytest.mark.parametrize(
    ("wage", "service_months", "expected"),
    [
        ("1000.01", 3, "500.01"),  # 0.5 x 1000.01 = 500.005 -> half up
        ("3333.33", 29, "8333.33"),  # 2.5 x 3333.33 = 8333.325 -> 8333.33
        ("4567.89", 18, "9135.78"),  # 2 x 4567.89
    ],
)
def test_economic_compensation_rounds_half_up_once(
    wage: str, service_months: int, expected: str
) -> None:
    assert economic_compensation(D(wage), service_months).amount == D(expected)


def test_capped_base_keeps_full_precision() -> None:
    # 3 x 7333.335 = 22000.005; 12 x 22000.005 = 264000.06 (rounding 22000.01 first gives .12)
    result = economic_compensation(D(30000), 200, local_average_wage=D("7333.335"))
    assert result.amount == D("264000.06")


# ---- illegal termination (art. 87) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("wage", "service_months", "average", "expected"),
    [
        ("5000", 32, None, "30000.00"),  # 2 x 3 x 5000
        ("5000", 3, None, "5000.00"),  # 2 x 0.5 x 5000
        ("5000", 6, None, "10000.00"),  # 2 x 1 x 5000
        ("5000", 12, None, "10000.00"),
        ("5000", 0, None, "5000.00"),
        ("1000.01", 3, None, "1000.01"),  # 2 x 0.5 x 1000.01
        ("30000", 184, "7000", "504000.00"),  # 2 x 12 x 21000
        ("20000", 184, "7000", "620000.00"),  # 2 x 15.5 x 20000, no cap
    ],
)
def test_illegal_termination_is_twice_n(
    wage: str, service_months: int, average: str | None, expected: str
) -> None:
    local = None if average is None else D(average)
    result = illegal_termination(D(wage), service_months, local_average_wage=local)
    assert result.amount == D(expected)


def test_illegal_termination_says_no_compensation_on_top() -> None:
    result = illegal_termination(D(5000), 32)
    assert "违法解除的赔偿金是它的2倍：15000元 × 2 = 30000元。" in result.lines
    assert any("不再另外拿经济补偿" in line for line in result.lines)
    assert f"{LCL}第八十七条" in result.sources
    assert f"{REG}第二十五条" in result.sources
    assert any("继续履行" in a for a in result.assumptions)


# ---- double wages (art. 82) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        (0, "0.00"),
        (1, "0.00"),  # the first month is the grace period
        (2, "5000.00"),  # 1 month owed
        (6, "25000.00"),  # 5 months owed
        (11, "50000.00"),  # 10 months owed
        (12, "55000.00"),  # 11 months owed: the maximum
        (13, "55000.00"),
        (20, "55000.00"),  # still 11
        (600, "55000.00"),
    ],
)
def test_double_wages_extra_wage(months: int, expected: str) -> None:
    assert double_wages(D(5000), months).amount == D(expected)


def test_double_wages_rounds_half_up() -> None:
    assert double_wages(D("3333.335"), 4).amount == D("10000.01")  # 3 x 3333.335 = 10000.005


@pytest.mark.parametrize(("months", "open_ended"), [(11, False), (12, True), (20, True)])
def test_double_wages_working(months: int, open_ended: bool) -> None:
    result = double_wages(D(5000), months)
    assert any("无固定期限劳动合同" in line for line in result.lines) is open_ended
    assert any("最多11个月" in line for line in result.lines) is (months > 11)
    assert any("多出来的那一份工资" in line for line in result.lines)
    assert any("不可抗力" in a and "故意不签" in a for a in result.assumptions)
    assert f"{LCL}第八十二条" in result.sources
    assert f"{REG}第七条" in result.sources


def test_double_wages_working_shows_the_sum() -> None:
    result = double_wages(D(5000), 20)
    assert result.lines[0] == "没签书面劳动合同的时间：1年8个月。"
    assert "能多要的工资：11个月 × 5000元 = 55000元。" in result.lines


# ---- overtime (Labour Law art. 44, the 21.75 notice) -----------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # 5000 / 21.75 / 8 x 1.5 x 20 = 150000 / 174 = 862.0689...
        ({"workday_hours": D(20)}, "862.07"),
        # 5000 / 21.75 x 2 = 459.7701...
        ({"rest_days": D(1)}, "459.77"),
        # 5000 / 21.75 x 3 = 689.6551...
        ({"holiday_days": D(1)}, "689.66"),
        # 350000 / 174 = 2011.4942...; the rounded parts would add up to 2011.50
        ({"workday_hours": D(20), "rest_days": D(1), "holiday_days": D(1)}, "2011.49"),
        ({}, "0.00"),
    ],
)
def test_overtime_rates_for_5000(kwargs: dict[str, Decimal], expected: str) -> None:
    assert overtime_pay(D(5000), **kwargs).amount == D(expected)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # 4350 / 21.75 = 200 a day, 25 an hour
        ({"workday_hours": D(10)}, "375.00"),  # 25 x 1.5 x 10
        ({"rest_days": D("3.5")}, "1400.00"),  # 200 x 2 x 3.5
        ({"holiday_days": D(2)}, "1200.00"),  # 200 x 3 x 2
        ({"workday_hours": D("0.01")}, "0.38"),  # 25 x 1.5 x 0.01 = 0.375 -> half up
        ({"workday_hours": D(10), "rest_days": D(2), "holiday_days": D(1)}, "1775.00"),
    ],
)
def test_overtime_rates_for_4350(kwargs: dict[str, Decimal], expected: str) -> None:
    assert overtime_pay(D(4350), **kwargs).amount == D(expected)


def test_overtime_does_not_round_the_hourly_wage_first() -> None:
    # 6000 x 1.5 x 36 / 174 = 1862.0689...; with the hourly wage rounded to 34.48 it would be
    # 34.48 x 1.5 x 36 = 1861.92
    assert overtime_pay(D(6000), workday_hours=D(36)).amount == D("1862.07")


def test_overtime_working_and_caveats() -> None:
    result = overtime_pay(D(5000), workday_hours=D(20), rest_days=D(1), holiday_days=D(1))
    assert result.lines[0] == "日工资：5000元 ÷ 21.75天 ≈ 229.89元。"
    assert result.lines[1] == "小时工资：日工资 ÷ 8小时 ≈ 28.74元。"
    assert "工作日加班20小时：小时工资 × 150% × 20 ≈ 862.07元。" in result.lines
    assert "合计：2011.49元。" in result.lines
    assert any("差几分钱" in line for line in result.lines)
    assert any("不定时工作制" in a for a in result.assumptions)
    assert any("计件" in a for a in result.assumptions)
    assert any("补休" in a for a in result.assumptions)
    assert "《中华人民共和国劳动法》第四十四条" in result.sources


def test_overtime_exact_values_use_equals() -> None:
    result = overtime_pay(D(4350), rest_days=D(1))
    assert result.lines[:3] == (
        "日工资：4350元 ÷ 21.75天 = 200元。",
        "小时工资：日工资 ÷ 8小时 = 25元。",
        "休息日加班1天（没安排补休）：日工资 × 200% × 1 = 400元。",
    )


# ---- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: economic_compensation(D(-1), 12),
        lambda: economic_compensation(D(0), 12),
        lambda: economic_compensation(D(5000), -1),
        lambda: economic_compensation(D(5000), 601),  # more than 50 years
        lambda: economic_compensation(D(5000), 12, local_average_wage=D(-7000)),
        lambda: economic_compensation(D("NaN"), 12),
        lambda: economic_compensation(D("Infinity"), 12),
        lambda: illegal_termination(D(-5000), 12),
        lambda: illegal_termination(D(5000), 700),
        lambda: double_wages(D(-5000), 5),
        lambda: double_wages(D(5000), -2),
        lambda: double_wages(D(5000), 601),
        lambda: overtime_pay(D(-5000), workday_hours=D(3)),
        lambda: overtime_pay(D(5000), workday_hours=D(-3)),
        lambda: overtime_pay(D(5000), rest_days=D(-1)),
        lambda: overtime_pay(D(5000), holiday_days=D("-0.5")),
        lambda: overtime_pay(D(5000), rest_days=D(10**9)),
    ],
)
def test_impossible_input_raises_value_error_in_chinese(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match=r"[\u4e00-\u9fff]"):
        call()


def test_float_is_refused() -> None:
    with pytest.raises(TypeError):
        economic_compensation(5000.0, 12)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        double_wages(D(5000), 2.5)  # type: ignore[arg-type]


def test_int_wage_is_accepted() -> None:
    assert economic_compensation(5000, 12).amount == D("5000.00")  # type: ignore[arg-type]


def test_result_is_frozen() -> None:
    result = double_wages(D(5000), 3)
    with pytest.raises(AttributeError):
        result.amount = D(0)  # type: ignore[misc]


# ---- part months, 2008, the cap when the average is unknown, time limits (issue 14) ----------


@pytest.mark.parametrize(
    ("months", "days", "expected"),
    [
        (1, 15, "3448.28"),  # 一个半月: 15 days owed, 5000 / 21.75 x 15 = 3448.2758...
        (2, 10, "7298.85"),  # 1 month + 10 days: 5000 + 2298.8505...
        (0, 20, "0.00"),  # under a month: still the grace month
        (1, 0, "0.00"),  # exactly a month: nothing yet
        (3, 0, "10000.00"),  # whole months as before
        (11, 20, "54597.70"),  # 10 months + 20 days = 50000 + 4597.7011...
        (11, 30, "55000.00"),  # 10 months + a part month capped at one month's wage
        (12, 15, "55000.00"),  # past a year: 11 months, days no longer count
    ],
)
def test_double_wages_pro_rates_the_part_month(months: int, days: int, expected: str) -> None:
    assert double_wages(D(5000), months, extra_days=days).amount == D(expected)


def test_a_month_and_a_half_is_owed_and_never_told_it_is_too_early() -> None:
    result = double_wages(D(5000), 1, extra_days=15)
    assert result.lines[0] == "没签书面劳动合同的时间：1个月15天。"
    assert any("零头15天" in line and "÷ 21.75天 × 15天" in line for line in result.lines)
    assert "能多要的工资：合计3448.28元。" in result.lines
    assert not any("还没有到" in line or "还不用付" in line for line in result.lines)


@pytest.mark.parametrize(("months", "days", "said"), [(0, 20, "不到一个月"), (1, 0, "刚好干满")])
def test_double_wages_says_nothing_is_owed_only_within_the_first_month(
    months: int, days: int, said: str
) -> None:
    result = double_wages(D(5000), months, extra_days=days)
    assert result.amount == 0
    assert any(said in line and "还不用付" in line for line in result.lines)
    assert not any("还没有到" in line for line in result.lines)


def test_a_capped_part_month_says_so() -> None:
    result = double_wages(D(5000), 11, extra_days=30)
    assert any("零头最多算一个月工资" in line for line in result.lines)


@pytest.mark.parametrize("days", [-1, 31])
def test_part_month_days_out_of_range(days: int) -> None:
    with pytest.raises(ValueError, match="0到30天"):
        double_wages(D(5000), 2, extra_days=days)


def test_part_month_days_must_be_whole() -> None:
    with pytest.raises(TypeError):
        double_wages(D(5000), 2, extra_days=D("1.5"))  # type: ignore[arg-type]


def test_years_before_2008_are_left_to_the_rules_of_then() -> None:
    # 20 years, 5 of them before 2008: only the 15 years since count under art. 47
    result = economic_compensation(D(5000), 240, months_before_2008=60)
    assert result.amount == D("75000.00")
    assert any(
        "2008年1月1日以前干的5年" in line and "第九十七条第三款" in line for line in result.lines
    )
    assert "下面只算2008年1月1日以后的15年。" in result.lines
    assert "工作年限：15年，按15个月工资算。" in result.lines
    assert f"{LCL}第九十七条第三款" in result.sources


def test_all_service_before_2008() -> None:
    result = economic_compensation(D(5000), 60, months_before_2008=60)
    assert result.amount == D("0.00")
    assert any("都在2008年以前" in line for line in result.lines)


def test_more_months_before_2008_than_in_all_is_refused() -> None:
    with pytest.raises(ValueError, match="2008"):
        economic_compensation(D(5000), 12, months_before_2008=13)


def test_without_a_pre_2008_part_the_rule_is_still_named() -> None:
    result = economic_compensation(D(5000), 24)
    assert any("2008年1月1日以前" in a for a in result.assumptions)
    assert not any("2008" in line for line in result.lines)


def test_illegal_termination_counts_from_the_first_day_even_before_2008() -> None:
    result = illegal_termination(D(5000), 240)
    assert result.amount == D("200000.00")  # 2 x 20 x 5000: 实施条例 第二十五条
    assert any("用工" in a and "2008年以前" in a for a in result.assumptions)


@pytest.mark.parametrize("calculate", [economic_compensation, illegal_termination])
def test_a_high_wage_without_the_average_says_the_cap_is_not_applied(
    calculate: Callable[..., Calculation],
) -> None:
    high = calculate(D(12000), 24)
    assert any("没有按封顶算" in line and "实际会比这里算的少" in line for line in high.lines)
    ordinary = calculate(D(11999), 24)
    assert not any("没有按封顶算" in line for line in ordinary.lines)
    checked = calculate(D(12000), 24, local_average_wage=D(7000))
    assert not any("没有按封顶算" in line for line in checked.lines)


@pytest.mark.parametrize(
    ("result", "words"),
    [
        (economic_compensation(D(5000), 24), ("一年", "仲裁")),
        (illegal_termination(D(5000), 24), ("一年", "仲裁")),
        (double_wages(D(5000), 6), ("一年", "仲裁")),
        (overtime_pay(D(5000), rest_days=D(1)), ("不受一年时效限制", "离职那天起一年内")),
    ],
    ids=["N", "2N", "double", "overtime"],
)
def test_every_result_gives_the_time_limit(result: Calculation, words: tuple[str, ...]) -> None:
    assert result.time_limits
    assert all(word in "".join(result.time_limits) for word in words)
    assert any("《中华人民共和国劳动争议调解仲裁法》第二十七条" in s for s in result.sources)
