"""The assembled core that every channel shares, as the composition root (`bot.app`) built it:
the services, the handoff, the dispatcher, the conversation and the reminders, with their
lifecycle (reminders and the handoff tick start once the channels' senders are known)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import Engine

from bot.core.accounts import Accounts
from bot.core.conversation import Conversation
from bot.core.dialogue import Dialogue
from bot.core.dispatch import Dispatcher
from bot.core.understanding import Understanding
from common.clock import Clock
from handoff.service import HandoffService
from knowledge.catalog import Catalog
from nlu.client import NLUClient
from reminders.config import ReminderConfig
from reminders.courier import CourierEvents
from reminders.runtime import Channel, ReminderRuntime
from reminders.schedule import ReminderService, make_scheduler
from storage.db import UnitOfWork

log = logging.getLogger(__name__)

TICK_SECONDS = 15.0  # how often waiting cases are announced, reminded and paged


@dataclass
class Services:
    engine: Engine
    uow: UnitOfWork
    catalog: Catalog
    nlu: NLUClient
    understanding: Understanding
    dialogue: Dialogue
    clock: Clock

    async def aclose(self) -> None:
        await self.nlu.aclose()
        self.engine.dispose()


TICK_SECONDS = 15.0  # how often waiting cases are announced, reminded and paged


@dataclass
class Reminders:
    """Events and reminders: the courier side now, the scheduler once channels are known."""

    config: ReminderConfig
    courier: CourierEvents
    service: ReminderService | None = None
    stopped: bool = False


@dataclass
class Core:
    """Everything channel-neutral, built once: a channel registers its outlet with
    `dispatcher`, hands what arrives to `conversation`, and gives `start` its reminder sender."""

    database_url: str  # the reminders' job store lives beside the data
    services: Services
    accounts: Accounts
    handoff: HandoffService
    dispatcher: Dispatcher
    conversation: Conversation
    reminders: Reminders
    tick_seconds: float = TICK_SECONDS
    # More daily jobs for the reminders' scheduler (the retention purge), added at start.
    scheduled: list[Callable[[AsyncIOScheduler], object]] = field(default_factory=list)
    _ticker: asyncio.Task[None] | None = field(default=None, repr=False)

    async def start(self, channels: Sequence[Channel]) -> None:
        """Start the reminders (delivered through `channels`) and the handoff tick."""
        if self.reminders.service is None:
            runtime = ReminderRuntime(
                uow=self.services.uow,
                clock=self.services.clock,
                config=self.reminders.config,
                channels=channels,
            )
            scheduler = make_scheduler(self.database_url, self.reminders.config.timezone)
            self.reminders.service = ReminderService(
                runtime, scheduler, sync_seconds=self.reminders.config.sync_seconds
            )
            await self.reminders.service.start()
            for install in self.scheduled:
                install(scheduler)
        if self._ticker is None:
            self._ticker = asyncio.create_task(self._tick_forever(), name="handoff-tick")

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(self.tick_seconds)
            try:
                await self.conversation.tick()
            except Exception:
                log.error("handoff tick failed", exc_info=True)

    async def stop_reminders(self, timeout: float = 10.0) -> None:
        """Let reminder sends in flight finish and be recorded (idempotent); unfinished
        broadcasts resume on the next start."""
        if self.reminders.stopped:
            return
        self.reminders.stopped = True
        if self.reminders.service is not None:
            await self.reminders.service.stop(timeout)

    async def aclose(self) -> None:
        await self.stop_reminders()
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        await self.services.aclose()
