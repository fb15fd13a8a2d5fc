"""Outgoing rate limits: at most `rate` messages in any one second in all, and a gap of
`chat_interval` between two messages to the same chat. Time and sleep are injected, so tests
run in virtual time.

Two rules together. Sends are spaced 1/rate apart (a token bucket holding one token, GCRA),
with `tolerance` seconds of slack so a send that woke up late does not lose its slot for good;
and a hard cap that holds where the server counts. The server stamps a message when it
arrives, somewhere between the moment it left and the moment its answer came back, and the
time on the way varies (a first request opens a connection, a busy machine reads late). So a
send counts against the window from when it leaves until a `window` after its answer, and one
still in flight counts all along. A new send may leave only while fewer than `rate` sends
count: then any `window` seconds of arrivals hold at most `rate`, whatever the delays were.
Acquisitions are served in order under one lock; a flood-control answer pauses everyone.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

log = logging.getLogger(__name__)

TimeSource = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Slot:
    """One send's place in the limits: from when it leaves (`at`) until its answer (`ended`).
    Unused slots do not count; a slot never finished counts until `stale_after`."""

    __slots__ = ("_time", "at", "ended", "used")

    def __init__(self, time_source: TimeSource) -> None:
        self._time = time_source
        self.used = True
        self.at = 0.0
        self.ended: float | None = None

    def give_back(self) -> None:
        self.used = False

    def finish(self) -> None:
        """The answer came (or the send gave up): the send counts a window longer."""
        if self.ended is None:
            self.ended = self._time()


class RateLimiter:
    def __init__(
        self,
        rate: float = 25.0,
        *,
        chat_interval: float = 1.0,
        window: float = 1.0,
        tolerance: float | None = None,
        stale_after: float = 120.0,
        time_source: TimeSource = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate < 1 or window < 1.0:
            raise ValueError("rate must be at least 1 message a second, window at least 1 s")
        self.window = window  # at most `rate` arrivals in any `window` seconds
        self.cap = math.floor(rate)
        self.interval = window / rate
        self.tolerance = self.interval if tolerance is None else tolerance
        self.stale_after = stale_after  # longer than any request with its retries takes
        self.chat_interval = chat_interval
        self.time = time_source
        self.sleep = sleep
        self._lock = asyncio.Lock()
        self._due = 0.0  # the theoretical time of the next send
        self._counted: list[Slot] = []  # sends in flight or answered within the window
        self._next_chat: dict[str, float] = {}
        self._paused_until = 0.0

    @asynccontextmanager
    async def slot(self, chat_ref: str) -> AsyncIterator[Slot]:
        """Wait for a slot for `chat_ref`; the body runs while holding it (the broadcaster claims
        its record there), and the send leaves when the body ends. The caller sends after
        that and calls `slot.finish()` when the answer came; `sending()` does both.
        `slot.give_back()` in the body leaves the slot unused."""
        async with self._lock:
            while True:
                now = self.time()
                window_ready = self._window_ready(now)
                if window_ready is None:  # `rate` sends in flight: wait for an answer
                    await self.sleep(self.interval)
                    continue
                ready = max(
                    self._due - self.tolerance,
                    self._next_chat.get(chat_ref, 0.0),
                    self._paused_until,
                    window_ready,
                )
                if ready <= now:
                    break
                await self.sleep(ready - now)
            taken = Slot(self.time)
            yield taken
            if taken.used:
                taken.at = self.time()
                self._due = max(self._due, taken.at) + self.interval
                self._counted.append(taken)
                self._next_chat[chat_ref] = taken.at + self.chat_interval
                self._forget_old(taken.at)

    @asynccontextmanager
    async def sending(self, chat_ref: str) -> AsyncIterator[Slot]:
        """A slot for one send made in the body: it counts until the body ends."""
        async with self.slot(chat_ref) as taken:
            pass
        try:
            yield taken
        finally:
            taken.finish()

    def pause(self, seconds: float) -> None:
        """Flood control: nothing goes out for `seconds` (Telegram's retry_after)."""
        self._paused_until = max(self._paused_until, self.time() + seconds)

    def _window_ready(self, now: float) -> float | None:
        """When fewer than `cap` sends will count, or None while too many are in flight."""
        self._counted = [slot for slot in self._counted if self._counts(slot, now)]
        excess = len(self._counted) - self.cap + 1
        if excess <= 0:
            return 0.0
        ends = sorted(slot.ended for slot in self._counted if slot.ended is not None)
        if excess > len(ends):
            return None
        return ends[excess - 1] + self.window

    def _counts(self, slot: Slot, now: float) -> bool:
        if slot.ended is not None:
            return slot.ended > now - self.window
        if slot.at > now - self.stale_after:
            return True
        log.warning("a send has had no answer for %.0f s; no longer counted", now - slot.at)
        return False

    def _forget_old(self, now: float) -> None:
        if len(self._next_chat) > 4096:
            self._next_chat = {chat: t for chat, t in self._next_chat.items() if t > now}
