"""APScheduler 3.11 with a persistent SQLAlchemy job store: one date job per reminder still to
come (so a restart finds them), plus a volatile sync job every `sync_seconds`.

Misfires: jobs have no grace limit (`misfire_grace_time=None`) and coalesce, so a job whose time
passed while the bot was down runs once right after the start; the runtime then sends it if its
event has not begun and drops (and logs) it if it has. Broadcasts cut short by a crash are not
jobs any more (APScheduler removes a date job when it fires); the sync at start resumes them.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from reminders import jobs
from reminders.plan import plan_jobs
from reminders.runtime import ReminderRuntime
from storage.db import make_engine

log = logging.getLogger(__name__)
JOBSTORE_TABLE = "apscheduler_jobs"  # created by migration 0006
SYNC_JOB_ID = "reminders:sync"
_FUNCS: dict[str, Any] = {
    "event-reminder": jobs.fire_event_reminder,
    "personal-reminder": jobs.fire_personal_reminder,
}


def make_scheduler(database_url: str, tz: ZoneInfo) -> AsyncIOScheduler:
    """The job store gets its own engine (it disposes of it when the scheduler shuts down)."""
    return AsyncIOScheduler(
        jobstores={
            "default": SQLAlchemyJobStore(
                engine=make_engine(database_url), tablename=JOBSTORE_TABLE
            ),
            "volatile": MemoryJobStore(),
        },
        executors={"default": AsyncIOExecutor()},
        job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        timezone=tz,
    )


class ReminderService:
    """Start and stop the reminders in the bot's event loop (PTB's post_init/post_shutdown)."""

    def __init__(
        self, runtime: ReminderRuntime, scheduler: AsyncIOScheduler, *, sync_seconds: float
    ) -> None:
        self.runtime = runtime
        self.scheduler = scheduler
        self.sync_seconds = sync_seconds
        self._busy = asyncio.Lock()  # one sync (or fire) at a time, and none during stop

    async def start(self) -> None:
        """Start the scheduler; the first sync runs at once (resuming what a crash cut short)."""
        jobs.install(self)
        await self.runtime.start()
        self.scheduler.start()
        self.scheduler.add_job(
            jobs.sync,
            "interval",
            seconds=self.sync_seconds,
            id=SYNC_JOB_ID,
            jobstore="volatile",
            replace_existing=True,
            next_run_time=dt.datetime.now(dt.UTC),
        )

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop firing jobs, let sends in flight finish; unfinished broadcasts resume next start."""
        self.runtime.request_stop()
        async with self._busy:  # a sync in progress ends its current step
            if self.scheduler.running:
                self.scheduler.shutdown(wait=False)
        await self.runtime.stop(timeout)
        jobs.uninstall(self)
        await asyncio.sleep(0)  # the scheduler shuts down on the loop's next turn

    async def sync(self) -> None:
        async with self._busy:
            try:
                await self.runtime.tick()
                if not self.runtime.closing:
                    self.apply_jobs(await self.runtime.jobs_wanted())
            except Exception:
                log.error("reminder sync failed; again in %s s", self.sync_seconds, exc_info=True)

    async def fire(self) -> None:
        async with self._busy:
            try:
                await self.runtime.process_due()
            except Exception:
                log.error("processing due reminders failed", exc_info=True)

    def apply_jobs(self, wanted: dict[str, dt.datetime]) -> None:
        existing = {
            job.id: job.next_run_time for job in self.scheduler.get_jobs(jobstore="default")
        }
        add, remove = plan_jobs(wanted, existing)
        for job_id in remove:
            with contextlib.suppress(JobLookupError):
                self.scheduler.remove_job(job_id, jobstore="default")
        for job_id, when in add.items():
            kind, _, number = job_id.partition(":")
            self.scheduler.add_job(
                _FUNCS[kind],
                "date",
                run_date=when,
                args=[int(number)],
                id=job_id,
                jobstore="default",
                replace_existing=True,
            )
        if add or remove:
            log.info("reminder jobs: %s scheduled, %s removed", len(add), len(remove))
