"""The daily retention purge (issue 14) as a job on the application's APScheduler.

The composition root calls, once its scheduler exists (`reminders.schedule.make_scheduler`):

    install_daily_purge(scheduler, settings, uow, clock)

The job runs at `RETENTION_PURGE_TIME` (local time in `TIMEZONE`) in the scheduler's
`volatile` memory job store (a closure cannot go to the SQLAlchemy store; it is added again at
every start). A plain function: APScheduler's asyncio executor runs it in a worker thread, so
the event loop is not held while the purge writes.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from zoneinfo import ZoneInfo

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.orm import Session

from bot.settings import Settings
from common.clock import Clock
from storage.retention import PurgeCounts, run_purge

log = logging.getLogger(__name__)
PURGE_JOB_ID = "retention:purge"
MISFIRE_GRACE_SECONDS = 3600
_HH_MM = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", re.ASCII)


def purge_time(value: str) -> dt.time:
    """'03:30' -> 03:30; a ValueError naming the setting otherwise."""
    match = _HH_MM.fullmatch(value.strip())
    if match:
        return dt.time(int(match[1]), int(match[2]))
    raise ValueError(f"RETENTION_PURGE_TIME is a local time like 03:30, not {value!r}")


def make_purge_job(
    uow: Callable[[], AbstractContextManager[Session]], clock: Clock, period: dt.timedelta
) -> Callable[[], PurgeCounts | None]:
    """One purge, logged (counts only); a failure is logged and tried again the next day."""

    def run() -> PurgeCounts | None:
        try:
            counts = run_purge(uow, clock.now(), period)
        except Exception:
            log.error("retention purge failed; next try at the next scheduled time", exc_info=True)
            return None
        log.info("retention purge before %s: %s", counts.cutoff.isoformat(), counts.counts())
        return counts

    return run


def schedule_daily_purge(
    scheduler: BaseScheduler,
    run: Callable[[], object],
    *,
    at: dt.time,
    tz: ZoneInfo,
    jobstore: str = "volatile",
) -> Job:
    """Run `run` every day at `at` in `tz` (replacing an earlier purge job)."""
    return scheduler.add_job(
        run,
        CronTrigger(hour=at.hour, minute=at.minute, timezone=tz),
        id=PURGE_JOB_ID,
        name="retention purge",
        jobstore=jobstore,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=MISFIRE_GRACE_SECONDS,
    )


def install_daily_purge(
    scheduler: BaseScheduler,
    settings: Settings,
    uow: Callable[[], AbstractContextManager[Session]],
    clock: Clock,
) -> Job:
    """Both of the above from the settings: RETENTION_DAYS, RETENTION_PURGE_TIME, TIMEZONE."""
    run = make_purge_job(uow, clock, dt.timedelta(days=settings.retention_days))
    return schedule_daily_purge(
        scheduler,
        run,
        at=purge_time(settings.retention_purge_time),
        tz=ZoneInfo(settings.timezone),
    )
