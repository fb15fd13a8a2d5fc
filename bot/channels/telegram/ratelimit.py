"""Outgoing requests within Telegram's limits, retried when Telegram or the network asks for it.

`AIORateLimiter` keeps the overall rate (about 30 messages a second) and group limits and retries
`RetryAfter`. On top of it this paces each private chat (one message a second) and retries
network errors with a short backoff. The pacing is done twice: a slot is reserved before the
overall limit (so a chat's second message rarely takes a place in the overall queue only to
wait), and again right before the request leaves, where a chat has one request in flight at a
time and the next leaves a full interval after the previous one was answered. Telegram counts
arrivals, and both the overall queue and the HTTP connection pool delay messages by different
amounts: a first message held back 0.9 s and a second one not held would otherwise reach
Telegram 0.1 s apart. An answer comes after its request arrived, so counting from the answer
keeps the interval at Telegram's end whatever happened on the way. Every request of the bot
passes through here, so the handoff relay and the reminders get the same limits without doing
anything.

A network error can be ambiguous: after a read timeout Telegram may have delivered the message.
An answer to a courier is retried anyway (a repeated answer beats a lost one); a send made inside
`at_most_once()` (a reminder broadcast, which must never arrive twice) is retried only when the
request surely did not get through: no connection, or an error status from the server.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from typing import Any

import aiohttp
import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
# Methods that put a message into a chat; only these are paced per chat.
SENDING_METHODS = frozenset(
    {
        "sendMessage", "copyMessage", "forwardMessage", "sendPhoto", "sendDocument", "sendVoice",
        "sendSticker", "sendVideo", "sendAudio", "sendAnimation", "sendLocation", "sendMediaGroup",
    }
)  # fmt: skip


_AT_MOST_ONCE: ContextVar[bool] = ContextVar("at_most_once", default=False)


@contextmanager
def at_most_once() -> Iterator[None]:
    """Within this block, requests are not retried after errors that may hide a delivery."""
    token = _AT_MOST_ONCE.set(True)
    try:
        yield
    finally:
        _AT_MOST_ONCE.reset(token)


def surely_not_delivered(exc: NetworkError) -> bool:
    """True when the request cannot have been carried out: no connection was made, or the
    server answered with an error status (PTB raises those without an HTTP library's cause).
    The bot speaks aiohttp (`request.py`); httpx's errors are PTB's default request's."""
    cause = exc.__cause__
    if isinstance(cause, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError):
        return True  # no connection, or none within the connect (and pool) timeout
    if isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return True
    return cause is None and not isinstance(exc, TimedOut)


class ChatPacer:
    """At least `interval` seconds between two messages to the same chat; waits, never drops."""

    def __init__(
        self,
        interval: float = 1.0,
        *,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = interval
        self._now = now
        self._sleep = sleep
        self._next_slot: dict[int | str, float] = {}

    async def wait(self, chat_id: int | str) -> None:
        now = self._now()
        slot = max(now, self._next_slot.get(chat_id, now))
        self._next_slot[chat_id] = slot + self._interval
        if len(self._next_slot) > 10_000:  # forget chats whose slot has passed
            self._next_slot = {c: t for c, t in self._next_slot.items() if t > now}
        if slot > now:
            await self._sleep(slot - now)

    def not_before(self, chat_id: int | str, at: float) -> None:
        """The chat's next message leaves at `at` or later."""
        self._next_slot[chat_id] = max(self._next_slot.get(chat_id, at), at)


class OneInFlight:
    """Per chat, one request at a time, each leaving at least `interval` after the previous one
    was answered (and so after it arrived)."""

    def __init__(
        self,
        interval: float = 1.0,
        *,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = interval
        self._now = now
        self._pacer = ChatPacer(interval, now=now, sleep=sleep)
        self._locks: dict[int | str, asyncio.Lock] = {}
        self._users: Counter[int | str] = Counter()

    @asynccontextmanager
    async def turn(self, chat_id: int | str) -> AsyncIterator[None]:
        self._users[chat_id] += 1
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        try:
            async with lock:
                await self._pacer.wait(chat_id)
                try:
                    yield
                finally:
                    self._pacer.not_before(chat_id, self._now() + self._interval)
        finally:
            self._users[chat_id] -= 1
            if not self._users[chat_id]:  # nobody else waits for this chat: forget its lock
                del self._users[chat_id], self._locks[chat_id]


class CourierRateLimiter(AIORateLimiter):
    def __init__(
        self,
        *,
        overall_max_rate: float = 30,
        per_chat_interval: float = 1.0,
        max_retries: int = 3,
        network_retries: int = 3,
        backoff: float = 0.5,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(overall_max_rate=overall_max_rate, max_retries=max_retries)
        self._pacer = ChatPacer(per_chat_interval, now=now, sleep=sleep)  # before the queue
        self._leaving = OneInFlight(per_chat_interval, now=now, sleep=sleep)  # as requests leave
        self._network_retries = network_retries
        self._backoff = backoff
        self._sleep = sleep

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        chat_id = data.get("chat_id")
        if endpoint in SENDING_METHODS and chat_id is not None:
            await self._pacer.wait(chat_id)
            callback = self._paced_on_leaving(chat_id, callback)
        for attempt in range(self._network_retries + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except (BadRequest, RetryAfter):
                raise  # our mistake, or RetryAfter beyond the parent's retries: retrying won't help
            except NetworkError as exc:
                retry_is_safe = surely_not_delivered(exc) or not _AT_MOST_ONCE.get()
                if attempt == self._network_retries or not retry_is_safe:
                    raise
                delay = self._backoff * 2**attempt
                log.warning("%s failed (%s); retry %d in %.1fs", endpoint, exc, attempt + 1, delay)
                await self._sleep(delay)
        raise AssertionError("unreachable")

    def _paced_on_leaving(
        self, chat_id: int | str, callback: Callable[..., Coroutine[Any, Any, JSONResult]]
    ) -> Callable[..., Coroutine[Any, Any, JSONResult]]:
        """`callback`, once the chat's previous request was answered at least the interval ago."""

        async def paced(*args: Any, **kwargs: Any) -> JSONResult:
            async with self._leaving.turn(chat_id):
                return await callback(*args, **kwargs)

        return paced
