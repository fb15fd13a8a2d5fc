"""Money calculators for couriers: economic compensation (N), illegal termination (2N), the extra
wage for no written contract, and overtime pay.

Pure functions over `Decimal`; the amount is rounded to 0.01 yuan (ROUND_HALF_UP) once, at the end.
Each rule rests on a [V] or [S] row of `knowledge-facts.md` (cited beside the code) and the statute
text in `laws/`. The working (`lines`), the time limit for claiming (`time_limits`, DR-07/DR-08)
and the assumptions are plain Simplified Chinese for couriers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from knowledge.hotlines import hotline

__all__ = [
    "CAP_CHECK_WAGE",
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
# Not a legal figure: the wage from which the flows ask for Changzhi's average wage, because the
# 3x cap (LC-38) might apply. Changzhi's published average is not in the facts sheet, so the line
# is set low on purpose (3x an average of 4000 yuan a month): nobody who might be capped goes
# unasked, and above it a result without the average says plainly that nothing was capped.
CAP_CHECK_WAGE = Decimal(12_000)
MAX_PART_MONTH_DAYS = 30

_LCL = "《中华人民共和国劳动合同法》"
_REG = "《中华人民共和国劳动合同法实施条例》"
_ARBITRATION = "《中华人民共和国劳动争议调解仲裁法》第二十七条"
# DR-07: one year from the day the worker knew or should have known of the infringement.
_LIMIT_TERMINATION = (
    "要申请劳动仲裁的，时效是一年：从知道或者应当知道权利被侵害那天起算"
    "（比如被辞退、合同解除的那天），别拖。"
)
_LIMIT_DOUBLE_WAGES = (
    "要申请劳动仲裁的，时效是一年：从知道或者应当知道权利被侵害那天起算。"
    "二倍工资差额从哪天起算，各地掌握得不完全一样，越早申请越稳妥。"
)
# DR-08: wages owed while still employed are not bound by the year; after the job ends, one year.
_LIMIT_WAGES = (
    "加班费是工资的一部分：还在这家干的时候申请仲裁讨要，不受一年时效限制；"
    "已经不干了的，要在离职那天起一年内申请仲裁。"
)


def _ask_hr() -> str:
    return f"可以打{hotline('hr').number}问人社部门"


@dataclass(frozen=True, slots=True)
class Calculation:
    """A result: the amount in yuan, the working shown to the courier, assumptions and sources."""

    amount: Decimal
    lines: tuple[str, ...]
    assumptions: tuple[str, ...]
    sources: tuple[str, ...]
    time_limits: tuple[str, ...] = ()  # how long the courier has to claim it; shown up front


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


def _base(
    wage: Decimal,
    service_months: int,
    local_average_wage: Decimal | None,
    lines_before: tuple[str, ...] = (),
) -> _Base:
    months, service = _service_lines(service_months)
    lines = [*lines_before, *service]
    assumptions = [
        "按你说的月工资算。月工资应是离职前12个月的平均工资（含计时或计件工资、奖金、津贴、补贴）；"
        "干了不满12个月的，按实际干的月数平均。",
        "这个平均工资低于本地最低工资标准的，按最低工资标准算。",
        "工作年限按你说的整月数算，从开始干活那天算起；零头的天数没有算进去。",
    ]
    if local_average_wage is None:
        if wage >= CAP_CHECK_WAGE:
            lines.append(
                f"没有按封顶算：你的月工资{_yuan(wage)}比较高，如果高于长治市上年度职工月平均工资"
                "的三倍，月工资只按三倍算、年限最多算12年，实际会比这里算的少。"
            )
        assumptions.append(
            "没有核对高收入封顶：月工资高于长治市上年度职工月平均工资三倍的，月工资按三倍算，"
            f"年限最多算12年。本地平均工资是多少，{_ask_hr()}。"
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
    monthly_wage: Decimal,
    service_months: int,
    local_average_wage: Decimal | None,
    lines_before: tuple[str, ...] = (),
) -> _Base:
    """Check the inputs N and 2N share, then work out the base they both multiply."""
    wage = _wage(monthly_wage)
    months = _months(service_months, "工作年限")
    average = None if local_average_wage is None else _wage(local_average_wage, "本地平均工资")
    return _base(wage, months, average, lines_before)


def _before_2008(before: int, service_months: int) -> tuple[str, ...]:
    """The working for service before 2008-01-01 (art. 97 para. 3): left to the rules of then."""
    if not before:
        return ()
    return (
        f"你在2008年1月1日以前干的{_duration(before)}，按当时的规定给经济补偿"
        "（劳动合同法第九十七条第三款），这里没有算进去；那一段能不能拿、怎么算，"
        f"{_ask_hr()}，或者找法律援助。",
        f"下面只算2008年1月1日以后的{_duration(service_months - before)}。",
    )


def economic_compensation(
    monthly_wage: Decimal,
    service_months: int,
    *,
    local_average_wage: Decimal | None = None,
    months_before_2008: int = 0,
) -> Calculation:
    """Economic compensation N under art. 47 (LC-37 to LC-39; caps only for high earners, LC-38).

    `months_before_2008`: the part of `service_months` before 2008-01-01. Art. 97 para. 3 counts
    N's years from that day; the years before follow the rules of then, which are not computed.
    """
    service = _months(service_months, "工作年限")
    before_months = _months(months_before_2008, "2008年以前的工作年限")
    if before_months > service:
        raise ValueError("2008年以前的年限比总的工作年限还长，请再核对一下。")
    before = _before_2008(before_months, service)
    after = service - before_months
    if before and not after:
        return Calculation(
            amount=_round(Decimal(0)),
            lines=(before[0], "你的工作年限都在2008年以前，这里没有能按劳动合同法算的部分。"),
            assumptions=(),
            sources=(f"{_LCL}第九十七条第三款", _ARBITRATION),
            time_limits=(_LIMIT_TERMINATION,),
        )
    base = _validated_base(monthly_wage, after, local_average_wage, before)
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
            "2008年1月1日以前就在这家干的：经济补偿的年限从2008年1月1日算起，"
            "以前那段按当时的规定执行，不按这里的算法。",
        ),
        sources=(
            f"{_LCL}第四十六条",
            f"{_LCL}第四十七条",
            f"{_LCL}第九十七条第三款",
            f"{_REG}第二十七条",
            _ARBITRATION,
        ),
        time_limits=(_LIMIT_TERMINATION,),
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
            "赔偿金的年限从开始干活（用工）那天算起，2008年以前开始干的也从那天算。",
            *base.assumptions,
        ),
        sources=(
            f"{_LCL}第四十七条",
            f"{_LCL}第四十八条",
            f"{_LCL}第八十七条",
            f"{_REG}第二十五条",
            f"{_REG}第二十七条",
            _ARBITRATION,
        ),
        time_limits=(_LIMIT_TERMINATION,),
    )


# ---- double wages for no written contract (LC-02 to LC-05, LC-09) --------------------------

MAX_DOUBLE_WAGE_MONTHS = 11


def _span(months: int, days: int) -> str:
    if not days:
        return _duration(months)
    return f"{_duration(months)}{days}天" if months else f"{days}天"


def double_wages(
    monthly_wage: Decimal, months_without_contract: int, *, extra_days: int = 0
) -> Calculation:
    """The extra (second) wage owed for the time worked without a written contract.

    `months_without_contract` whole months and `extra_days` more days (0 to 30), from the first
    day of work. The extra wage runs from the day after the first full month to the day before the
    first anniversary (at most 11 months); a part month counts by the days worked (LC-09), at
    the monthly wage / 21.75 a day (LC-20), never more than a month's wage.
    """
    wage = _wage(monthly_wage)
    months = _months(months_without_contract, "没签合同的时间")
    if isinstance(extra_days, bool) or not isinstance(extra_days, int):
        raise TypeError(f"extra_days must be an int, got {type(extra_days).__name__}")
    if not 0 <= extra_days <= MAX_PART_MONTH_DAYS:
        raise ValueError("零头的天数要在0到30天之间，请按“几个月几天”再说一次。")
    days = extra_days
    if months >= MAX_DOUBLE_WAGE_MONTHS + 1:
        owed_months, owed_days = MAX_DOUBLE_WAGE_MONTHS, 0
    elif months >= 1:
        owed_months, owed_days = months - 1, days
    else:
        owed_months, owed_days = 0, 0
    with localcontext() as ctx:
        ctx.prec = 60
        part = min(wage * owed_days / PAY_DAYS_PER_MONTH, wage)
        total = wage * owed_months + part
    amount = _round(total)
    lines = [
        f"没签书面劳动合同的时间：{_span(months, days)}。",
        "法律给公司一个月时间和你签书面合同，这个月不算；从干满一个月的第二天起算。",
    ]
    if months > MAX_DOUBLE_WAGE_MONTHS:
        lines.append("最多算到干满一年的前一天，也就是最多11个月。")
    if owed_days:
        if owed_months:
            whole = wage * owed_months
            lines.append(f"整月：{owed_months}个月 × {_yuan(wage)} = {_yuan(whole)}。")
        capped = "（零头最多算一个月工资）" if part == wage else ""
        lines.append(
            f"零头{owed_days}天，按干活的天数折算：{_yuan(wage)} ÷ 21.75天 × {owed_days}天 "
            f"{_approx(part)} {_yuan(part)}{capped}。"
        )
        lines.append(f"能多要的工资：合计{_yuan(amount)}。")
    elif owed_months:
        lines.append(f"能多要的工资：{owed_months}个月 × {_yuan(wage)} = {_yuan(amount)}。")
    elif months == 1:
        lines.append(
            "你刚好干满一个月：这一个月是法律给公司签合同的期限，还不用付二倍工资；"
            "满一个月的第二天起还不签，才开始算。"
        )
    else:
        lines.append(
            "你干了还不到一个月：公司还在法律给的一个月期限里，现在还不用付二倍工资。"
            "干满一个月还不签，从第二天起开始算。"
        )
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
            "不满一个月的零头按实际干活的天数折算，日工资 = 月工资 ÷ 21.75天；"
            "你说的天数里有休息的日子，实际干活的天数少，钱也会少一些。",
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
            "《关于职工全年月平均工作时间和工资折算问题的通知》（劳社部发〔2008〕3号）",
            _ARBITRATION,
        ),
        time_limits=(_LIMIT_DOUBLE_WAGES,),
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
            f"{_ARBITRATION}第四款",
        ),
        time_limits=(_LIMIT_WAGES,),
    )
