"""Fakes for the reminders tests: virtual time for the limiter, a sender that records every
message (and can fail, block or "crash" on cue), and quick ways to fill the database."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import insert, select

from reminders.sender import SendOutcome
from storage.db import UnitOfWork
from storage.event_models import Subscription
from storage.models import User


class VirtualTime:
    """A monotonic clock that moves only when someone sleeps on it (no real waiting)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        target = self.now + max(0.0, seconds)
        await asyncio.sleep(0)  # let other tasks run, as a real sleep would
        self.now = max(self.now, target)


class SimulatedCrash(BaseException):
    """Stands for the process being killed (not an Exception: nothing may catch it)."""


@dataclass
class RecordingSender:
    """Records (time, chat, html) per delivered message. `outcomes` scripts answers per chat:
    a list consumed one per attempt (then SENT). `crash_after` kills the "process" on the
    N-th send: after delivering it (`crash_delivers=True`) or before."""

    time: Callable[[], float]
    outcomes: dict[str, list[SendOutcome]] = field(default_factory=dict)
    crash_after: int | None = None
    crash_delivers: bool = True
    sent: list[tuple[float, str, str]] = field(default_factory=list)
    attempts: int = 0
    dead: bool = False  # after the crash: the "process" does nothing more

    async def send(self, chat_ref: str, html: str) -> SendOutcome:
        if self.dead:
            raise SimulatedCrash
        self.attempts += 1
        script = self.outcomes.get(chat_ref)
        outcome = script.pop(0) if script else SendOutcome.sent()
        if self.crash_after is not None and self.attempts >= self.crash_after:
            self.crash_after = None
            self.dead = True
            if self.crash_delivers:
                self.sent.append((self.time(), chat_ref, html))
            raise SimulatedCrash
        if outcome.kind.value == "sent":
            self.sent.append((self.time(), chat_ref, html))
        return outcome

    def per_chat(self) -> Counter[str]:
        return Counter(chat for _t, chat, _h in self.sent)


def min_gap_per_chat(sent: list[tuple[float, str, str]]) -> float:
    last: dict[str, float] = {}
    gap = float("inf")
    for moment, chat, _html in sorted(sent):
        if chat in last:
            gap = min(gap, moment - last[chat])
        last[chat] = moment
    return gap


def add_couriers(
    uow: UnitOfWork,
    count: int,
    tags: list[str],
    now: dt.datetime,
    *,
    channel: str = "telegram",
    start: int = 100_000,
) -> list[int]:
    """`count` users subscribed to `tags`, in two bulk inserts. Returns their ids."""
    refs = [str(start + number) for number in range(count)]
    with uow() as session:
        session.execute(
            insert(User),
            [{"channel": channel, "external_ref": ref, "created_at": now} for ref in refs],
        )
        ids = list(
            session.scalars(
                select(User.id).where(User.channel == channel, User.external_ref.in_(refs))
            )
        )
        session.execute(
            insert(Subscription),
            [
                {"user_id": user_id, "tag": tag, "subscribed_at": now}
                for user_id in ids
                for tag in tags
            ],
        )
    return ids
