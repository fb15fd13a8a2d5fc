"""How Telegram updates are scheduled: one at a time per chat, many chats at once.

`PerChatProcessor` runs updates of different chats concurrently but those of one chat in order,
so a courier's calculator answers never overtake each other. Claiming each update once and
slowing floods are the core's, for every channel (`bot.core.intake`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.core.understanding import Understanding


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
