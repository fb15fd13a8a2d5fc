"""A broadcast to 5,000 simulated couriers in virtual time: within Telegram's limits, nothing
sent twice, and a crash halfway resumes without duplicates.

The database is real (SQLite and PostgreSQL); the channel is a recording fake and the limiter
runs on virtual time, so 200 seconds of sending take a few seconds. Database calls run inline
(not in worker threads), so a simulated crash stops everything at once, as a killed process
would. The end-to-end test through the HTTP Bot API stand-in lives with the Telegram channel.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select

from common.clock import FixedClock
from reminders.broadcaster import RetryPolicy
from reminders.config import ReminderConfig
from reminders.events import EventDraft, create_event
from reminders.limiter import RateLimiter
from reminders.runtime import Channel, ReminderRuntime
from reminders.sender import SendOutcome
from storage.db import UnitOfWork
from storage.event_models import Delivery, EventReminder, InactiveUser
from storage.migrate import upgrade
from storage.models import User
from tests.helpers.reminder_fakes import (
    RecordingSender,
    SimulatedCrash,
    VirtualTime,
    add_couriers,
    min_gap_per_chat,
)
from tests.standin.bot_api import max_in_window

TZ = ZoneInfo("Asia/Shanghai")
# PostgreSQL runs with the integration tests (`make test`); `make test-unit` needs only SQLite.
pytestmark = pytest.mark.parametrize(
    "engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)], indirect=True
)
COURIERS = 5000
CONFIG = ReminderConfig(timezone=TZ, default_offsets=(60,), tags=("法律讲座",), workers=8)


@pytest.fixture
def uow(engine: Engine) -> UnitOfWork:
    upgrade(engine)
    return UnitOfWork(engine)


def runtime(uow: UnitOfWork, clock: FixedClock, sender: RecordingSender, vt: VirtualTime,
            config: ReminderConfig = CONFIG) -> ReminderRuntime:  # fmt: skip
    """Database calls run inline; once the sender "crashed", they fail too (a dead process)."""

    async def run_db(func: Callable[..., Any], *args: Any) -> Any:
        if sender.dead:
            raise SimulatedCrash
        return func(*args)

    limiter = RateLimiter(config.rate, time_source=vt.time, sleep=vt.sleep)
    return ReminderRuntime(
        uow=uow,
        clock=clock,
        config=config,
        channels=[Channel("telegram", sender, limiter)],
        retry=RetryPolicy(max_attempts=3, backoff_first=1.0),
        run_db=run_db,
    )


def prepare(uow: UnitOfWork, clock: FixedClock, couriers: int) -> list[str]:
    with uow() as session:
        create_event(
            session,
            EventDraft(title="劳动法律讲座", start_at=clock.now() + dt.timedelta(hours=2),
                       tags=("法律讲座",), place="市总工会"),
            now=clock.now(), default_offsets=(60,), source="cli",
        )  # fmt: skip
    add_couriers(uow, couriers, ["法律讲座"], clock.now())
    clock.advance(hours=1)  # the 1 h reminder is due
    return [str(100_000 + n) for n in range(couriers)]


def delivery_states(uow: UnitOfWork) -> dict[str, int]:
    with uow() as session:
        rows = session.execute(select(Delivery.state, func.count()).group_by(Delivery.state))
        return {str(row[0]): int(row[1]) for row in rows}


def check_limits(sent: list[tuple[float, str, str]]) -> None:
    assert max_in_window([moment for moment, _chat, _html in sent]) <= 25
    assert min_gap_per_chat(sent) >= 1.0 - 1e-9


async def test_5000_couriers_each_once_within_the_limits(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    chats = prepare(uow, clock, COURIERS)
    vt = VirtualTime()
    sender = RecordingSender(time=vt.time)
    rt = runtime(uow, clock, sender, vt)
    await rt.tick()
    await rt.wait_idle()
    counts = sender.per_chat()
    assert set(counts) == set(chats) and set(counts.values()) == {1}
    check_limits(sender.sent)
    elapsed = max(t for t, _, _ in sender.sent) - min(t for t, _, _ in sender.sent)
    assert COURIERS / elapsed == pytest.approx(25, rel=0.01)  # the full rate, held
    assert delivery_states(uow) == {"sent": COURIERS}
    assert "劳动法律讲座" in sender.sent[0][2] and "市总工会" in sender.sent[0][2]
    await rt.tick()  # nothing is due any more: nothing more goes out
    await rt.wait_idle()
    assert len(sender.sent) == COURIERS


@pytest.mark.parametrize("delivered", [True, False], ids=["after-send", "before-send"])
async def test_a_crash_halfway_resumes_without_duplicates(
    uow: UnitOfWork, clock: FixedClock, delivered: bool
) -> None:
    """The process dies on the 2,500th send: after handing it to Telegram, or before."""
    chats = prepare(uow, clock, COURIERS)
    vt = VirtualTime()
    first = RecordingSender(time=vt.time, crash_after=COURIERS // 2, crash_delivers=delivered)
    dead = runtime(uow, clock, first, vt)
    await dead.tick()
    with pytest.raises(SimulatedCrash):
        await asyncio.gather(*dead._active.values())
    assert len(first.sent) == COURIERS // 2 - (0 if delivered else 1)

    clock.advance(minutes=2)  # restarted two minutes later; the event is still ahead
    second = RecordingSender(time=vt.time)
    restarted = runtime(uow, clock, second, vt)
    await restarted.start()
    await restarted.tick()
    await restarted.wait_idle()

    every = first.sent + second.sent
    counts = first.per_chat() + second.per_chat()
    assert max(counts.values()) == 1, "a courier got the reminder twice"
    states = delivery_states(uow)
    assert states == {"sent": COURIERS - 1, "unknown": 1}  # the one in flight at the crash
    missing = set(chats) - set(counts)
    assert len(missing) == (0 if delivered else 1)  # at most once: never resent
    check_limits(every)


async def test_a_graceful_stop_loses_nothing(uow: UnitOfWork, clock: FixedClock) -> None:
    chats = prepare(uow, clock, 600)
    vt = VirtualTime()
    rt: ReminderRuntime | None = None

    class StopHalfway(RecordingSender):
        async def send(self, chat_ref: str, html: str) -> SendOutcome:
            outcome = await super().send(chat_ref, html)
            if len(self.sent) == 300 and rt is not None:
                rt.request_stop()  # SIGTERM arrives
            return outcome

    first = StopHalfway(time=vt.time)
    rt = runtime(uow, clock, first, vt)
    await rt.tick()
    await rt.stop()
    assert 300 <= len(first.sent) < 600
    second = RecordingSender(time=vt.time)
    again = runtime(uow, clock, second, vt)
    await again.start()
    await again.tick()
    await again.wait_idle()
    counts = first.per_chat() + second.per_chat()
    assert set(counts) == set(chats) and set(counts.values()) == {1}
    assert delivery_states(uow) == {"sent": 600}


async def test_retries_blocked_and_failures_are_recorded(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    chats = prepare(uow, clock, 6)
    vt = VirtualTime()
    sender = RecordingSender(
        time=vt.time,
        outcomes={
            chats[0]: [SendOutcome.retry(7.0)],
            chats[1]: [SendOutcome.network_error("connect"), SendOutcome.network_error("again")],
            chats[2]: [SendOutcome.blocked("Forbidden: bot was blocked by the user")],
            chats[3]: [SendOutcome.failed("Bad Request: chat not found")],
            chats[4]: [SendOutcome.unknown("read timeout")],
            chats[5]: [SendOutcome.network_error("x")] * 3,  # gives up after 3 attempts
        },
    )
    rt = runtime(uow, clock, sender, vt)
    start = vt.time()
    await rt.tick()
    await rt.wait_idle()
    assert sender.per_chat() == {chats[0]: 1, chats[1]: 1}
    assert vt.time() - start >= 7.0  # flood control paused the sends
    assert delivery_states(uow) == {"sent": 2, "blocked": 1, "failed": 2, "unknown": 1}
    with uow() as session:
        blocked = session.scalars(
            select(User.external_ref).join(InactiveUser, InactiveUser.user_id == User.id)
        ).all()
        assert blocked == [chats[2]]
        reminder = session.scalars(select(EventReminder)).one()
        assert reminder.state == "done"
