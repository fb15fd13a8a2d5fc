"""Events and reminders end to end: the real bot over HTTP against the Bot API stand-in, events
added with the `courier-aid event` command while the bot runs, and a `FixedClock` that starts at
the real time (the command checks start times against it) and is stepped to each reminder's
offset. After a step the test runs the sync itself instead of waiting for the next one."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.channels.telegram import texts
from bot.channels.telegram.app import TelegramApp
from bot.channels.telegram.context import Reminders
from bot.settings import Settings
from common.clock import FixedClock
from reminders.courier import STALE
from reminders.times import format_day
from storage.event_models import (
    Delivery,
    EventReminder,
    InactiveUser,
    PersonalReminder,
    Subscription,
)
from storage.models import User
from tests.e2e.conftest import Courier, button_data, start_bot, stop_bot
from tests.helpers.telegram_events import (
    REMINDER_MARK,
    TZ,
    database,
    event_cli,
    local,
    next_minute,
    reminders_per_chat,
    subscribe,
)
from tests.standin.bot_api import BotAPIStandin

pytestmark = pytest.mark.integration

ADMIN = 9_100_001
LAW, UNION = "法律讲座", "工会活动"
JITTER = 0.02  # the stand-in stamps arrivals; the bot spaces departures (see test_broadcast.py)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime.now(dt.UTC).replace(microsecond=0))


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"reminder_sync_seconds": 0.3, "admin_telegram_ids": str(ADMIN)}
    )


@pytest.fixture
async def bot(settings: Settings, clock: FixedClock) -> AsyncIterator[TelegramApp]:
    app = await start_bot(settings, clock=clock)
    yield app
    if app.running:
        await stop_bot(app)


def reminders_of(app: TelegramApp) -> Reminders:
    runtime = app.bot_data.runtime
    assert runtime is not None
    return runtime.reminders


async def sync(app: TelegramApp) -> None:
    """What the next periodic sync would do, now; then wait for the sends it started."""
    reminders = reminders_of(app)
    await reminders.service.sync()
    await reminders.service.runtime.wait_idle()


def set_clock(clock: FixedClock, moment: dt.datetime) -> None:
    clock.advance(seconds=(moment - clock.now()).total_seconds())


async def until_picked_up(app: TelegramApp, url: str, event_id: int) -> None:
    """Wait (at most 10 s) until the running bot's own periodic sync has made the event's
    reminders and put their jobs in the persistent job store."""
    scheduler = reminders_of(app).service.scheduler
    for _ in range(200):
        with database(url) as session:
            ids = session.scalars(
                select(EventReminder.id).where(EventReminder.event_id == event_id)
            ).all()
        jobs = {f"event-reminder:{rid}" for rid in ids}
        if jobs and jobs <= {job.id for job in scheduler.get_jobs(jobstore="default")}:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"event {event_id} was not picked up by the running bot")


async def agreed(api: BotAPIStandin, chat_id: int) -> Courier:
    courier = Courier(api, chat_id)
    await courier.agree()
    return courier


def delivery_states(url: str) -> dict[str, str]:
    """Chat id -> the state of its delivery record (one reminder)."""
    with database(url) as session:
        rows = session.execute(
            select(User.external_ref, Delivery.state).join(Delivery, Delivery.user_id == User.id)
        ).all()
    return {str(ref): str(state) for ref, state in rows}


async def test_subscribe_buttons_unsubscribe_and_the_events_list(
    api: BotAPIStandin,
    bot: TelegramApp,
    settings: Settings,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stranger = Courier(api, 3001)
    [empty] = await stranger.say("/events")  # reading stores nothing: no consent needed
    assert "最近还没有安排活动" in (empty.plain_text or "")
    [nothing] = await stranger.say("/unsubscribe")
    assert nothing.plain_text == texts.UNSUBSCRIBE_NOTHING
    with database(settings.database_url) as session:
        assert session.scalars(select(User)).all() == []

    # /subscribe before agreeing: the consent card first, the menu right after agreeing.
    [card] = await stranger.say("/subscribe")
    assert texts.NEED_CONSENT_SUBSCRIBE in (card.plain_text or "")
    agreed_text, menu = await stranger.press(card, "consent:yes", expect=2)
    assert agreed_text.plain_text == texts.AGREED
    assert {f"ev:on:{LAW}", f"ev:on:{UNION}"} <= set(button_data(menu))
    assert "没有订阅任何活动提醒" in (menu.plain_text or "")

    api.press_button(stranger.id, menu, f"ev:on:{LAW}")
    await api.wait_for(lambda _c: len(menu.edits) == 1, timeout=20)
    assert f"ev:off:{LAW}" in button_data(menu) and "ev:stop" in button_data(menu)
    assert LAW in (menu.plain_text or "")
    with database(settings.database_url) as session:
        [sub] = session.scalars(select(Subscription)).all()
        assert sub.tag == LAW and sub.subscribed_at is not None and sub.revoked_at is None

    api.press_button(stranger.id, menu, f"ev:off:{LAW}")
    await api.wait_for(lambda _c: len(menu.edits) == 2, timeout=20)
    assert f"ev:on:{LAW}" in button_data(menu) and "ev:stop" not in button_data(menu)

    # A forged tag gets a short notice and changes nothing.
    before = len(api.answered_callbacks)
    api.press_button(stranger.id, menu, "ev:on:不存在", strict=False)
    await api.wait_for(lambda _c: len(api.answered_callbacks) > before, timeout=20)
    assert api.answered_callbacks[-1].text == STALE and len(menu.edits) == 2

    await subscribe(api, stranger.id, LAW, UNION)
    [stopped] = await stranger.say("/unsubscribe")
    assert "全部退订" in (stopped.plain_text or "")
    with database(settings.database_url) as session:
        subs = session.scalars(select(Subscription)).all()
        assert {s.tag for s in subs} == {LAW, UNION}
        assert all(s.revoked_at is not None and s.subscribed_at is not None for s in subs)

    start = next_minute(clock.now()) + dt.timedelta(days=2)
    event_cli(
        monkeypatch, settings.database_url, "add", "--title", "劳动法律讲座",
        "--start", local(start), "--tags", LAW, "--place", "市总工会三楼",
    )  # fmt: skip
    [listing] = await stranger.say("/events")
    text = listing.plain_text or ""
    assert "劳动法律讲座" in text and "市总工会三楼" in text and LAW in text


async def test_an_added_event_is_picked_up_and_reminded_once_at_each_offset(
    api: BotAPIStandin,
    bot: TelegramApp,
    settings: Settings,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice, bob, carol, dave = [await agreed(api, n) for n in (3101, 3102, 3103, 3104)]
    for courier in (alice, bob, dave):
        await subscribe(api, courier.id, LAW)
    await subscribe(api, carol.id, UNION)  # another tag: never reminded of the lecture
    api.block(dave.id)
    await agreed(api, ADMIN)

    start = next_minute(clock.now()) + dt.timedelta(minutes=3)
    event = event_cli(
        monkeypatch, settings.database_url, "add", "--title", "快递员劳动法律讲座",
        "--start", local(start), "--tags", LAW, "--remind", "2m,1m",
    )  # fmt: skip
    await until_picked_up(bot, settings.database_url, event["id"])  # nobody poked the bot

    await sync(bot)
    assert reminders_per_chat(api) == {}  # not yet
    set_clock(clock, start - dt.timedelta(seconds=119))
    await sync(bot)
    assert reminders_per_chat(api) == {alice.id: 1, bob.id: 1}
    [first] = [m for m in api.sent_messages(alice.id) if REMINDER_MARK in (m.plain_text or "")]
    assert "快递员劳动法律讲座" in (first.plain_text or "") and "约 1 分钟" in (
        first.plain_text or ""
    )
    report = api.sent_messages(ADMIN)[-1].plain_text or ""
    assert "发送完成" in report and "成功 2" in report and "已屏蔽 1" in report

    await sync(bot)  # again: nothing is sent twice
    set_clock(clock, start - dt.timedelta(seconds=59))
    await sync(bot)
    await sync(bot)
    assert reminders_per_chat(api) == {alice.id: 2, bob.id: 2}
    with database(settings.database_url) as session:
        dave_id = session.scalar(select(User.id).where(User.external_ref == str(dave.id)))
        assert session.get(InactiveUser, dave_id) is not None  # blocked: not tried again
        tried = session.scalars(select(Delivery.state).where(Delivery.user_id == dave_id)).all()
        assert tried == ["blocked"]

    # The administrator asks for the report in Telegram.
    before = len(api.sent_messages(ADMIN))
    api.send_text(ADMIN, f"/event report {event['id']}")
    [answer] = (await api.wait_for_messages(ADMIN, before + 1, timeout=20))[before:]
    assert (answer.plain_text or "").count("已完成") == 2

    # Dave unblocks the bot and writes: reminders may reach him again.
    api.unblock(dave.id)
    await dave.say("/events")
    with database(settings.database_url) as session:
        assert session.get(InactiveUser, dave_id) is None


async def test_moving_and_cancelling_tell_only_those_already_reminded(
    api: BotAPIStandin,
    bot: TelegramApp,
    settings: Settings,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    early, late = await agreed(api, 3201), await agreed(api, 3202)
    await subscribe(api, early.id, LAW)
    admin = await agreed(api, ADMIN)
    start = next_minute(clock.now()) + dt.timedelta(minutes=3)
    event = event_cli(
        monkeypatch, settings.database_url, "add", "--title", "维权讲座",
        "--start", local(start), "--tags", LAW, "--remind", "1m", "--place", "城区快递驿站",
    )  # fmt: skip
    set_clock(clock, start - dt.timedelta(seconds=59))
    await sync(bot)
    assert reminders_per_chat(api) == {early.id: 1}
    await subscribe(api, late.id, LAW)  # subscribed after the reminder went out

    # An administrator's /event is event data, even with words the crisis check looks for.
    later = local(start + dt.timedelta(days=7))
    [added] = await admin.say(
        f"/event add --title 自杀预防与心理健康讲座 --start “{later}” --tags {UNION}"
    )
    assert "已添加活动 #2" in (added.plain_text or "")
    # Someone else's /event is a command the bot does not know.
    [unknown] = await late.say(f"/event cancel {event['id']}")
    assert unknown.plain_text == texts.UNKNOWN_COMMAND

    # Moved by the administrator in Telegram ("curly quotes" as phones type them).
    moved = start + dt.timedelta(days=1)
    [done] = await admin.say(f"/event edit {event['id']} --start “{local(moved)}”")
    assert "已收到提醒的人会收到变动通知" in (done.plain_text or "")
    await sync(bot)
    assert reminders_per_chat(api, "活动有变动") == {early.id: 1}
    notice = next(m for m in api.sent_messages(early.id) if "活动有变动" in (m.plain_text or ""))
    assert format_day(moved, TZ) in (notice.plain_text or "")

    event_cli(monkeypatch, settings.database_url, "cancel", str(event["id"]))
    await sync(bot)
    await sync(bot)
    assert reminders_per_chat(api, "活动取消") == {early.id: 1}
    assert reminders_per_chat(api) == {early.id: 1}  # the moved event's reminders withdrawn
    # Three messages to one chat within seconds: the broadcasts keep them a second apart.
    marks = (REMINDER_MARK, "活动有变动", "活动取消")
    times = [
        m.sent_at
        for m in api.sent_messages(early.id)
        if any(mark in (m.plain_text or "") for mark in marks)
    ]
    assert len(times) == 3
    assert all(b - a >= 1.0 - JITTER for a, b in itertools.pairwise(times))


async def test_errors_that_may_hide_a_delivery_are_never_retried(
    api: BotAPIStandin,
    bot: TelegramApp,
    settings: Settings,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    couriers = [await agreed(api, n) for n in (3301, 3302, 3303, 3304)]
    for courier in couriers:
        await subscribe(api, courier.id, LAW)
    start = next_minute(clock.now()) + dt.timedelta(minutes=3)
    event_cli(
        monkeypatch, settings.database_url, "add", "--title", "技能大赛说明会",
        "--start", local(start), "--tags", LAW, "--remind", "1m",
    )  # fmt: skip
    # Flood control (retried after the wait), a 502 (the request surely was not carried
    # out: retried), then a response lost after Telegram delivered it (never retried).
    api.fail_next("sendMessage", kind="retry_after", retry_after=1)
    api.fail_next("sendMessage", kind="server")
    api.fail_next("sendMessage", kind="lost_response")
    set_clock(clock, start - dt.timedelta(seconds=59))
    await sync(bot)
    assert reminders_per_chat(api) == {courier.id: 1 for courier in couriers}
    assert sorted(delivery_states(settings.database_url).values()) == [
        "sent", "sent", "sent", "unknown"
    ]  # fmt: skip


async def test_the_deadline_offer_after_a_work_injury_answer_stores_the_dates(
    api: BotAPIStandin, bot: TelegramApp, settings: Settings, clock: FixedClock
) -> None:
    courier = await agreed(api, 3401)
    [answer] = await courier.say("工伤认定怎么申请")
    assert "ev:pr:work_injury" in button_data(answer)
    [question] = await courier.press(answer, "ev:pr:work_injury")
    assert "事故是哪天发生的" in (question.plain_text or "")

    [unclear] = await courier.say("记不清了")
    assert "没看懂这个日期" in (unclear.plain_text or "")
    [done] = await courier.say("上个月12号")
    today = clock.now().astimezone(TZ).date()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=12)
    deadline = last_month.replace(year=last_month.year + 1)
    text = done.plain_text or ""
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in text
    with database(settings.database_url) as session:
        rows = session.scalars(select(PersonalReminder).order_by(PersonalReminder.id)).all()
    assert [row.deadline for row in rows] == [deadline, deadline]
    assert [row.basis_date for row in rows] == [last_month, last_month]
    assert [row.remind_at.astimezone(TZ).date() for row in rows] == [
        deadline - dt.timedelta(days=30),
        deadline - dt.timedelta(days=7),
    ]
    assert all(row.remind_at.astimezone(TZ).hour == 10 for row in rows)

    # The wait is over: the next text is a question again.
    [again] = await courier.say("工伤认定怎么申请")
    assert "ev:pr:work_injury" in button_data(again)
    # /unsubscribe stops the personal reminders too.
    await courier.say("/unsubscribe")
    with database(settings.database_url) as session:
        assert set(session.scalars(select(PersonalReminder.state))) == {"cancelled"}


async def test_reminders_survive_a_restart_and_a_missed_one_is_dropped(
    api: BotAPIStandin,
    bot: TelegramApp,
    settings: Settings,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    courier = await agreed(api, 3501)
    await subscribe(api, courier.id, LAW)
    start = next_minute(clock.now()) + dt.timedelta(minutes=3)
    event = event_cli(
        monkeypatch, settings.database_url, "add", "--title", "健康体检",
        "--start", local(start), "--tags", LAW, "--remind", "2m,1m",
    )  # fmt: skip
    await until_picked_up(bot, settings.database_url, event["id"])
    await stop_bot(bot)

    # Down while the first reminder was due: sent on start, since the event has not begun.
    set_clock(clock, start - dt.timedelta(seconds=100))
    app = await start_bot(settings, clock=clock)
    try:
        await sync(app)
        assert reminders_per_chat(api) == {courier.id: 1}
        await stop_bot(app)
        # Down past the start: the second one is dropped (and logged), not sent late.
        set_clock(clock, start + dt.timedelta(minutes=1))
        app = await start_bot(settings, clock=clock)
        await sync(app)
        assert reminders_per_chat(api) == {courier.id: 1}
        with database(settings.database_url) as session:
            kept = session.scalars(select(EventReminder.state).order_by(EventReminder.fire_at))
            assert list(kept) == ["done", "missed"]
    finally:
        if app.running:
            await stop_bot(app)
