"""The rate limiter, in virtual time: no real waiting."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
from collections.abc import Awaitable

import pytest

from reminders.limiter import RateLimiter
from tests.helpers.reminder_fakes import VirtualTime
from tests.standin.bot_api import max_in_window


async def send_now(limiter: RateLimiter, chat: str) -> float:
    """A send answered the moment it leaves; returns when it left."""
    async with limiter.sending(chat) as slot:
        pass
    return slot.at


class EventClock:
    """Virtual time for many tasks sleeping at once: sleepers wake in the order of their
    deadlines, and the clock jumps to each deadline once everything runnable has run."""

    def __init__(self) -> None:
        self.now = 0.0
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now + max(0.0, seconds), next(self._order), future))
        await future

    async def run(self, work: Awaitable[object]) -> None:
        task = asyncio.ensure_future(work)
        while not task.done():
            for _ in range(50):  # let every task that can run get to its next sleep
                await asyncio.sleep(0)
            if self._timers and not task.done():
                at, _, future = heapq.heappop(self._timers)
                self.now = max(self.now, at)
                future.set_result(None)
        task.result()


async def send_with_delays(
    clock: EventClock,
    limiter: RateLimiter,
    chats: list[str],
    delays: list[tuple[float, float]],
    workers: int = 8,
) -> list[float]:
    """Broadcast to `chats` with `workers` tasks; send n reaches the server delays[n][0] after
    it leaves and is answered delays[n][1] later. Returns the arrival times."""
    arrivals: list[float] = []
    queue = list(enumerate(chats))

    async def worker() -> None:
        while queue:
            n, chat = queue.pop(0)
            to_server, back = delays[n]
            async with limiter.sending(chat):
                await clock.sleep(to_server)
                arrivals.append(clock.time())
                await clock.sleep(back)

    await clock.run(asyncio.gather(*(worker() for _ in range(workers))))
    return arrivals


async def test_overall_rate_and_per_chat_gap_hold_under_concurrency() -> None:
    clock = VirtualTime()
    limiter = RateLimiter(25, chat_interval=1.0, time_source=clock.time, sleep=clock.sleep)
    sent: list[tuple[float, str]] = []

    async def worker(chats: list[str]) -> None:
        for chat in chats:
            sent.append((await send_now(limiter, chat), chat))

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
    times = [await send_now(limiter, str(n)) for n in range(500)]
    assert max_in_window(times) == 25
    assert 499 / (clock.time() - start) == pytest.approx(25, rel=0.01)  # no slot wasted


async def test_slow_first_sends_do_not_crowd_the_server_later() -> None:
    """The first sends of a broadcast open connections and take 0.4 s to arrive, the rest
    arrive at once. Counted only as they leave, the slow ones would land in the same second
    as a full second's worth of fast ones; counted until answered, they never do."""
    clock = EventClock()
    limiter = RateLimiter(25, time_source=clock.time, sleep=clock.sleep)
    delays = [(0.4, 0.001)] * 10 + [(0.001, 0.001)] * 290
    arrivals = await send_with_delays(clock, limiter, [str(n) for n in range(300)], delays)
    assert len(arrivals) == 300
    assert max_in_window(arrivals) <= 25
    assert 299 / (max(arrivals) - min(arrivals)) > 23  # the cost: one slow start


@pytest.mark.parametrize("seed", range(5))
async def test_no_second_at_the_server_holds_more_than_the_rate_whatever_the_delays(
    seed: int,
) -> None:
    rng = random.Random(seed)
    clock = EventClock()
    limiter = RateLimiter(25, time_source=clock.time, sleep=clock.sleep)
    delays = [(rng.uniform(0, 0.3), rng.uniform(0, 0.1)) for _ in range(400)]
    for n in rng.sample(range(400), 20):  # now and then a request stalls
        delays[n] = (rng.uniform(0.5, 2.0), rng.uniform(0, 0.5))
    arrivals = await send_with_delays(
        clock, limiter, [str(n) for n in range(400)], delays, workers=16
    )
    assert len(arrivals) == 400
    assert max_in_window(arrivals) <= 25
    assert 399 / (max(arrivals) - min(arrivals)) > 18  # about 25 / (1 + the mean round trip)


async def test_sends_in_flight_count_until_answered() -> None:
    """40 workers whose requests hang for 5 s: only 25 leave; the rest wait for answers."""
    clock = EventClock()
    limiter = RateLimiter(25, time_source=clock.time, sleep=clock.sleep)
    left: list[float] = []
    in_flight = most = 0

    async def hang(chat: str) -> None:
        nonlocal in_flight, most
        async with limiter.sending(chat) as slot:
            left.append(slot.at)
            in_flight += 1
            most = max(most, in_flight)
            await clock.sleep(5.0)
            in_flight -= 1

    await clock.run(asyncio.gather(*(hang(str(n)) for n in range(40))))
    assert most == 25
    assert sorted(left)[25] >= 5.0 + 1.0  # the 26th leaves a window after the first answer


async def test_a_slot_never_finished_stops_counting_after_stale_after() -> None:
    clock = EventClock()
    limiter = RateLimiter(2, stale_after=30.0, time_source=clock.time, sleep=clock.sleep)
    times: list[float] = []

    async def leak_two_then_send() -> None:
        for chat in ("a", "b"):  # slots taken and never finished (a caller's bug)
            async with limiter.slot(chat):
                pass
        times.append(await send_now(limiter, "c"))

    await clock.run(leak_two_then_send())
    assert 30.0 <= times[0] < 31.0


async def test_a_slot_given_back_does_not_count() -> None:
    clock = VirtualTime()
    limiter = RateLimiter(25, time_source=clock.time, sleep=clock.sleep)
    for n in range(100):
        async with limiter.slot(str(n)) as slot:
            slot.give_back()
    start = clock.time()
    times = [await send_now(limiter, str(n)) for n in range(25)]
    assert times[-1] - start < 1.0


async def test_a_late_wake_up_catches_up_without_breaking_the_cap() -> None:
    clock = VirtualTime()

    async def oversleep(seconds: float) -> None:  # every sleep wakes 5 ms late
        await clock.sleep(seconds + 0.005)

    limiter = RateLimiter(25, time_source=clock.time, sleep=oversleep)
    start = clock.time()
    times = [await send_now(limiter, str(n)) for n in range(500)]
    assert max_in_window(times) <= 25
    assert 499 / (clock.time() - start) > 24.5


async def test_pause_holds_everyone() -> None:
    clock = VirtualTime()
    limiter = RateLimiter(25, time_source=clock.time, sleep=clock.sleep)
    first = await send_now(limiter, "a")
    limiter.pause(7.5)
    second = await send_now(limiter, "b")
    assert second - first >= 7.5
