"""`python -m reminders.bench`: a broadcast in real time to simulated couriers, through the real
limiter, ledger and database (a temporary SQLite file unless --database-url is given), with a
fake Telegram that answers after `--latency-ms`. Prints the messages a second held, the most
sent in any one second, and the ratio to Telegram's 30 a second. Used by `make bench`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from bot.clock import SystemClock
from reminders.config import ReminderConfig
from reminders.events import EventDraft, create_event
from reminders.limiter import RateLimiter
from reminders.runtime import Channel, ReminderRuntime
from reminders.sender import SendOutcome
from storage.db import UnitOfWork, make_engine
from storage.event_models import Subscription
from storage.migrate import upgrade
from storage.models import User

TELEGRAM_RATE = 30.0


@dataclass(frozen=True, slots=True)
class BenchResult:
    couriers: int
    sent: int
    duplicates: int
    seconds: float
    rate: float  # messages a second held, first to last send
    peak_one_second: int  # the most sends in any one-second window
    min_chat_gap: float | None
    ratio_to_telegram: float


class LatencySender:
    """Answers `sent` after `latency` seconds, like a Bot API on a short hop."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.times: list[float] = []
        self.chats: list[str] = []

    async def send(self, chat_ref: str, html: str) -> SendOutcome:
        self.times.append(time.monotonic())
        self.chats.append(chat_ref)
        await asyncio.sleep(self.latency)
        return SendOutcome.sent()


def _peak(times: list[float]) -> int:
    ordered, best, left = sorted(times), 0, 0
    for right, moment in enumerate(ordered):
        while moment - ordered[left] >= 1.0:
            left += 1
        best = max(best, right - left + 1)
    return best


async def run_bench(
    database_url: str, *, couriers: int, latency: float, rate: float, workers: int
) -> BenchResult:
    engine = make_engine(database_url)
    upgrade(engine)
    uow, clock = UnitOfWork(engine), SystemClock()
    now = clock.now()
    with uow() as session:
        create_event(
            session,
            EventDraft(title="bench", start_at=now + dt.timedelta(minutes=30), tags=("bench",)),
            now=now, default_offsets=(60,), source="cli",
        )  # fmt: skip
        refs = [f"bench-{number}" for number in range(couriers)]
        rows = [{"channel": "telegram", "external_ref": ref, "created_at": now} for ref in refs]
        session.execute(insert(User), rows)
        ids = session.scalars(select(User.id).where(User.external_ref.in_(refs))).all()
        subs = [{"user_id": user_id, "tag": "bench", "subscribed_at": now} for user_id in ids]
        session.execute(insert(Subscription), subs)
    sender = LatencySender(latency)
    config = ReminderConfig(
        timezone=ZoneInfo("Asia/Shanghai"), default_offsets=(60,), tags=("bench",),
        rate=rate, workers=workers,
    )  # fmt: skip
    runtime = ReminderRuntime(
        uow=uow, clock=clock, config=config,
        channels=[Channel("telegram", sender, RateLimiter(rate))],
    )  # fmt: skip
    await runtime.tick()
    await runtime.wait_idle()
    engine.dispose()
    seconds = (max(sender.times) - min(sender.times)) if len(sender.times) > 1 else 0.0
    held = (len(sender.times) - 1) / seconds if seconds else 0.0
    gaps: dict[str, list[float]] = {}
    for moment, chat in zip(sender.times, sender.chats, strict=True):
        gaps.setdefault(chat, []).append(moment)
    repeated = [sorted(t) for t in gaps.values() if len(t) > 1]
    return BenchResult(
        couriers=couriers,
        sent=len(sender.chats),
        duplicates=sum(count - 1 for count in Counter(sender.chats).values()),
        seconds=round(seconds, 3),
        rate=round(held, 2),
        peak_one_second=_peak(sender.times),
        min_chat_gap=min((b - a for t in repeated for a, b in itertools.pairwise(t)), default=None),
        ratio_to_telegram=round(held / TELEGRAM_RATE, 3),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reminders.bench", description=__doc__)
    parser.add_argument("--couriers", type=int, default=500)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        run = run_bench(
            url,
            couriers=args.couriers,
            latency=args.latency_ms / 1000,
            rate=args.rate,
            workers=args.workers,
        )
        result = asyncio.run(run)
    print(
        f"broadcast: {result.sent} messages to {result.couriers} couriers in {result.seconds} s: "
        f"{result.rate} msg/s held (limit {args.rate}), peak {result.peak_one_second} in one "
        f"second, {result.duplicates} duplicates; {result.ratio_to_telegram:.0%} of Telegram's "
        f"{TELEGRAM_RATE:.0f} msg/s"
    )
    print(json.dumps({"bench": "broadcast", **asdict(result)}))
    ok = result.duplicates == 0 and result.sent == result.couriers
    return 0 if ok and result.peak_one_second <= args.rate else 1


if __name__ == "__main__":
    sys.exit(main())
