"""Money calculators for couriers: economic compensation (N), illegal termination (2N), the extra
wage for no written contract, and overtime pay.

Pure functions over `Decimal`; the amount is rounded to 0.01 yuan (ROUND_HALF_UP) once, at the end.
Each rule rests on a [V] or [S] row of `knowledge-facts.md` (cited beside the code) and the statute
text in `laws/`. The working (`lines`) and assumptions are plain Simplified Chinese for couriers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

__all__ = [
    "Calculation",
    "double_wages",
    "economic_compensation",
    "illegal_termination",
    "overtime_pay",
]

CENT = Decimal("0.01")
HALF = Decimal("0.5")
MAX_SERVICE_MONTHS = 600  # 50 years
MAX_MONTHLY_WAGE = Decimal(10_000_000)
MAX_DAYS = Decimal(MAX_SERVICE_MONTHS * 31)
MAX_HOURS = MAX_DAYS * 24
PAY_DAYS_PER_MONTH = Decimal("21.75")  # LC-20: (365 - 104) / 12
HOURS_PER_DAY = Decimal(8)
WORKDAY_RATE = Decimal("1.5")  # LC-19
REST_DAY_RATE = Decimal(2)
HOLIDAY_RATE = Decimal(3)
CAP_MULTIPLE = Decimal(3)  # LC-38
CAP_YEARS = 12

_LCL = "《中华人民共和国劳动合同法》"
_REG = "《中华人民共和国劳动合同法实施条例》"
_ASK_12333 = "可以打12333问人社部门"


@dataclass(frozen=True, slots=True)
class Calculation:
    """A result: the amount in yuan, the working shown to the courier, assumptions and sources."""

    amount: Decimal
    lines: tuple[str, ...]
    assumptions: tuple[str, ...]
    sources: tuple[str, ...]


# ---- helpers -------------------------------------------------------------------------------


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _yuan(value: Decimal) -> str:
    """'5000元' or '229.89元' (rounded to the fen for display)."""
    rounded = _round(value)
    if rounded == rounded.to_integral_value():
        return f"{rounded:.0f}元"
    return f"{rounded:.2f}元"


def _num(value: Decimal) -> str:
    """A count without trailing zeros: 20, 3.5."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _approx(value: Decimal) -> str:
    return "=" if value == _round(value) else "≈"


def _duration(months: int) -> str:
    years, rest = divmod(months, 12)
    if years and rest:
        return f"{years}年{rest}个月"
    if years:
        return f"{years}年"
    return f"{rest}个月" if rest else "不满1个月"


def _wage_months(months: Decimal) -> str:
    return "半个月" if months == HALF else f"{_num(months)}个月"


def _decimal(value: Decimal | int, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal, got {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{what}不是有效的数字，请再核对一下。")
    return number


def _wage(value: Decimal | int, what: str = "月工资") -> Decimal:
    wage = _decimal(value, what)
    if wage < 0:
        raise ValueError(f"{what}不能是负数，请再核对一下。")
    if wage == 0:
        raise ValueError(f"{what}要大于0，请再核对一下。")
    if wage > MAX_MONTHLY_WAGE:
        raise ValueError(f"{what}数额太大，不太可能，请再核对一下。")
    return wage


def _months(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{what}不能是负数，请再核对一下。")
    if value > MAX_SERVICE_MONTHS:
        raise ValueError(f"{what}超过50年，不太可能，请再核对一下。")
    return value


def _count(value: Decimal | int, what: str, limit: Decimal) -> Decimal:
    count = _decimal(value, what)
    if count < 0:
        raise ValueError(f"{what}不能是负数，请再核对一下。")
    if count > limit:
        raise ValueError(f"{what}太多了，不太可能，请再核对一下。")
    return count


# ---- economic compensation and illegal termination (LC-36 to LC-43) -----------------------


@dataclass(frozen=True, slots=True)
class _Base:
    wage: Decimal  # the monthly wage used, after the cap
    months: Decimal  # N, in months of wage
    lines: tuple[str, ...]
    assumptions: tuple[str, ...]


def _service_lines(service_months: int) -> tuple[Decimal, list[str]]:
    """N before any cap (art. 47 para. 1, LC-37) and the working."""
    years, rest = divmod(service_months, 12)
    whole = f"满{years}年算{years}个月"
    if rest >= 6:
        months = Decimal(years + 1)
        why = f"{whole}；剩下的{rest}个月满六个月，按一年算。"
        if not years:
            why = "六个月以上不满一年，按一年算。"
    elif rest or not years:
        months = Decimal(years) + HALF
        why = f"{whole}；剩下的{rest}个月不满六个月，按半个月算。"
        if not years:
            why = "不满六个月，按半个月工资算。"
    else:
        months = Decimal(years)
        why = f"{whole}，正好是整年，没有零头。"
    head = f"工作年限：{_duration(service_months)}，按{_wage_months(months)}工资算。"
    return months, [head, why]


def _base(wage: Decimal, service_months: int, local_average_wage: Decimal | None) -> _Base:
    months, lines = _service_lines(service_months)
    assumptions = [
        "按你说的月工资算。月工资应是离职前12个月的平均工资（含计时或计件工资、奖金、津贴、补贴）；"
        "干了不满12个月的，按实际干的月数平均。",
        "这个平均工资低于本地最低工资标准的，按最低工资标准算。",
        "工作年限按你说的整月数算，从开始干活那天算起；零头的天数没有算进去。",
    ]
    if local_average_wage is None:
        assumptions.append(
            "没有核对高收入封顶：月工资高于长治市上年度职工月平均工资三倍的，月工资按三倍算，"
            f"年限最多算12年。本地平均工资是多少，{_ASK_12333}。"
        )
        return _Base(wage, months, tuple(lines), tuple(assumptions))

    cap = CAP_MULTIPLE * local_average_wage
    assumptions.append(
        f"本地上年度职工月平均工资按{_yuan(local_average_wage)}算，以长治市政府公布的数为准。"
    )
    if wage <= cap:
        lines.append(
            f"你的月工资没有超过本地上年度职工月平均工资的三倍（{_yuan(cap)}），"
            "工资和年限都不封顶。"
        )
        return _Base(wage, months, tuple(lines), tuple(assumptions))

    capped = min(months, Decimal(CAP_YEARS))
    text = (
        f"你的月工资{_yuan(wage)}，高于本地上年度职工月平均工资的三倍"
        f"（3 × {_yuan(local_average_wage)} = {_yuan(cap)}），月工资按{_yuan(cap)}算，"
        f"年限最多算{CAP_YEARS}年"
    )
    if capped < months:
        text += f"，所以按{CAP_YEARS}个月算。"
    else:
        text += "（你没有超过）。"
    lines.append(text)
    return _Base(cap, capped, tuple(lines), tuple(assumptions))


def _validated_base(
    monthly_wage: Decimal, service_months: int, local_average_wage: Decimal | None
) -> _Base:
    """Check the inputs N and 2N share, then work out the base they both multiply."""
    wage = _wage(monthly_wage)
    months = _months(service_months, "工作年限")
    average = None if local_average_wage is None else _wage(local_average_wage, "本地平均工资")
    return _base(wage, months, average)


def economic_compensation(
    monthly_wage: Decimal, service_months: int, *, local_average_wage: Decimal | None = None
) -> Calculation:
    """Economic compensation N under art. 47 (LC-37 to LC-39; caps only for high earners, LC-38)."""
    base = _validated_base(monthly_wage, service_months, local_average_wage)
    amount = _round(base.months * base.wage)
    return Calculation(
        amount=amount,
        lines=(
            *base.lines,
            f"经济补偿：{_wage_months(base.months)} × {_yuan(base.wage)} = {_yuan(amount)}。",
        ),
        assumptions=(
            "假设你的情况依法应当给经济补偿，比如公司提出协商解除、公司裁员、"
            "合同到期公司不续签（公司按同等或更好条件续签而你不同意的除外）。",
            *base.assumptions,
        ),
        sources=(
            f"{_LCL}第四十六条",
            f"{_LCL}第四十七条",
            f"{_REG}第二十七条",
        ),
    )


def illegal_termination(
    monthly_wage: Decimal, service_months: int, *, local_average_wage: Decimal | None = None
) -> Calculation:
    """Compensation for illegal termination: twice N (art. 87, LC-42), instead of N (LC-43)."""
    base = _validated_base(monthly_wage, service_months, local_average_wage)
    standard = base.months * base.wage
    amount = _round(2 * standard)
    n_text = f"{_wage_months(base.months)} × {_yuan(base.wage)}"
    return Calculation(
        amount=amount,
        lines=(
            *base.lines,
            f"经济补偿的标准：{n_text} = {_yuan(standard)}。",
            f"违法解除的赔偿金是它的2倍：{_yuan(standard)} × 2 = {_yuan(amount)}。",
            "拿了赔偿金，就不再另外拿经济补偿，两样不能同时要。",
        ),
        assumptions=(
            "假设公司解除或终止合同是违法的（比如没有法定理由就把你辞退）；"
            "是不是违法，最后由仲裁委或法院认定。",
            "你也可以不要赔偿金，要求公司继续履行合同（回去上班）；"
            "你不要求或者合同已经没法继续履行的，才拿赔偿金。",
            "赔偿金的年限从开始干活（用工）那天算起。",
            *base.assumptions,
        ),
        sources=(
            f"{_LCL}第四十七条",
            f"{_LCL}第四十八条",
            f"{_LCL}第八十七条",
            f"{_REG}第二十五条",
            f"{_REG}第二十七条",
        ),
    )


# ---- double wages for no written contract (LC-02 to LC-05, LC-09) --------------------------

MAX_DOUBLE_WAGE_MONTHS = 11


def double_wages(monthly_wage: Decimal, months_without_contract: int) -> Calculation:
    """The extra (second) wage owed for the months worked without a written contract.

    `months_without_contract` counts whole months from the first day of work. The extra wage runs
    from the day after the first full month to the day before the first anniversary (at most 11).
    """
    wage = _wage(monthly_wage)
    months = _months(months_without_contract, "没签合同的时间")
    owed = min(max(months - 1, 0), MAX_DOUBLE_WAGE_MONTHS)
    amount = _round(wage * owed)
    lines = [
        f"没签书面劳动合同的时间：{_duration(months)}。",
        "法律给公司一个月时间和你签书面合同，这个月不算；从干满一个月的第二天起算。",
    ]
    if months > MAX_DOUBLE_WAGE_MONTHS:
        lines.append("最多算到干满一年的前一天，也就是最多11个月。")
    if owed:
        lines.append(f"能多要的工资：{owed}个月 × {_yuan(wage)} = {_yuan(amount)}。")
    else:
        lines.append("还没有到要付二倍工资的时候：干满一个月以后还不签，才开始算。")
    lines.append("平时的工资公司已经发了，所以能要的是多出来的那一份工资，不是两份都再要一遍。")
    if months >= 12:
        lines.append(
            "干满一年还没签书面合同的，从满一年那天起，视为你和公司已经订立了"
            "无固定期限劳动合同，公司应当马上补签。"
        )
    return Calculation(
        amount=amount,
        lines=tuple(lines),
        assumptions=(
            "按你说的月工资算，假设每个月的工资都一样。",
            "假设从开始干活起一直没签书面劳动合同；中间补签了的，只算到补签的前一天。",
            "按整月算；不满一个月的零头，按实际干活的天数折算。",
            "公司能证明没签合同是因为不可抗力，或者是你自己故意不签、有重大过失的，"
            "就不用付二倍工资。",
        ),
        sources=(
            f"{_LCL}第十条",
            f"{_LCL}第十四条",
            f"{_LCL}第八十二条",
            f"{_REG}第六条",
            f"{_REG}第七条",
            "《最高人民法院关于审理劳动争议案件适用法律问题的解释（二）》第六条、第七条",
        ),
    )


# ---- overtime pay (LC-17, LC-19, LC-20) ----------------------------------------------------


def overtime_pay(
    monthly_wage: Decimal,
    *,
    workday_hours: Decimal = Decimal(0),
    rest_days: Decimal = Decimal(0),
    holiday_days: Decimal = Decimal(0),
) -> Calculation:
    """Overtime pay: 150% per workday hour, 200% per rest day, 300% per holiday (LC-19, LC-20)."""
    wage = _wage(monthly_wage)
    hours = _count(workday_hours, "工作日加班小时数", MAX_HOURS)
    rest = _count(rest_days, "休息日加班天数", MAX_DAYS)
    holidays = _count(holiday_days, "法定节假日加班天数", MAX_DAYS)

    with localcontext() as ctx:
        ctx.prec = 60  # keep (practically) full precision; round once at the end
        daily = wage / PAY_DAYS_PER_MONTH
        hourly = daily / HOURS_PER_DAY
        workday_pay = wage * hours * WORKDAY_RATE / (PAY_DAYS_PER_MONTH * HOURS_PER_DAY)
        rest_pay = wage * rest * REST_DAY_RATE / PAY_DAYS_PER_MONTH
        holiday_pay = wage * holidays * HOLIDAY_RATE / PAY_DAYS_PER_MONTH
        weighted = (
            hours * WORKDAY_RATE + (rest * REST_DAY_RATE + holidays * HOLIDAY_RATE) * HOURS_PER_DAY
        )
        total = wage * weighted / (PAY_DAYS_PER_MONTH * HOURS_PER_DAY)  # one division
    parts = (
        (hours, f"工作日加班{_num(hours)}小时：小时工资 × 150% × {_num(hours)}", workday_pay),
        (rest, f"休息日加班{_num(rest)}天（没安排补休）：日工资 × 200% × {_num(rest)}", rest_pay),
        (
            holidays,
            f"法定节假日加班{_num(holidays)}天：日工资 × 300% × {_num(holidays)}",
            holiday_pay,
        ),
    )
    amount = _round(total)

    lines = [
        f"日工资：{_yuan(wage)} ÷ 21.75天 {_approx(daily)} {_yuan(daily)}。",
        f"小时工资：日工资 ÷ 8小时 {_approx(hourly)} {_yuan(hourly)}。",
    ]
    shown = [(text, value) for count, text, value in parts if count > 0]
    lines += [f"{text} {_approx(value)} {_yuan(value)}。" for text, value in shown]
    if not shown:
        lines.append("没有填加班时间，加班费是0元。")
    elif len(shown) > 1:
        lines.append(f"合计：{_yuan(amount)}。")
        if sum((_round(value) for _, value in shown), Decimal(0)) != amount:
            lines.append("合计按没有四舍五入的数算，和上面几项直接相加可能差几分钱。")
    return Calculation(
        amount=amount,
        lines=tuple(lines),
        assumptions=(
            "按你说的月工资算；法律上按劳动合同约定的你本人的工资标准折算。",
            "日工资 = 月工资 ÷ 21.75天，小时工资 = 日工资 ÷ 8小时。21.75天是一年365天减去"
            "104个休息日再除以12个月；法定节假日照发工资，所以不扣。",
            "工作日加班指每天超过8小时的部分（标准工时是每天8小时、每周40小时）。",
            "休息日加班按公司没安排补休算；安排了补休的，就不再付200%。",
            "法律定的是最低标准（不低于150%、200%、300%），公司约定得更高的按约定。",
            "拿计件工资的：完成定额以后公司安排加班，按计件单价的150%、200%、300%算，"
            "这里按月工资折算只是估算。",
            "实行经劳动部门批准的不定时工作制的，不按这些标准算加班费。",
        ),
        sources=(
            "《中华人民共和国劳动法》第四十四条",
            "《工资支付暂行规定》第十三条",
            "《关于职工全年月平均工作时间和工资折算问题的通知》（劳社部发〔2008〕3号）",
            "《国务院关于职工工作时间的规定》第三条",
        ),
    )
