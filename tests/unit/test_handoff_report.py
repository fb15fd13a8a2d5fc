"""Handoff figures: cases by type, time to first human reply, the bot alone, satisfaction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from common.clock import FixedClock
from handoff.cases import open_case
from handoff.report import build_report, percentile
from storage.db import UnitOfWork
from storage.repositories import Messages, Users
from tests.helpers.handoff import sqlite_uow

DAY = dt.date(2026, 11, 29)
MORNING = dt.datetime(2026, 11, 29, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai


def _courier(uow: UnitOfWork, ref: str, actions: list[str], at: dt.datetime) -> None:
    with uow() as session:
        user = Users(session).get_or_create("telegram", ref, at)
        for action in actions:
            Messages(session).record(user, "in", "问题", at, action=action)


def _case(
    uow: UnitOfWork, ref: str, *, role: str | None, reason: str, at: dt.datetime,
    reply_after: float | None = None, rating: int | None = None, status: str = "closed",
) -> None:  # fmt: skip
    with uow() as session:
        user = Users(session).get_or_create("telegram", ref, at)
        case = open_case(session, user, reason=reason, role=role, now=at,
                         urgent=reason.startswith("crisis"))  # fmt: skip
        case.status = status
        if reply_after is not None:
            case.first_staff_reply_at = at + dt.timedelta(minutes=reply_after)
        case.satisfaction = rating


def test_figures_for_a_day(tmp_path: Path, clock: FixedClock) -> None:
    _engine, uow = sqlite_uow(tmp_path)
    for n in range(4):  # answered by the bot, no case
        _courier(uow, f"a{n}", ["answer"], MORNING)
    _courier(uow, "f", ["fallback"], MORNING)  # wrote, never answered, no case
    _courier(uow, "h1", ["answer", "handoff"], MORNING)  # answered but still asked for a person
    _case(
        uow, "h1", role="legal", reason="asked:handoff.human", at=MORNING, reply_after=2, rating=5
    )
    _courier(uow, "h2", ["crisis"], MORNING)
    _case(uow, "h2", role="counselling", reason="crisis:self_harm", at=MORNING, reply_after=1,
          rating=4)  # fmt: skip
    _courier(uow, "h3", ["handoff"], MORNING)
    _case(uow, "h3", role=None, reason="button", at=MORNING, reply_after=10, status="claimed")
    _case(uow, "h4", role="legal", reason="button", at=MORNING, status="cancelled")
    # outside the day in Shanghai: 23:59 the day before, and 00:00 the day after
    _case(uow, "x1", role="union", reason="button", at=MORNING - dt.timedelta(hours=9, minutes=1))
    _case(uow, "x2", role="union", reason="button", at=MORNING + dt.timedelta(hours=15))
    with uow() as session:
        report = build_report(session, DAY, DAY)
    assert report.by_role == {"legal": 2, "counselling": 1, "union": 0, "none": 1}
    assert report.cases == 4 and report.urgent == 1
    assert report.by_reason == {"button": 2, "asked": 1, "crisis": 1}
    assert report.by_status == {"closed": 2, "claimed": 1, "cancelled": 1}
    assert report.first_reply_minutes == (2.0, 1.0, 10.0)
    assert report.median_minutes == 2.0 and report.p90_minutes == 10.0
    # 8 couriers wrote to the bot; a0-a3 were answered and opened no case
    assert (report.couriers, report.bot_alone) == (8, 4) and report.bot_alone_share == 0.5
    assert report.ratings == {5: 1, 4: 1} and report.satisfaction_average == 4.5
    assert report.figures()["first_reply"] == {
        "count": 3,
        "median_minutes": 2.0,
        "p90_minutes": 10.0,
    }


def test_an_empty_range_has_no_figures(tmp_path: Path) -> None:
    _engine, uow = sqlite_uow(tmp_path)
    with uow() as session:
        report = build_report(session, DAY, DAY)
        assert report.cases == 0 and report.median_minutes is None and report.p90_minutes is None
        assert report.bot_alone_share is None and report.satisfaction_average is None
        with pytest.raises(ValueError, match="before"):
            build_report(session, DAY, DAY - dt.timedelta(days=1))


def test_nearest_rank_percentile() -> None:
    assert percentile([], 90) is None
    assert percentile([5.0], 90) == 5.0
    assert percentile([float(n) for n in range(1, 11)], 90) == 9.0
    assert percentile([float(n) for n in range(1, 12)], 90) == 10.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0


def test_couriers_are_counted_by_channel_and_station(tmp_path: Path) -> None:
    _engine, uow = sqlite_uow(tmp_path)
    with uow() as session:
        for ref, channel, station in (
            ("wm1", "wecom", "luzhou_3"), ("wm2", "wecom", "luzhou_3"),
            ("wm3", "wecom", None), ("42", "telegram", None),
        ):  # fmt: skip
            user = Users(session).get_or_create(channel, ref, MORNING)
            user.entry_point = station
            Messages(session).record(user, "in", "问题", MORNING, action="answer")
        open_case(session, Users(session).get_or_create("wecom", "wm1", MORNING),
                  reason="button", role="legal", now=MORNING)  # fmt: skip
    with uow() as session:
        report = build_report(session, DAY, DAY)
    assert report.couriers_by_entry == {"wecom · luzhou_3": 2, "wecom": 1, "telegram": 1}
    assert report.cases_by_channel == {"wecom": 1}
    assert report.figures()["couriers_by_entry"]["wecom · luzhou_3"] == 2
