"""How messages come into the core, for every channel alike: each once, floods slowed down,
a question asked before consent held until the courier agrees.

- `InboundLog` records a channel's message keys (a Telegram update id, a WeCom msgid) in the
  database: platforms deliver again after a restart or a slow answer, and a recorded key is
  skipped. A claimed key is never handled again: a crash in the middle loses that one message
  rather than answering a courier twice.
- `FloodGuard` notices a courier sending faster than a person types and slows them down.
- `HeldQuestions` keeps, in memory only, the one question a courier asked before agreeing to
  storage; it is answered right after they agree, and gone on restart.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from storage.channel_models import ProcessedInbound
from storage.db import UnitOfWork

MAX_HELD = 10_000


class InboundLog:
    def __init__(self, uow: UnitOfWork, now: Callable[[], dt.datetime]) -> None:
        self._uow = uow
        self._now = now

    def claim(self, channel: str, key: str) -> bool:
        """True the first time `key` is seen on `channel`; False for a redelivery."""
        try:
            with self._uow() as session:  # a plain INSERT: no ORM object to track and flush
                session.execute(
                    insert(ProcessedInbound).values(
                        channel=channel, key=key[:128], received_at=self._now()
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
    """A sliding window per courier. Over `soft` messages in `window` seconds, each further
    message waits `delay` seconds (nothing is lost); over `hard`, further messages are dropped
    politely."""

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
        self._seen: dict[Hashable, deque[float]] = {}
        self._notified: dict[Hashable, float] = {}

    def check(self, who: Hashable) -> FloodVerdict:
        now = self._now()
        times = self._seen.setdefault(who, deque())
        while times and now - times[0] > self._window:
            times.popleft()
        times.append(now)
        if len(self._seen) > 10_000:
            self._forget_idle(now)
        count = len(times)
        if count <= self._soft:
            return FloodVerdict(delay=0.0, notify=False, drop=False)
        notify = now - self._notified.get(who, -1e9) > self._window
        if notify:
            self._notified[who] = now
        return FloodVerdict(delay=self._delay, notify=notify, drop=count > self._hard)

    def _forget_idle(self, now: float) -> None:
        for who in [c for c, t in self._seen.items() if not t or now - t[-1] > self._window]:
            del self._seen[who]
            self._notified.pop(who, None)


class HeldQuestions:
    """One held question per courier, the oldest dropped past `limit` couriers."""

    def __init__(self, limit: int = MAX_HELD) -> None:
        self._held: OrderedDict[Hashable, str] = OrderedDict()
        self._limit = limit

    def hold(self, who: Hashable, text: str) -> None:
        self._held[who] = text
        self._held.move_to_end(who)
        while len(self._held) > self._limit:
            self._held.popitem(last=False)

    def take(self, who: Hashable) -> str | None:
        return self._held.pop(who, None)

    def __contains__(self, who: object) -> bool:
        return who in self._held
