"""The daily purge job: its time of day, its place on the application's scheduler, a run that
purges (on the injected clock), a failure that is logged and does not stop the scheduler."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.retention_job import (
    PURGE_JOB_ID,
    install_daily_purge,
    make_purge_job,
    purge_time,
    schedule_daily_purge,
)
from bot.settings import Settings
from common.clock import FixedClock
from reminders.schedule import make_scheduler
from storage.db import UnitOfWork, make_engine
from storage.migrate import upgrade
from storage.models import Message
from storage.repositories import Messages, Users
from storage.retention import PURGED_TEXT

TZ = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 1, 10, 2, 0, tzinfo=dt.UTC)


def test_purge_time() -> None:
    assert purge_time("03:30") == dt.time(3, 30)
    assert purge_time(" 0:05 ") == dt.time(0, 5)
    assert purge_time("23:59") == dt.time(23, 59)
    for bad in ("24:00", "3:3", "03:60", "0330", "３:30", "", "03:30:00"):
        with pytest.raises(ValueError, match="RETENTION_PURGE_TIME"):
            purge_time(bad)


def _database(tmp_path: Path) -> tuple[str, UnitOfWork]:
    url = f"sqlite:///{tmp_path / 'job.db'}"
    engine = make_engine(url)
    upgrade(engine)
    uow = UnitOfWork(engine)
    with uow() as session:
        user = Users(session).get_or_create("telegram", "1", T0)
        Messages(session).record(user, "in", "我心里很难受", T0, action="answer")
    return url, uow


async def test_the_job_runs_daily_at_the_set_local_time(tmp_path: Path) -> None:
    url, uow = _database(tmp_path)
    scheduler = make_scheduler(url, TZ)
    settings = Settings(retention_purge_time="03:30", timezone="Asia/Shanghai")
    install_daily_purge(scheduler, settings, uow, FixedClock(T0))
    scheduler.start(paused=True)
    try:
        job = scheduler.get_job(PURGE_JOB_ID, jobstore="volatile")
        assert job is not None and job.next_run_time is not None
        local = job.next_run_time.astimezone(TZ)
        assert (local.hour, local.minute) == (3, 30)
        assert dt.timedelta(0) < local - dt.datetime.now(TZ) <= dt.timedelta(days=1)
        after = job.trigger.get_next_fire_time(None, local + dt.timedelta(minutes=1))
        assert after - local == dt.timedelta(days=1)
        # scheduling again replaces the job instead of adding a second one
        schedule_daily_purge(scheduler, lambda: None, at=dt.time(4, 0), tz=TZ)
        assert [j.id for j in scheduler.get_jobs()] == [PURGE_JOB_ID]
    finally:
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0)


async def test_a_run_purges_on_the_injected_clock(tmp_path: Path) -> None:
    url, uow = _database(tmp_path)
    clock = FixedClock(T0)
    scheduler = make_scheduler(url, TZ)
    settings = Settings(retention_days=30)  # arguments win over the environment
    install_daily_purge(scheduler, settings, uow, clock)
    ran: asyncio.Queue[JobExecutionEvent] = asyncio.Queue()
    scheduler.add_listener(ran.put_nowait, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start()
    try:
        clock.advance(days=29)  # younger than the period: nothing to do
        scheduler.modify_job(PURGE_JOB_ID, next_run_time=dt.datetime.now(TZ))
        event = await asyncio.wait_for(ran.get(), timeout=10)
        assert event.exception is None and event.retval.total == 0
        clock.advance(days=2)
        scheduler.modify_job(PURGE_JOB_ID, next_run_time=dt.datetime.now(TZ))
        event = await asyncio.wait_for(ran.get(), timeout=10)
        assert event.retval.messages == 1 and event.retval.users_anonymized == 1
    finally:
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0)
    with uow() as session:
        assert session.scalars(select(Message.text)).all() == [PURGED_TEXT]


def test_a_failure_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    @contextmanager
    def broken() -> Iterator[Session]:
        raise RuntimeError("database unreachable")
        yield  # pragma: no cover

    run = make_purge_job(broken, FixedClock(T0), dt.timedelta(days=180))
    assert run() is None
    assert "retention purge failed" in caplog.text and "database unreachable" in caplog.text
