"""What runs inside the bot: decide what is due, start broadcasts, resume them after a crash.

`tick()` is the whole job: reconcile the reminder rows with the events, then act on what is due
at `clock.now()`. APScheduler only decides *when* to call it (see `schedule`); every decision
is made here from the database and the injected clock, so a restart acts as the running bot
would have, and tests step a `FixedClock` instead of waiting.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from common.clock import Clock
from reminders.broadcaster import Broadcaster, Item, RetryPolicy
from reminders.config import ReminderConfig
from reminders.deliveries import EventLedger, PersonalLedger
from reminders.limiter import RateLimiter
from reminders.plan import Verdict, resume_verdict
from reminders.reconcile import ReconcileResult
from reminders.sender import Outcome, Sender
from reminders.steps import Snapshot, Steps
from reminders.texts import Texts
from storage.db import UnitOfWork

log = logging.getLogger(__name__)
RunDb = Callable[..., Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class Channel:
    """One way to reach couriers: users whose `channel` is `name` get messages through it."""

    name: str
    sender: Sender
    limiter: RateLimiter
    # The platform drops a repeated send with the same idempotency key (WeChat's
    # client_msg_id, ten minutes): a send cut off by a crash is repeated instead of lost.
    repeat_safe: bool = False


async def _in_thread(func: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.to_thread(func, *args)


class ReminderRuntime:
    def __init__(
        self,
        *,
        uow: UnitOfWork,
        clock: Clock,
        config: ReminderConfig,
        channels: Sequence[Channel],
        texts: Texts | None = None,
        retry: RetryPolicy | None = None,
        run_db: RunDb | None = None,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.config = config
        self.channels = {channel.name: channel for channel in channels}
        self.texts = texts or Texts(config.timezone, config.campaign)
        self.steps = Steps(
            uow,
            config,
            self.texts,
            tuple(self.channels),
            repeat_safe=tuple(c.name for c in channels if c.repeat_safe),
        )
        self.retry = retry or RetryPolicy()
        self._db: RunDb = run_db or _in_thread
        self._lock = asyncio.Lock()
        self._active: dict[int, asyncio.Task[None]] = {}
        self._running: dict[int, list[Broadcaster]] = {}
        self._personal: dict[int, asyncio.Task[None]] = {}
        self._closing = False

    # --- the loop ---------------------------------------------------------------------------

    async def start(self) -> None:
        """After a (re)start: personal reminders left `sending` may have gone out; never resend."""
        self._closing = False
        count = await self._db(self.steps.personal_stale_to_unknown)
        if count:
            log.warning("%s personal reminders were interrupted while sending; not resent", count)

    async def tick(self) -> ReconcileResult:
        """Reconcile with the events table, then send what is due."""
        if self._closing:
            return ReconcileResult()
        result = ReconcileResult()
        try:
            result = await self._db(self.steps.reconcile, self.clock.now())
        except IntegrityError:  # another process reconciled the same rows at the same time
            log.warning("reconcile raced with another writer; again at the next sync")
        await self.process_due()
        return result

    async def process_due(self) -> None:
        async with self._lock:
            if self._closing:
                return
            now = self.clock.now()
            snap: Snapshot = await self._db(self.steps.snapshot, now)
            for reminder_id, verdict in snap.verdicts.items():
                if verdict in (Verdict.MISSED, Verdict.SUPERSEDED):
                    await self._db(self.steps.drop, reminder_id, verdict, now)
                elif verdict is Verdict.SEND:
                    count = await self._db(self.steps.open, reminder_id, now)
                    if count is not None:
                        log.info("reminder %s: sending to %s couriers", reminder_id, count)
                        self._launch(reminder_id)
            for reminder_id, expires_at in snap.broadcasting:
                if reminder_id in self._active:
                    continue
                if resume_verdict(expires_at, now) is Verdict.SEND:
                    lost = await self._db(self.steps.prepare_resume, reminder_id, now)
                    log.warning(
                        "reminder %s: resuming an interrupted broadcast (%s in-flight sends are "
                        "not repeated)", reminder_id, lost,
                    )  # fmt: skip
                    self._launch(reminder_id)
                else:
                    await self._db(self.steps.expire, reminder_id, now)
            for personal_id, state in snap.personal_drop.items():
                await self._db(self.steps.drop_personal, personal_id, state)
            for personal_id, channel, chat_ref, html in snap.personal_send:
                if personal_id not in self._personal:
                    self._launch_personal(personal_id, channel, chat_ref, html)

    async def wait_idle(self) -> None:
        """Wait for every broadcast and personal send started so far (tests, shutdown)."""
        while self._active or self._personal:
            await asyncio.gather(
                *self._active.values(), *self._personal.values(), return_exceptions=True
            )

    async def stop(self, timeout: float = 10.0) -> None:
        """Start nothing new; let sends in flight finish and be recorded; cancel after `timeout`.
        Broadcasts not finished stay `broadcasting` and resume on the next start."""
        self.request_stop()
        tasks = [*self._active.values(), *self._personal.values()]
        if not tasks:
            return
        _done, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def request_stop(self) -> None:
        """Start nothing new and tell running broadcasts to stop after their sends in flight."""
        self._closing = True
        for broadcasters in self._running.values():
            for broadcaster in broadcasters:
                broadcaster.stop()

    @property
    def closing(self) -> bool:
        return self._closing

    async def jobs_wanted(self) -> dict[str, dt.datetime]:
        wanted: dict[str, dt.datetime] = await self._db(self.steps.wanted_jobs, self.clock.now())
        return wanted

    def running(self) -> list[int]:
        return sorted(self._active)

    # --- broadcasts -------------------------------------------------------------------------

    def _broadcaster(self, channel: Channel, workers: int) -> Broadcaster:
        return Broadcaster(
            channel.sender, channel.limiter, workers=workers, retry=self.retry, run_db=self._db
        )

    def _launch(self, reminder_id: int) -> None:
        task = asyncio.create_task(self._broadcast(reminder_id), name=f"reminder-{reminder_id}")
        self._active[reminder_id] = task

    async def _broadcast(self, reminder_id: int) -> None:
        try:
            text: str = await self._db(self.steps.text_of, reminder_id)
            broadcasters = {
                name: self._broadcaster(channel, self.config.workers)
                for name, channel in self.channels.items()
            }
            self._running[reminder_id] = list(broadcasters.values())
            await asyncio.gather(
                *(
                    self._channel_pass(reminder_id, name, b, text)
                    for name, b in broadcasters.items()
                )
            )
            if self._closing or any(b.stopping for b in broadcasters.values()):
                return  # shutting down (resumed on start) or withdrawn (nothing more to do)
            report: str | None = await self._db(self.steps.finish, reminder_id, self.clock.now())
            if report:
                await self.notify_admins(report)
        except Exception:
            log.error("reminder %s: broadcast failed; it resumes on a later tick", reminder_id,
                      exc_info=True)  # fmt: skip
        finally:
            self._active.pop(reminder_id, None)
            self._running.pop(reminder_id, None)

    async def _channel_pass(
        self, reminder_id: int, channel: str, broadcaster: Broadcaster, text: str
    ) -> None:
        rows: list[tuple[int, str]] = await self._db(self.steps.pending, reminder_id, channel)
        items = [Item(key, chat_ref, text, reminder_id) for key, chat_ref in rows]
        await broadcaster.deliver(items, EventLedger(self.uow, self.clock, reminder_id))

    def _launch_personal(self, personal_id: int, channel: str, chat_ref: str, html: str) -> None:
        async def run() -> None:
            try:
                chosen = self.channels[channel]
                broadcaster = self._broadcaster(chosen, 1)
                await broadcaster.deliver(
                    [Item(personal_id, chat_ref, html)], PersonalLedger(self.uow, self.clock)
                )
            except Exception:
                log.error("personal reminder %s failed", personal_id, exc_info=True)
            finally:
                self._personal.pop(personal_id, None)

        self._personal[personal_id] = asyncio.create_task(run(), name=f"personal-{personal_id}")

    async def notify_admins(self, html: str) -> None:
        """Send a report to the administrators (through the Telegram channel, else the first)."""
        channel = self.channels.get("telegram") or next(iter(self.channels.values()), None)
        if channel is None:
            return
        for chat in self.config.admin_chats:
            try:
                async with channel.limiter.sending(chat):
                    outcome = await channel.sender.send(chat, html)
            except Exception:
                log.error("report to admin %s failed", chat, exc_info=True)
                continue
            if outcome.kind is not Outcome.SENT:
                log.warning("report to admin %s: %s %s", chat, outcome.kind, outcome.detail)
