"""How updates come in: once each, one at a time per chat, many chats at once, floods slowed.

- `PerChatProcessor` runs updates of different chats concurrently but those of one chat in
  order, so a courier's calculator answers never overtake each other.
- `UpdateLog` records update ids in the database: Telegram delivers unconfirmed updates again
  after a restart, and a recorded id is skipped.
- `FloodGuard` notices a courier sending faster than a person types and slows them down.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.core.understanding import Understanding
from storage.db import UnitOfWork
from storage.models import ProcessedUpdate


def chat_key(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


def _text_of(update: object) -> str:
    if isinstance(update, Update) and update.effective_message is not None:
        message = update.effective_message
        return message.text or message.caption or ""
    return ""


class PerChatProcessor(BaseUpdateProcessor):
    """Up to `max_concurrent_updates` updates at once; those of one chat strictly in order.

    The chat's lock is taken before a concurrency slot, so one flooding chat queues behind its
    own lock without holding slots every other chat needs. A message the crisis check flags
    skips its chat's queue: the hotlines never wait behind a backlog.
    """

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(2**31 - 1)  # PTB's own cap would be taken before the chat lock
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is None or Understanding.crisis_in(_text_of(update)) is not None:
            async with self._slots:
                await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if self._waiting[key] == 0:  # nobody else queued for this chat: drop its lock
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


class UpdateLog:
    """Claim an update id before handling it. A claimed id is never handled again: a crash in
    the middle loses that one update rather than answering a courier twice."""

    CHANNEL = "telegram"

    def __init__(self, uow: UnitOfWork, now: Callable[[], dt.datetime]) -> None:
        self._uow = uow
        self._now = now

    def claim(self, update_id: int) -> bool:
        try:
            with self._uow() as session:  # a plain INSERT: no ORM object to track and flush
                session.execute(
                    insert(ProcessedUpdate).values(
                        channel=self.CHANNEL, update_id=update_id, received_at=self._now()
                    )
                )
        except IntegrityError:
            return False
        return True


@dataclass(frozen=True, slots=True)
class FloodVerdict:
    delay: float  # seconds to wait before handling this message
    notify: bool  # tell the courier, once per burst, that we are slowing down
    drop: bool  # far too many: do not handle (the crisis check still runs on it)


class FloodGuard:
    """A sliding window per chat. Over `soft` messages in `window` seconds, each further message
    waits `delay` seconds (nothing is lost); over `hard`, further messages are dropped politely."""

    def __init__(
        self,
        *,
        soft: int = 8,
        hard: int = 30,
        window: float = 10.0,
        delay: float = 1.0,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._soft, self._hard, self._window, self._delay = soft, hard, window, delay
        self._now = now
        self._seen: dict[int, deque[float]] = {}
        self._notified: dict[int, float] = {}

    def check(self, chat_id: int) -> FloodVerdict:
        now = self._now()
        times = self._seen.setdefault(chat_id, deque())
        while times and now - times[0] > self._window:
            times.popleft()
        times.append(now)
        if len(self._seen) > 10_000:
            self._forget_idle(now)
        count = len(times)
        if count <= self._soft:
            return FloodVerdict(delay=0.0, notify=False, drop=False)
        notify = now - self._notified.get(chat_id, -1e9) > self._window
        if notify:
            self._notified[chat_id] = now
        return FloodVerdict(delay=self._delay, notify=notify, drop=count > self._hard)

    def _forget_idle(self, now: float) -> None:
        for chat_id in [c for c, t in self._seen.items() if not t or now - t[-1] > self._window]:
            del self._seen[chat_id]
            self._notified.pop(chat_id, None)
