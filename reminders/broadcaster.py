"""Fan one message (or many) out to many chats: limited, retried, recorded, at most once each.

For every item: wait for a slot in the limiter, claim the item's record (committed) while
holding the slot, send, record the outcome. The claim comes after the wait so that the window
in which a crash leaves a record "sending" (sent or not, nobody knows) is only as long as one
send; and the limiter counts the send from the end of the claim, when it really leaves. Such
records are never sent again (see `deliveries`). A stop request lets every send in flight
finish and be recorded, so a graceful shutdown loses nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar

from reminders.limiter import RateLimiter, Sleep
from reminders.sender import Outcome, Sender, SendOutcome

log = logging.getLogger(__name__)
T = TypeVar("T")


class Claim(StrEnum):
    OK = "ok"
    TAKEN = "taken"  # someone else has it, or it is finished
    STOPPED = "stopped"  # the whole broadcast was withdrawn


@dataclass(frozen=True, slots=True)
class Item:
    key: int  # the record id in the ledger
    chat_ref: str
    html: str
    reminder_id: int | None = None  # None for a personal reminder


class ItemSender(Protocol):
    """A sender that needs more than the text (WeChat templates: the event's fields, and the
    record id as the platform's idempotency key). The broadcaster prefers `send_item`."""

    async def send_item(self, item: Item) -> SendOutcome: ...


class Ledger(Protocol):
    """Where each item's state lives. Synchronous (database); run in a worker thread."""

    def claim(self, key: int) -> Claim: ...

    def release(self, key: int, detail: str) -> None: ...

    def finish(self, key: int, outcome: SendOutcome) -> None: ...


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 5
    backoff_first: float = 1.0
    backoff_max: float = 30.0

    def backoff(self, attempt: int) -> float:
        return float(min(self.backoff_max, self.backoff_first * 2 ** (attempt - 1)))


async def _in_thread(func: Callable[..., T], *args: object) -> T:
    return await asyncio.to_thread(func, *args)


class Broadcaster:
    def __init__(
        self,
        sender: Sender,
        limiter: RateLimiter,
        *,
        workers: int = 8,
        retry: RetryPolicy | None = None,
        sleep: Sleep | None = None,
        run_db: Callable[..., Awaitable[object]] | None = None,
    ) -> None:
        self.sender = sender
        self.limiter = limiter
        self.workers = max(1, workers)
        self.retry = retry or RetryPolicy()
        self.sleep = sleep or limiter.sleep
        self._db = run_db or _in_thread
        self._stopping = False

    def stop(self) -> None:
        """Finish the sends in flight, start no new ones."""
        self._stopping = True

    @property
    def stopping(self) -> bool:
        return self._stopping

    async def deliver(self, items: Iterable[Item], ledger: Ledger) -> None:
        queue = deque(items)

        async def worker() -> None:
            while queue and not self._stopping:
                await self._deliver_one(queue.popleft(), ledger)

        tasks = [asyncio.create_task(worker()) for _ in range(min(self.workers, len(queue)))]
        if not tasks:
            return
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            # One worker failed (or we are cancelled): the others end the send in hand and
            # record it, rather than being cut off between claiming a record and sending it.
            self._stopping = True
            await asyncio.gather(*tasks, return_exceptions=True)
            raise

    async def _deliver_one(self, item: Item, ledger: Ledger) -> None:
        attempt = 0
        while not self._stopping:
            async with self.limiter.slot(item.chat_ref) as slot:
                claim = Claim.TAKEN if self._stopping else await self._db(ledger.claim, item.key)
                if claim is not Claim.OK:
                    slot.give_back()
            if claim is Claim.STOPPED:
                self._stopping = True
            if claim is not Claim.OK:
                return
            attempt += 1
            try:
                outcome = await self._send(item)
            finally:
                slot.finish()  # the limiter counts the send until a window after this
            if outcome.kind in (Outcome.RETRY_AFTER, Outcome.NETWORK_ERROR):
                if attempt >= self.retry.max_attempts:
                    await self._db(ledger.finish, item.key, SendOutcome.failed(outcome.detail))
                    return
                await self._db(ledger.release, item.key, outcome.detail or outcome.kind.value)
                if outcome.kind is Outcome.RETRY_AFTER:
                    log.warning("flood control: pausing sends for %.1f s", outcome.retry_after)
                    self.limiter.pause(outcome.retry_after)
                else:
                    await self.sleep(self.retry.backoff(attempt))
                continue
            await self._db(ledger.finish, item.key, outcome)
            return

    async def _send(self, item: Item) -> SendOutcome:
        try:
            send_item = getattr(self.sender, "send_item", None)
            if send_item is not None:
                outcome: SendOutcome = await send_item(item)
                return outcome
            return await self.sender.send(item.chat_ref, item.html)
        except Exception as exc:  # a bug in the sender: it may or may not have sent
            log.error("sender raised for chat %s", item.chat_ref, exc_info=True)
            return SendOutcome.unknown(f"{type(exc).__name__}")
