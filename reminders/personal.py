"""A courier's own deadline reminders: after an answer about a claim with a time limit, the bot
offers to remind them; the date is computed from what they say (see `zh_dates`).

The rules rest on rows of knowledge-facts.md marked [V]:
- work injury (WI-08, WI-09, WI-11): the employer applies within 30 days; if it does not, the
  worker, close relatives or the union may apply within 1 year of the accident
  (《工伤保险条例》第十七条); time lost for reasons not the worker's does not count.
- labour arbitration (DR-07, DR-08): 1 year from the day the worker knew or should have known
  of the infringement; for wage arrears after the job ended, 1 year from its end
  (《劳动争议调解仲裁法》第二十七条); the period restarts when interrupted.
The deadline shown is the same calendar day one year on; the bot says "大约" and urges filing
early, since how the last day is counted is not in the fact sheet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reminders.zh_dates import add_years
from storage.event_models import PersonalReminder

REMIND_BEFORE = (dt.timedelta(days=30), dt.timedelta(days=7))
REMIND_TIME = dt.time(10, 0)


class DeadlineKind(StrEnum):
    WORK_INJURY = "work_injury"
    ARBITRATION = "arbitration"


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    kind: DeadlineKind
    label: str
    rule: str  # what ends at the deadline
    intro: str  # the rule, with its source, said once when asking for the date
    question: str
    advice: str
    late: str  # when the year has passed already
    source: str
    facts: tuple[str, ...]


RULES: dict[DeadlineKind, DeadlineRule] = {
    DeadlineKind.WORK_INJURY: DeadlineRule(
        kind=DeadlineKind.WORK_INJURY,
        label="工伤认定申请",
        rule="自己申请工伤认定的一年期限",
        intro=(
            "单位应当在事故发生之日起 30 日内申请工伤认定；单位不申请的，你本人、近亲属或工会"
            "可以在事故发生之日起 1 年内直接申请（《工伤保险条例》第十七条）。"
        ),
        question="事故是哪天发生的？告诉我日期就行，比如“3月5号”“上个月12号”“前天”。",
        advice="别拖到最后几天：尽早带上诊断证明和劳动关系的证据，到单位所在地的人社部门申请。",
        late=(
            "按你说的日期，一年已经过了。不过因为单位等不属于你自己的原因耽误的时间，不计入这一年"
            "（最高人民法院关于审理工伤保险行政案件若干问题的规定第七条），不一定就没办法了。"
            "建议尽快打 12348 问问法律援助，或者找我们的工作人员帮你看看。"
        ),
        source="《工伤保险条例》第十七条第二款",
        facts=("WI-08", "WI-09", "WI-11"),
    ),
    DeadlineKind.ARBITRATION: DeadlineRule(
        kind=DeadlineKind.ARBITRATION,
        label="劳动仲裁申请",
        rule="申请劳动仲裁的一年时效",
        intro=(
            "申请劳动仲裁的时效一般是一年，从知道或者应当知道权利被侵害之日起算；离职后讨要欠薪，"
            "从劳动关系终止之日起算一年（《劳动争议调解仲裁法》第二十七条）。"
        ),
        question=(
            "从哪天算？一般是你知道自己权益受损的那天；离职后讨要欠薪，就是离职那天。"
            "告诉我日期就行，比如“2026年3月5日”“上个月5号”。"
        ),
        advice="劳动仲裁不收费。尽早备好劳动关系和工资的证据，可以在工作所在地的仲裁委申请。",
        late=(
            "按你说的日期，一年已经过了。不过时效会因为你向单位讨要、向有关部门反映等情况中断、"
            "重新计算（《劳动争议调解仲裁法》第二十七条），不一定就没办法了。"
            "建议尽快打 12348 问问法律援助，或者找我们的工作人员帮你看看。"
        ),
        source="《劳动争议调解仲裁法》第二十七条",
        facts=("DR-07", "DR-08"),
    ),
}

# Answers after which the bot offers a deadline reminder (topic ids from topics.yaml).
TOPIC_DEADLINES: dict[str, DeadlineKind] = {
    "injury.application": DeadlineKind.WORK_INJURY,
    "injury.recognition": DeadlineKind.WORK_INJURY,
    "injury.uninsured": DeadlineKind.WORK_INJURY,
    "injury.traffic": DeadlineKind.WORK_INJURY,
    "rights.arbitration": DeadlineKind.ARBITRATION,
    "contract.dismissal": DeadlineKind.ARBITRATION,
    "wages.arrears": DeadlineKind.ARBITRATION,
}


@dataclass(frozen=True, slots=True)
class DeadlinePlan:
    kind: DeadlineKind
    basis: dt.date
    deadline: dt.date
    days_left: int
    remind_on: tuple[dt.date, ...]

    @property
    def passed(self) -> bool:
        return self.days_left < 0


def plan_deadline(kind: DeadlineKind, basis: dt.date, today: dt.date) -> DeadlinePlan:
    """The deadline one year after `basis`, and the days to remind on (30 and 7 days before;
    tomorrow when both have passed and the deadline has not)."""
    deadline = add_years(basis, 1)
    days_left = (deadline - today).days
    remind_on = tuple(deadline - before for before in REMIND_BEFORE if deadline - before > today)
    if days_left >= 2 and not remind_on:
        remind_on = (today + dt.timedelta(days=1),)
    return DeadlinePlan(kind, basis, deadline, days_left, remind_on if days_left >= 0 else ())


def remind_at(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, REMIND_TIME, tz).astimezone(dt.UTC)


def deadline_end(deadline: dt.date, tz: ZoneInfo) -> dt.datetime:
    """A reminder is pointless once the deadline day is over."""
    next_day = deadline + dt.timedelta(days=1)
    return dt.datetime.combine(next_day, dt.time(0, 0), tz).astimezone(dt.UTC)


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def save_plan(
    session: Session, user_id: int, plan: DeadlinePlan, *, now: dt.datetime, tz: ZoneInfo
) -> int:
    """One row per reminder day; saving the same plan twice adds nothing. Returns rows added."""
    added = 0
    for day in plan.remind_on:
        try:
            with session.begin_nested():
                session.add(
                    PersonalReminder(
                        user_id=user_id,
                        kind=plan.kind.value,
                        basis_date=plan.basis,
                        deadline=plan.deadline,
                        remind_at=remind_at(day, tz),
                        state="scheduled",
                        created_at=now,
                    )
                )
            added += 1
        except IntegrityError:
            continue
    return added
