"""The runtime on a stepped clock: reminders at their offsets, once; moves and cancellations
tell those already reminded; restarts send what is still useful and drop (and log) the rest;
the youth service month campaign; personal deadline reminders. No sleeps: a `FixedClock` for
decisions, virtual time for the limiter, database calls inline."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from common.clock import FixedClock
from reminders.config import CampaignConfig, ReminderConfig
from reminders.events import EventChanges, EventDraft, cancel_event, create_event, edit_event
from reminders.limiter import RateLimiter
from reminders.personal import DeadlineKind, plan_deadline, save_plan
from reminders.runtime import Channel, ReminderRuntime
from reminders.sender import SendOutcome
from reminders.subscriptions import mark_inactive, subscribe, unsubscribe
from storage.db import UnitOfWork
from storage.event_models import Event, EventReminder, PersonalReminder
from storage.migrate import upgrade
from storage.repositories import Users
from tests.helpers.reminder_fakes import RecordingSender, VirtualTime

TZ = ZoneInfo("Asia/Shanghai")
H = dt.timedelta(hours=1)
ADMIN = "900"
CONFIG = ReminderConfig(
    timezone=TZ, default_offsets=(1440, 60), tags=("法律讲座", "青年服务月"), admin_chats=(ADMIN,)
)
pytestmark = pytest.mark.parametrize(
    "engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)], indirect=True
)


async def inline(func: Callable[..., Any], *args: Any) -> Any:
    return func(*args)


class Bot:
    """A runtime with a recording channel; `restart()` is a new process on the same database."""

    def __init__(self, uow: UnitOfWork, clock: FixedClock, config: ReminderConfig = CONFIG):
        self.uow, self.clock, self.config = uow, clock, config
        self.time = VirtualTime()
        self.sender = RecordingSender(time=self.time.time)
        self.runtime = self._new()

    def _new(self) -> ReminderRuntime:
        limiter = RateLimiter(25, time_source=self.time.time, sleep=self.time.sleep)
        return ReminderRuntime(
            uow=self.uow, clock=self.clock, config=self.config,
            channels=[Channel("telegram", self.sender, limiter)], run_db=inline,
        )  # fmt: skip

    async def tick(self) -> None:
        await self.runtime.tick()
        await self.runtime.wait_idle()

    async def restart(self) -> None:
        self.runtime = self._new()
        await self.runtime.start()
        await self.tick()

    def inbox(self, chat: str) -> list[str]:
        return [html for _t, ref, html in self.sender.sent if ref == chat]

    def take(self) -> dict[str, list[str]]:
        """Messages since the last call, by chat (reports to the admin included)."""
        got: dict[str, list[str]] = {}
        for _t, chat, html in self.sender.sent:
            got.setdefault(chat, []).append(html)
        self.sender.sent.clear()
        return got


@pytest.fixture
def uow(engine: Engine) -> UnitOfWork:
    upgrade(engine)
    return UnitOfWork(engine)


def courier(uow: UnitOfWork, clock: FixedClock, ref: str, *tags: str) -> int:
    with uow() as session:
        user = Users(session).get_or_create("telegram", ref, clock.now())
        for tag in tags:
            subscribe(session, user.id, tag, clock.now())
        return user.id


def new_event(uow: UnitOfWork, clock: FixedClock, start: dt.datetime, **kw: Any) -> int:
    values: dict[str, Any] = {"title": "劳动法律讲座", "start_at": start, "tags": ("法律讲座",)}
    values.update(kw)
    with uow() as session:
        return create_event(
            session, EventDraft(**values), now=clock.now(), default_offsets=(1440, 60), source="cli"
        ).id


def states(uow: UnitOfWork, event_id: int = 1) -> dict[str, str]:
    with uow() as session:
        rows = session.scalars(select(EventReminder).where(EventReminder.event_id == event_id))
        return {r.key: r.state for r in rows}


async def test_reminders_go_out_at_their_offsets_once(uow: UnitOfWork, clock: FixedClock) -> None:
    start = clock.now() + 48 * H
    courier(uow, clock, "1", "法律讲座")
    courier(uow, clock, "2", "法律讲座", "青年服务月")
    courier(uow, clock, "3", "青年服务月")  # another tag: nothing
    blocked = courier(uow, clock, "4", "法律讲座")
    gone = courier(uow, clock, "5", "法律讲座")
    with uow() as session:
        mark_inactive(session, blocked, "blocked", clock.now())
        unsubscribe(session, gone, "法律讲座", clock.now())
    new_event(uow, clock, start, place="市总工会")
    bot = Bot(uow, clock)
    await bot.tick()
    assert bot.take() == {}
    assert (await bot.runtime.jobs_wanted()).keys() == {"event-reminder:1", "event-reminder:2"}

    clock.advance(hours=24)  # 24 h before
    await bot.tick()
    got = bot.take()
    assert set(got) == {"1", "2", ADMIN}
    assert "还有约 24 小时开始" in got["1"][0] and "市总工会" in got["1"][0]
    assert "发送完成" in got[ADMIN][0] and "成功 2" in got[ADMIN][0]
    await bot.tick()
    assert bot.take() == {}

    clock.advance(hours=23)  # 1 h before
    await bot.tick()
    got = bot.take()
    assert set(got) == {"1", "2", ADMIN} and "约 60 分钟" in got["2"][0]
    clock.advance(hours=2)
    await bot.tick()
    assert bot.take() == {}
    assert set(states(uow).values()) == {"done"}


async def test_moving_tells_those_reminded_and_reschedules(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    start = clock.now() + 48 * H
    courier(uow, clock, "1", "法律讲座")
    event_id = new_event(uow, clock, start)
    bot = Bot(uow, clock)
    clock.advance(hours=24)
    await bot.tick()
    assert "1" in bot.take()
    courier(uow, clock, "2", "法律讲座")  # subscribed after the first reminder

    with uow() as session:
        edit_event(session, event_id, EventChanges(start_at=start + 24 * H, place="新地点"),
                   now=clock.now())  # fmt: skip
    await bot.tick()
    got = bot.take()
    assert set(got) == {"1", ADMIN}  # only the one already reminded hears of the change
    assert "活动有变动" in got["1"][0] and "新地点" in got["1"][0]
    assert states(uow)["r1:60m"] == "withdrawn"

    clock.advance(hours=24)  # 24 h before the new start: both subscribers
    await bot.tick()
    assert set(bot.take()) == {"1", "2", ADMIN}


async def test_cancelling_tells_those_reminded(uow: UnitOfWork, clock: FixedClock) -> None:
    start = clock.now() + 48 * H
    courier(uow, clock, "1", "法律讲座")
    event_id = new_event(uow, clock, start)
    bot = Bot(uow, clock)
    clock.advance(hours=24)
    await bot.tick()
    bot.take()
    courier(uow, clock, "2", "法律讲座")
    with uow() as session:
        cancel_event(session, event_id, now=clock.now())
    await bot.tick()
    got = bot.take()
    assert set(got) == {"1", ADMIN} and "活动取消" in got["1"][0]
    clock.advance(hours=23)
    await bot.tick()
    assert bot.take() == {}
    assert states(uow) == {"r1:1440m": "done", "r1:60m": "withdrawn", "notice:r2": "done"}


async def test_after_a_restart_only_the_latest_useful_reminder_goes(
    uow: UnitOfWork, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    start = clock.now() + 48 * H
    courier(uow, clock, "1", "法律讲座")
    new_event(uow, clock, start)
    second = new_event(uow, clock, start + 30 * H, title="技能培训")
    bot = Bot(uow, clock)
    await bot.tick()  # reminders planned; then the bot is down for 47.5 hours
    clock.advance(hours=47, minutes=30)
    caplog.set_level(logging.INFO, logger="reminders")
    await bot.restart()
    got = bot.take()
    assert len(got["1"]) == 1 and "约 30 分钟" in got["1"][0]  # 24 h one superseded by the 1 h
    assert states(uow)["r1:1440m"] == "superseded"

    clock.advance(hours=55)  # down again, past the second event's start: both missed
    await bot.restart()
    assert bot.take() == {}
    with uow() as session:
        missed = session.scalars(
            select(EventReminder.state).where(EventReminder.event_id == second)
        ).all()
    assert set(missed) == {"missed"}
    assert "but the event began" in caplog.text


async def test_an_event_added_late_sends_one_reminder_now(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    courier(uow, clock, "1", "法律讲座")
    new_event(uow, clock, clock.now() + dt.timedelta(minutes=30))  # 24 h and 1 h both past
    bot = Bot(uow, clock)
    await bot.tick()
    assert len(bot.take()["1"]) == 1
    await bot.tick()
    assert bot.take() == {}


async def test_youth_service_month_campaign(uow: UnitOfWork, clock: FixedClock) -> None:
    campaign = CampaignConfig(
        month=12, day=1, days=30, weeks=(1, 2), send_time=dt.time(10, 0), tag="青年服务月",
        title="快递从业青年服务月", text="12355 青少年服务台为你提供法律和心理支持。",
    )  # fmt: skip
    config = ReminderConfig(
        timezone=TZ, default_offsets=(60,), tags=("青年服务月",), campaign=campaign
    )
    courier(uow, clock, "1", "青年服务月")
    courier(uow, clock, "2", "法律讲座")
    bot = Bot(uow, clock, config)
    await bot.tick()
    with uow() as session:
        event = session.scalars(select(Event).where(Event.source == "campaign")).one()
        assert event.key == "campaign:youth:2026" and event.tags == ["青年服务月"]
    assert bot.take() == {}
    clock.advance(days=2)  # from 2026-11-29 10:00 in Changzhi to 2026-12-01 10:00
    await bot.tick()
    got = bot.take()
    assert set(got) == {"1"} and "12355" in got["1"][0]
    assert "12月1日（周二）至12月30日（周三）" in got["1"][0]
    await bot.tick()
    assert bot.take() == {}
    clock.advance(days=7)
    await bot.tick()
    assert set(bot.take()) == {"1"}
    assert len(states(uow)) == 2


async def test_personal_deadline_reminders(uow: UnitOfWork, clock: FixedClock) -> None:
    today = clock.now().astimezone(TZ).date()
    user = courier(uow, clock, "1")
    other = courier(uow, clock, "2")
    plan = plan_deadline(DeadlineKind.WORK_INJURY, today - dt.timedelta(days=300), today)
    assert len(plan.remind_on) == 2
    with uow() as session:
        assert save_plan(session, user, plan, now=clock.now(), tz=TZ) == 2
        assert save_plan(session, user, plan, now=clock.now(), tz=TZ) == 0  # idempotent
        save_plan(session, other, plan, now=clock.now(), tz=TZ)
        mark_inactive(session, other, "blocked", clock.now())
    bot = Bot(uow, clock)
    await bot.tick()
    assert bot.take() == {}
    clock.advance(days=36)  # past the first reminder day (30 days before, at 10:00)
    await bot.tick()
    got = bot.take()
    assert set(got) == {"1"}
    assert "工伤认定申请提醒" in got["1"][0] and "《工伤保险条例》第十七条第二款" in got["1"][0]
    await bot.tick()
    assert bot.take() == {}
    with uow() as session:
        rows = session.scalars(select(PersonalReminder).order_by(PersonalReminder.remind_at))
        by_user: dict[int, list[str]] = {}
        for row in rows:
            by_user.setdefault(row.user_id, []).append(row.state)
    assert by_user == {user: ["sent", "scheduled"], other: ["cancelled", "scheduled"]}


async def test_a_sender_bug_is_recorded_as_unknown_not_retried(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    courier(uow, clock, "1", "法律讲座")
    courier(uow, clock, "2", "法律讲座")
    new_event(uow, clock, clock.now() + dt.timedelta(minutes=30))
    bot = Bot(uow, clock)

    class Buggy(RecordingSender):
        async def send(self, chat_ref: str, html: str) -> SendOutcome:
            if chat_ref == "1":
                raise RuntimeError("bug")
            return await super().send(chat_ref, html)

    bot.sender = Buggy(time=bot.time.time)
    bot.runtime = bot._new()
    await bot.tick()
    assert set(bot.take()) == {"2", ADMIN}
