"""Outgoing rate limits: at most `rate` messages in any one second in all, and a gap of
`chat_interval` between two messages to the same chat. Time and sleep are injected, so tests
run in virtual time.

Two rules together. Sends are spaced 1/rate apart (a token bucket holding one token, GCRA),
with `tolerance` seconds of slack so a send that woke up late does not lose its slot for good;
and a hard cap: never more than `rate` sends in the last second (a window of send times).
The spacing keeps the flow smooth, the cap makes the limit hold in every one-second window.
`window` longer than a second leaves room for the hop to the server: a send is counted when it
leaves, the server counts it when it arrives, and arrival delays vary (see the Telegram sender).
Acquisitions are served in order under one lock; a flood-control answer pauses everyone.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

TimeSource = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Slot:
    """One send's place in the limits; unused slots do not count."""

    __slots__ = ("at", "used")

    def __init__(self) -> None:
        self.used = True
        self.at = 0.0

    def give_back(self) -> None:
        self.used = False


class RateLimiter:
    def __init__(
        self,
        rate: float = 25.0,
        *,
        chat_interval: float = 1.0,
        window: float = 1.0,
        tolerance: float | None = None,
        time_source: TimeSource = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate < 1 or window < 1.0:
            raise ValueError("rate must be at least 1 message a second, window at least 1 s")
        self.window = window  # at most `rate` sends in any `window` seconds
        self.interval = window / rate
        self.tolerance = self.interval if tolerance is None else tolerance
        self.chat_interval = chat_interval
        self.time = time_source
        self.sleep = sleep
        self._lock = asyncio.Lock()
        self._due = 0.0  # the theoretical time of the next send
        self._recent: deque[float] = deque(maxlen=math.floor(rate))
        self._next_chat: dict[str, float] = {}
        self._paused_until = 0.0

    @asynccontextmanager
    async def slot(self, chat_ref: str) -> AsyncIterator[Slot]:
        """Wait for a slot for `chat_ref`; the body runs while holding it (the broadcaster claims
        its record there), and the send counts from when the body ends, so the limits hold at
        the moment the message really leaves. `slot.give_back()` leaves it unused."""
        async with self._lock:
            while True:
                now = self.time()
                ready = max(
                    self._due - self.tolerance,
                    self._next_chat.get(chat_ref, 0.0),
                    self._paused_until,
                    self._window_ready(),
                )
                if ready <= now:
                    break
                await self.sleep(ready - now)
            taken = Slot()
            yield taken
            if taken.used:
                taken.at = self.time()
                self._due = max(self._due, taken.at) + self.interval
                self._recent.append(taken.at)
                self._next_chat[chat_ref] = taken.at + self.chat_interval
                self._forget_old(taken.at)

    async def acquire(self, chat_ref: str) -> float:
        """Wait until a message to `chat_ref` may go, and take the slot; returns its time."""
        async with self.slot(chat_ref) as taken:
            pass
        return taken.at

    def pause(self, seconds: float) -> None:
        """Flood control: nothing goes out for `seconds` (Telegram's retry_after)."""
        self._paused_until = max(self._paused_until, self.time() + seconds)

    def _window_ready(self) -> float:
        if len(self._recent) < (self._recent.maxlen or 1):
            return 0.0
        return self._recent[0] + self.window

    def _forget_old(self, now: float) -> None:
        if len(self._next_chat) > 4096:
            self._next_chat = {chat: t for chat, t in self._next_chat.items() if t > now}
