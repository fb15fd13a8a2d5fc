"""Incoming updates: once each, in order per chat, floods slowed; outgoing pacing and retries."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import pytest
from telegram import Chat, Message, Update
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.channels.telegram.ratelimit import ChatPacer, CourierRateLimiter, at_most_once
from bot.channels.telegram.updates import PerChatProcessor


class Ticker:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, "private")
    message = Message(update_id, dt.datetime(2026, 11, 29, tzinfo=dt.UTC), chat, text="hi")
    return Update(update_id, message=message)


async def test_per_chat_processor_keeps_order_within_a_chat_and_overlaps_chats() -> None:
    processor = PerChatProcessor(16)
    events: list[str] = []

    async def work(name: str, delay: float) -> None:
        events.append(f"start {name}")
        await asyncio.sleep(delay)
        events.append(f"end {name}")

    async with processor:
        await asyncio.gather(
            processor.process_update(_update(1, 7), work("a1", 0.05)),
            processor.process_update(_update(2, 7), work("a2", 0.0)),
            processor.process_update(_update(3, 8), work("b1", 0.0)),
        )
    # a2 never starts before a1 ends; b1 (another chat) runs while a1 waits.
    assert events.index("end a1") < events.index("start a2")
    assert events.index("end b1") < events.index("end a1")
    assert processor._locks == {}  # no lock left behind for idle chats


async def test_chat_pacer_spaces_messages_to_one_chat_by_the_interval() -> None:
    ticker = Ticker()
    pacer = ChatPacer(1.0, now=ticker, sleep=ticker.sleep)
    await pacer.wait(5)
    await pacer.wait(6)  # another chat does not wait
    await pacer.wait(5)
    await pacer.wait(5)
    assert ticker.slept == [1.0, 1.0]


class FlakyCallback:
    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.calls = 0

    async def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return {"ok": True}


async def test_rate_limiter_retries_network_errors_then_succeeds() -> None:
    ticker = Ticker()
    limiter = CourierRateLimiter(network_retries=3, backoff=0.5, now=ticker, sleep=ticker.sleep)
    await limiter.initialize()
    callback = FlakyCallback([NetworkError("reset"), NetworkError("reset")])
    result = await limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert result == {"ok": True}
    assert callback.calls == 3
    # Backoff 0.5 s; then 0.5 s more, since a failed attempt may have arrived and the chat gets
    # one message a second; then backoff 1 s, by which time the chat's second has passed.
    assert ticker.slept == [0.5, 0.5, 1.0]
    await limiter.shutdown()


async def test_rate_limiter_gives_up_after_its_retries_and_never_retries_bad_requests() -> None:
    ticker = Ticker()
    limiter = CourierRateLimiter(network_retries=2, sleep=ticker.sleep)
    await limiter.initialize()
    broken = FlakyCallback([NetworkError("down")] * 5)
    with pytest.raises(NetworkError):
        await limiter.process_request(broken, (), {}, "sendMessage", {"chat_id": 2}, None)
    assert broken.calls == 3
    bad = FlakyCallback([BadRequest("can't parse entities")])
    with pytest.raises(BadRequest):
        await limiter.process_request(bad, (), {}, "sendMessage", {"chat_id": 3}, None)
    assert bad.calls == 1
    await limiter.shutdown()


async def test_a_chat_is_paced_by_when_its_messages_leave_not_when_they_queue() -> None:
    """The overall limit holds the first message back 0.9 s and lets the second straight
    through: the second still leaves a full second after the first."""
    ticker = Ticker()
    limiter = CourierRateLimiter(now=ticker, sleep=ticker.sleep)
    await limiter.initialize()
    queued = iter([0.9, 0.0])  # time spent behind other chats for Telegram's overall limit
    run_request = limiter._run_request

    async def behind_the_overall_limit(*args: Any, **kwargs: Any) -> Any:
        ticker.now += next(queued)
        return await run_request(*args, **kwargs)

    limiter._run_request = behind_the_overall_limit  # type: ignore[method-assign]
    left: list[float] = []

    async def send(*args: Any, **kwargs: Any) -> dict[str, Any]:
        left.append(ticker.now)
        return {"ok": True}

    for _ in range(2):
        await limiter.process_request(send, (), {}, "sendMessage", {"chat_id": 7}, None)
    assert left == [0.9, 1.9]
    await limiter.shutdown()


async def test_a_chat_waits_a_full_interval_after_its_previous_message_was_answered() -> None:
    """A first message that took 0.8 s on the way (a busy connection pool) and arrived late:
    the second leaves a second after its answer, not a second after it left."""
    ticker = Ticker()
    limiter = CourierRateLimiter(now=ticker, sleep=ticker.sleep)
    await limiter.initialize()
    left: list[float] = []

    async def slow_then_quick(*args: Any, **kwargs: Any) -> dict[str, Any]:
        left.append(ticker.now)
        if len(left) == 1:
            ticker.now += 0.8
        return {"ok": True}

    for _ in range(2):
        await limiter.process_request(slow_then_quick, (), {}, "sendMessage", {"chat_id": 8}, None)
    assert left == [0.0, 1.8]
    await limiter.shutdown()


async def test_one_request_in_flight_per_chat_other_chats_go_on() -> None:
    limiter = CourierRateLimiter(per_chat_interval=0.0)
    await limiter.initialize()
    answer = asyncio.Event()
    calls: list[str] = []

    def send(name: str) -> Any:
        async def callback(*args: Any, **kwargs: Any) -> dict[str, Any]:
            calls.append(name)
            if name == "first":
                await answer.wait()
            return {"ok": True}

        return callback

    def request(name: str, chat: int) -> asyncio.Task[Any]:
        return asyncio.create_task(
            limiter.process_request(send(name), (), {}, "sendMessage", {"chat_id": chat}, None)
        )

    first, second, elsewhere = request("first", 9), request("second", 9), request("other", 10)
    await asyncio.wait_for(elsewhere, timeout=5)
    assert calls == ["first", "other"]  # the second message to chat 9 waits for the first
    answer.set()
    await asyncio.wait_for(asyncio.gather(first, second), timeout=5)
    assert calls == ["first", "other", "second"]
    await limiter.shutdown()


def _caused(error: NetworkError, cause: Exception) -> NetworkError:
    error.__cause__ = cause
    return error


async def test_at_most_once_sends_retry_only_what_surely_did_not_get_through() -> None:
    ticker = Ticker()
    limiter = CourierRateLimiter(network_retries=3, sleep=ticker.sleep)
    await limiter.initialize()
    refused = FlakyCallback([_caused(NetworkError("refused"), httpx.ConnectError("refused"))])
    with at_most_once():
        assert await limiter.process_request(refused, (), {}, "sendMessage", {"chat_id": 4}, None)
    assert refused.calls == 2  # never connected: retried
    read_timeout = FlakyCallback([_caused(TimedOut(), httpx.ReadTimeout("slow"))])
    with at_most_once(), pytest.raises(TimedOut):
        await limiter.process_request(read_timeout, (), {}, "sendMessage", {"chat_id": 5}, None)
    assert read_timeout.calls == 1  # may have been delivered: not sent again
    # Outside the block, an answer to a courier is retried even then.
    answer = FlakyCallback([_caused(TimedOut(), httpx.ReadTimeout("slow"))])
    assert await limiter.process_request(answer, (), {}, "sendMessage", {"chat_id": 6}, None)
    assert answer.calls == 2
    await limiter.shutdown()


def _text_update(update_id: int, chat_id: int, text: str) -> Update:
    chat = Chat(chat_id, "private")
    message = Message(update_id, dt.datetime(2026, 11, 29, tzinfo=dt.UTC), chat, text=text)
    return Update(update_id, message=message)


async def test_a_crisis_message_skips_its_chats_backlog() -> None:
    processor = PerChatProcessor(4)
    done: list[str] = []
    release = asyncio.Event()

    async def slow(name: str) -> None:
        await release.wait()
        done.append(name)

    async def quick(name: str) -> None:
        done.append(name)

    async with processor:
        backlog = [
            asyncio.create_task(
                processor.process_update(_text_update(i, 9, "问个事"), slow(f"q{i}"))
            )
            for i in range(3)
        ]
        await asyncio.sleep(0)
        await processor.process_update(_text_update(9, 9, "我不想活了"), quick("crisis"))
        assert done == ["crisis"]  # answered while three earlier messages still wait
        release.set()
        await asyncio.gather(*backlog)


async def test_one_flooding_chat_does_not_hold_the_slots_other_chats_need() -> None:
    processor = PerChatProcessor(2)
    release = asyncio.Event()
    done: list[str] = []

    async def slow() -> None:
        await release.wait()

    async def quick() -> None:
        done.append("other chat")

    async with processor:
        flood = [
            asyncio.create_task(processor.process_update(_text_update(i, 5, "hi"), slow()))
            for i in range(10)
        ]
        await asyncio.sleep(0)
        await asyncio.wait_for(processor.process_update(_text_update(99, 6, "hi"), quick()), 1)
        assert done == ["other chat"]
        release.set()
        await asyncio.gather(*flood)
