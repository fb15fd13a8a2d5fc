"""What couriers see: /events, /subscribe buttons, /unsubscribe, the deadline reminder offer."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from common.clock import FixedClock
from reminders.config import ReminderConfig
from reminders.courier import CourierEvents, is_event_button
from reminders.events import EventDraft, create_event
from reminders.personal import DeadlineKind
from reminders.subscriptions import mark_inactive
from storage.db import UnitOfWork
from storage.event_models import InactiveUser, PersonalReminder, Subscription
from storage.migrate import upgrade
from storage.repositories import Users

TZ = ZoneInfo("Asia/Shanghai")
CONFIG = ReminderConfig(timezone=TZ, default_offsets=(60,), tags=("青年服务月", "法律讲座"))


@pytest.fixture
def courier(engine: Engine, clock: FixedClock) -> CourierEvents:
    upgrade(engine)
    return CourierEvents(UnitOfWork(engine), clock, CONFIG)


@pytest.fixture
def uow(engine: Engine) -> UnitOfWork:
    return UnitOfWork(engine)


pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


def test_events_lists_upcoming_ones_escaped(
    courier: CourierEvents, uow: UnitOfWork, clock: FixedClock
) -> None:
    assert "最近还没有安排活动" in courier.events().blocks[0]
    with uow() as session:
        create_event(
            session,
            EventDraft(title="<讲座> & 交流", start_at=clock.now() + dt.timedelta(days=3),
                       tags=("法律讲座",), place="市总工会"),
            now=clock.now(), default_offsets=(60,), source="cli",
        )  # fmt: skip
    text = courier.events().blocks[0]
    assert (
        "&lt;讲座&gt; &amp; 交流" in text and "12月2日（周三）10:00" in text and "市总工会" in text
    )


def test_subscribe_buttons_toggle_tags(courier: CourierEvents, uow: UnitOfWork) -> None:
    menu = courier.subscribe_menu("telegram", "7")
    assert [c.data for c in menu.choices] == ["ev:on:青年服务月", "ev:on:法律讲座"]
    assert "没有订阅" in menu.blocks[0]
    menu = courier.handle_button("telegram", "7", "ev:on:法律讲座")
    assert [c.label for c in menu.choices] == ["⬜ 青年服务月", "✅ 法律讲座", "全部退订"]
    assert "法律讲座" in menu.blocks[0]
    assert all(len(c.data.encode()) <= 64 and is_event_button(c.data) for c in menu.choices)
    menu = courier.handle_button("telegram", "7", "ev:off:法律讲座")
    assert "没有订阅" in menu.blocks[0]
    with uow() as session:
        row = session.scalars(select(Subscription)).one()
        assert row.tag == "法律讲座" and row.revoked_at is not None  # consent kept on record
    for forged in ("ev:on:赌博", "ev:zz", "ev:pr:nope"):
        assert "失效" in courier.handle_button("telegram", "7", forged).blocks[0]


def test_unsubscribe_stops_everything(courier: CourierEvents, uow: UnitOfWork) -> None:
    assert "没有订阅任何提醒" in courier.unsubscribe_all("telegram", "7").blocks[0]
    courier.handle_button("telegram", "7", "ev:on:法律讲座")
    courier.handle_button("telegram", "7", "ev:on:青年服务月")
    courier.deadline_answer("telegram", "7", DeadlineKind.WORK_INJURY, "上个月5号")
    assert "全部退订" in courier.handle_button("telegram", "7", "ev:stop").blocks[0]
    with uow() as session:
        assert {s.revoked_at is not None for s in session.scalars(select(Subscription))} == {True}
        assert {p.state for p in session.scalars(select(PersonalReminder))} == {"cancelled"}


def test_writing_again_makes_a_blocked_courier_active(
    courier: CourierEvents, uow: UnitOfWork, clock: FixedClock
) -> None:
    with uow() as session:
        user = Users(session).get_or_create("telegram", "7", clock.now())
        mark_inactive(session, user.id, "blocked", clock.now())
    courier.seen("telegram", "7")
    courier.seen("telegram", "unknown")
    with uow() as session:
        assert session.scalars(select(InactiveUser)).all() == []


def test_deadline_offer_question_and_answer(courier: CourierEvents, uow: UnitOfWork) -> None:
    assert courier.deadline_offer("wages.overtime") is None
    offer = courier.deadline_offer("injury.application")
    assert offer is not None and offer.data == "ev:pr:work_injury"
    question = courier.handle_button("telegram", "7", offer.data).blocks[0]
    assert "30 日内" in question and "1 年内" in question and "事故是哪天" in question

    bad = courier.deadline_answer("telegram", "7", DeadlineKind.WORK_INJURY, "不记得了")
    assert not bad.done and "没看懂" in bad.reply.blocks[0]
    future = courier.deadline_answer("telegram", "7", DeadlineKind.WORK_INJURY, "2027年1月5日")
    assert not future.done and "还没到" in future.reply.blocks[0]

    answer = courier.deadline_answer("telegram", "7", DeadlineKind.WORK_INJURY, "2026年3月5日")
    assert answer.done and answer.plan is not None
    text = answer.reply.blocks[0]
    assert "2027年3月5日" in text and "2027年2月3日、2027年2月26日" in text
    with uow() as session:
        rows = session.scalars(select(PersonalReminder).order_by(PersonalReminder.remind_at))
        assert [r.remind_at.astimezone(TZ).strftime("%Y-%m-%d %H:%M") for r in rows] == [
            "2027-02-03 10:00",
            "2027-02-26 10:00",
        ]

    late = courier.deadline_answer("telegram", "7", DeadlineKind.ARBITRATION, "2024年1月1日")
    assert late.done and "一年已经过了" in late.reply.blocks[0] and "12348" in late.reply.blocks[0]
