"""The rate limiter, in virtual time: no real waiting."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from reminders.limiter import RateLimiter
from tests.helpers.reminder_fakes import VirtualTime
from tests.standin.bot_api import max_in_window


async def test_overall_rate_and_per_chat_gap_hold_under_concurrency() -> None:
    clock = VirtualTime()
    limiter = RateLimiter(25, chat_interval=1.0, time_source=clock.time, sleep=clock.sleep)
    sent: list[tuple[float, str]] = []

    async def worker(chats: list[str]) -> None:
        for chat in chats:
            sent.append((await limiter.acquire(chat), chat))

    chats = [f"c{n % 7}" for n in range(300)]  # seven chats, many messages to each
    await asyncio.gather(*(worker(chats[i::8]) for i in range(8)))
    assert len(sent) == 300
    assert max_in_window([t for t, _ in sent]) <= 25
    for chat in {c for _, c in sent}:
        times = sorted(t for t, c in sent if c == chat)
        assert all(b - a >= 1.0 - 1e-9 for a, b in itertools.pairwise(times))


async def test_many_chats_go_at_the_full_rate() -> None:
    clock = VirtualTime()
    limiter = RateLimiter(25, time_source=clock.time, sleep=clock.sleep)
    start = clock.time()
    times = [await limiter.acquire(str(n)) for n in range(500)]
    assert max_in_window(times) == 25
    assert 499 / (clock.time() - start) == pytest.approx(25, rel=0.01)  # no slot wasted


async def test_a_longer_window_leaves_room_for_uneven_arrival() -> None:
    """25 in any 1.05 s as sent: whatever each send's delay to the server (up to 50 ms), the
    server never sees more than 25 in one second."""
    clock = VirtualTime()
    limiter = RateLimiter(25, window=1.05, time_source=clock.time, sleep=clock.sleep)
    times = [await limiter.acquire(str(n)) for n in range(500)]
    assert max_in_window(times, window=1.05) == 25
    delays = itertools.cycle([0.05, 0.0, 0.03, 0.01, 0.0, 0.05, 0.02])
    assert max_in_window(sorted(t + d for t, d in zip(times, delays, strict=False))) <= 25
    assert 499 / (times[-1] - times[0]) == pytest.approx(25 / 1.05, rel=0.01)


async def test_a_late_wake_up_catches_up_without_breaking_the_cap() -> None:
    clock = VirtualTime()

    async def oversleep(seconds: float) -> None:  # every sleep wakes 5 ms late
        await clock.sleep(seconds + 0.005)

    limiter = RateLimiter(25, time_source=clock.time, sleep=oversleep)
    start = clock.time()
    times = [await limiter.acquire(str(n)) for n in range(500)]
    assert max_in_window(times) <= 25
    assert 499 / (clock.time() - start) > 24.5


async def test_pause_holds_everyone() -> None:
    clock = VirtualTime()
    limiter = RateLimiter(25, time_source=clock.time, sleep=clock.sleep)
    first = await limiter.acquire("a")
    limiter.pause(7.5)
    second = await limiter.acquire("b")
    assert second - first >= 7.5
