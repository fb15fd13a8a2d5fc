"""Personal deadline reminders: the rule, the dates, and what is stored."""

from __future__ import annotations

import datetime as dt

from reminders.personal import RULES, TOPIC_DEADLINES, DeadlineKind, plan_deadline

TODAY = dt.date(2026, 11, 29)


def test_work_injury_deadline_is_one_year_after_the_accident() -> None:
    plan = plan_deadline(DeadlineKind.WORK_INJURY, dt.date(2026, 3, 5), TODAY)
    assert plan.deadline == dt.date(2027, 3, 5)
    assert plan.days_left == 96
    assert plan.remind_on == (dt.date(2027, 2, 3), dt.date(2027, 2, 26))  # 30 and 7 days before
    assert not plan.passed


def test_close_to_the_deadline_reminds_tomorrow() -> None:
    plan = plan_deadline(DeadlineKind.ARBITRATION, dt.date(2025, 12, 3), TODAY)
    assert plan.days_left == 4
    assert plan.remind_on == (dt.date(2026, 11, 30),)
    tomorrow_is_last = plan_deadline(DeadlineKind.ARBITRATION, dt.date(2025, 11, 30), TODAY)
    assert tomorrow_is_last.days_left == 1 and tomorrow_is_last.remind_on == ()


def test_a_passed_deadline_sets_no_reminder() -> None:
    plan = plan_deadline(DeadlineKind.WORK_INJURY, dt.date(2025, 11, 1), TODAY)
    assert plan.passed and plan.remind_on == ()


def test_rules_name_their_source_and_verified_facts() -> None:
    injury, arbitration = RULES[DeadlineKind.WORK_INJURY], RULES[DeadlineKind.ARBITRATION]
    assert "第十七条" in injury.source and {"WI-09"} <= set(injury.facts)
    assert "第二十七条" in arbitration.source and {"DR-07", "DR-08"} <= set(arbitration.facts)
    assert TOPIC_DEADLINES["injury.application"] is DeadlineKind.WORK_INJURY
    assert TOPIC_DEADLINES["rights.arbitration"] is DeadlineKind.ARBITRATION
