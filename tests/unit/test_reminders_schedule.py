"""APScheduler with the persistent SQLAlchemy job store: jobs survive a restart, a job whose
time passed while the bot was down runs once on start, and the sync keeps the store in line.

APScheduler fires on the real clock; the runtime decides on the injected one. Nothing sleeps:
where a job must run, the test waits for the message it sends (with a timeout)."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from common.clock import FixedClock
from reminders import jobs
from reminders.config import ReminderConfig
from reminders.events import EventChanges, EventDraft, create_event, edit_event
from reminders.limiter import RateLimiter
from reminders.runtime import Channel, ReminderRuntime
from reminders.schedule import SYNC_JOB_ID, ReminderService, make_scheduler
from reminders.sender import SendOutcome
from reminders.subscriptions import subscribe
from storage.db import UnitOfWork
from storage.migrate import upgrade
from storage.repositories import Users

TZ = ZoneInfo("Asia/Shanghai")
CONFIG = ReminderConfig(timezone=TZ, default_offsets=(1440, 60), tags=("法律讲座",))
pytestmark = pytest.mark.parametrize(
    "engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)], indirect=True
)


class Inbox:
    """A sender that lets a test wait for the first message without sleeping."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []
        self.arrived = asyncio.Event()

    async def send(self, chat_ref: str, html: str) -> SendOutcome:
        self.messages.append((chat_ref, html))
        self.arrived.set()
        return SendOutcome.sent()


@pytest.fixture
def uow(engine: Engine) -> UnitOfWork:
    upgrade(engine)
    return UnitOfWork(engine)


@pytest.fixture
def now_clock() -> FixedClock:
    """Starts at the real time (APScheduler compares job times with the real clock)."""
    return FixedClock(dt.datetime.now(dt.UTC).replace(microsecond=0))


def service(engine: Engine, uow: UnitOfWork, clock: FixedClock, inbox: Inbox) -> ReminderService:
    runtime = ReminderRuntime(
        uow=uow, clock=clock, config=CONFIG,
        channels=[Channel("telegram", inbox, RateLimiter(25))],
    )  # fmt: skip
    scheduler = make_scheduler(engine.url.render_as_string(hide_password=False), TZ)
    return ReminderService(runtime, scheduler, sync_seconds=30)


def add_event(uow: UnitOfWork, clock: FixedClock, hours: float) -> int:
    with uow() as session:
        user = Users(session).get_or_create("telegram", "42", clock.now())
        subscribe(session, user.id, "法律讲座", clock.now())
        return create_event(
            session,
            EventDraft(title="讲座", start_at=clock.now() + dt.timedelta(hours=hours),
                       tags=("法律讲座",)),
            now=clock.now(), default_offsets=(1440, 60), source="cli",
        ).id  # fmt: skip


def reminder_jobs(svc: ReminderService) -> dict[str, dt.datetime]:
    return {job.id: job.next_run_time for job in svc.scheduler.get_jobs(jobstore="default")}


async def test_jobs_survive_a_restart(
    engine: Engine, uow: UnitOfWork, now_clock: FixedClock
) -> None:
    event_id = add_event(uow, now_clock, hours=48)
    first = service(engine, uow, now_clock, Inbox())
    await first.start()
    await first.sync()
    before = reminder_jobs(first)
    assert set(before) == {"event-reminder:1", "event-reminder:2"}
    assert before["event-reminder:1"] == now_clock.now() + dt.timedelta(hours=24)
    job = first.scheduler.get_job("event-reminder:1")
    assert job.func_ref == "reminders.jobs:fire_event_reminder" and job.args == (1,)
    assert first.scheduler.get_job(SYNC_JOB_ID) is not None
    await first.stop()

    second = service(engine, uow, now_clock, Inbox())
    await second.start()
    assert reminder_jobs(second) == before  # read back from the database
    assert second.scheduler.get_job(SYNC_JOB_ID) is not None  # re-added at start

    with uow() as session:  # the event moves: the sync moves the jobs
        moved = EventChanges(start_at=now_clock.now() + dt.timedelta(hours=72))
        edit_event(session, event_id, moved, now=now_clock.now())
    await second.sync()
    after = reminder_jobs(second)
    assert set(after) == {"event-reminder:3", "event-reminder:4"}
    assert after["event-reminder:3"] == now_clock.now() + dt.timedelta(hours=48)
    await second.stop()
    assert jobs._target is None


async def test_a_job_missed_while_down_runs_on_start(
    engine: Engine, uow: UnitOfWork, now_clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_event(uow, now_clock, hours=25)
    inbox = Inbox()
    svc = service(engine, uow, now_clock, inbox)
    await svc.start()
    await svc.sync()
    # The bot goes down for two hours: the 24 h reminder's time passes, for APScheduler too.
    # (Its real clock cannot be moved, so the stored job is rewritten with a past time while
    # the scheduler is paused, as it would be stored had the bot gone down before it fired.)
    svc.scheduler.pause()
    svc.scheduler.add_job(
        jobs.fire_event_reminder, "date", run_date=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
        args=[1], id="event-reminder:1", jobstore="default", replace_existing=True,
    )  # fmt: skip
    await svc.stop()
    now_clock.advance(hours=2)
    again = service(engine, uow, now_clock, inbox)

    async def no_sync() -> None:  # so only the stored job can send
        return None

    monkeypatch.setattr(again, "sync", no_sync)
    await again.start()
    await asyncio.wait_for(inbox.arrived.wait(), timeout=10)
    await again.runtime.wait_idle()
    assert [ref for ref, _ in inbox.messages] == ["42"]
    await again.stop()
