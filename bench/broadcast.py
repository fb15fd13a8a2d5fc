"""Benchmark: one reminder broadcast to many simulated couriers, through the real bot.

    python -m bench.broadcast [--couriers 2000] [--rate 25] [--database-url URL]

What runs: the Telegram application as `courier-aid run` builds it (reminders on APScheduler,
the PTB sender inside the bot's own rate limiter), in this process, speaking HTTP to the local
Bot API stand-in. The couriers are written straight to a temporary SQLite database (or
--database-url) as if they had agreed and subscribed; an event whose reminder is due now is
added; the bot's sync starts the broadcast. NLU is not needed (unreachable: offline fallback).

Reported, from what the stand-in received (bench/results/broadcast.json): messages a second
held (first to last), the most in any one second, the shortest gap between two messages to
one chat, duplicates, and the ratio to Telegram's limit of 30 a second; the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import insert, select

from bench.memory import machine
from bot.app import build_core
from bot.channels.telegram.app import build_application, start_runtime, stop_runtime
from bot.settings import Settings
from reminders.events import EventDraft, create_event
from storage.db import UnitOfWork, make_engine
from storage.event_models import Subscription
from storage.migrate import upgrade
from storage.models import User
from tests.helpers.services import free_port
from tests.standin.bot_api import BotAPIStandin, max_in_window

TOKEN = "5151:bench-broadcast"  # noqa: S105 - the stand-in's token, not a secret
RESULTS = Path(__file__).resolve().parent / "results"
TELEGRAM_RATE = 30.0  # messages a second, Telegram's documented limit for bots
FIRST_COURIER = 710_000_000
TAG = "工会活动"


def seed(database_url: str, couriers: int) -> None:
    """Subscribed couriers and an event whose reminder is due now (added "late")."""
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        uow = UnitOfWork(engine)
        now = dt.datetime.now(dt.UTC)
        refs = [str(FIRST_COURIER + number) for number in range(couriers)]
        with uow() as session:
            session.execute(
                insert(User),
                [
                    {
                        "channel": "telegram",
                        "external_ref": r,
                        "created_at": now,
                        "consented_at": now,
                    }
                    for r in refs
                ],
            )
            ids = session.scalars(select(User.id).where(User.external_ref.in_(refs))).all()
            session.execute(
                insert(Subscription),
                [{"user_id": user_id, "tag": TAG, "subscribed_at": now} for user_id in ids],
            )
            draft = EventDraft(
                title="工会送清凉（基准测试）", start_at=now + dt.timedelta(minutes=30), tags=(TAG,)
            )
            create_event(session, draft, now=now, default_offsets=(60,), source="cli")
    finally:
        engine.dispose()


async def broadcast(database_url: str, rate: float) -> BotAPIStandin:
    """Run the bot until its broadcast is over; the stand-in holds what it received."""
    async with BotAPIStandin(token=TOKEN) as api:
        settings = Settings(
            telegram_bot_token=SecretStr(TOKEN),
            telegram_api_base_url=api.root,
            database_url=database_url,
            nlu_url=f"http://127.0.0.1:{free_port()}",
            broadcast_rate=rate,
            telegram_overall_rate=max(TELEGRAM_RATE, rate + 5),  # the reminders' limit governs
            log_level="WARNING",
        )
        app = build_application(settings)
        await app.initialize()
        await start_runtime(app, settings, core=build_core(settings), owns_core=True)
        await app.start()
        try:
            runtime = app.bot_data.runtime
            assert runtime is not None
            service = runtime.reminders.service
            assert service is not None
            await service.sync()
            await service.runtime.wait_idle()
        finally:
            await app.stop()
            await stop_runtime(app)
            await app.shutdown()
        return api


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="courier-aid-broadcast-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'broadcast.db'}"
        seed(url, args.couriers)
        api = asyncio.run(broadcast(url, args.rate))
    sent = api.sent_messages()
    times = sorted(call.at for call in api.calls_to("sendMessage"))
    seconds = times[-1] - times[0] if len(times) > 1 else 0.0
    held = (len(times) - 1) / seconds if seconds else 0.0
    per_chat = Counter(message.chat_id for message in sent)
    gap = api.min_send_gap()
    return {
        "benchmark": "broadcast",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "couriers": args.couriers,
        "rate_limit_per_s": args.rate,
        "database": "sqlite" if not args.database_url else args.database_url.split(":")[0],
        "messages_sent": len(sent),
        "requests": len(times),
        "duplicates": sum(count - 1 for count in per_chat.values()),
        "seconds": round(seconds, 2),
        "held_per_s": round(held, 2),
        "peak_in_one_second": max_in_window(times),
        "min_gap_in_one_chat_s": round(gap, 3) if gap is not None else None,
        "telegram_limit_per_s": TELEGRAM_RATE,
        "ratio_to_telegram": round(held / TELEGRAM_RATE, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.broadcast", description=__doc__)
    parser.add_argument("--couriers", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=25.0, help="BROADCAST_RATE")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--out", type=Path, default=RESULTS / "broadcast.json")
    args = parser.parse_args(argv)
    print(f"broadcasting to {args.couriers} couriers at {args.rate}/s...", flush=True)
    result = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(
        f"broadcast: {result['messages_sent']}/{args.couriers} messages in {result['seconds']} s: "
        f"{result['held_per_s']}/s held (limit {args.rate}), peak {result['peak_in_one_second']} "
        f"in one second, {result['duplicates']} duplicates; {result['ratio_to_telegram']:.0%} of "
        f"Telegram's {TELEGRAM_RATE:.0f}/s ({result['machine']['cpus']} CPUs) → {args.out}"
    )
    ok = result["duplicates"] == 0 and result["messages_sent"] == args.couriers
    return 0 if ok and result["peak_in_one_second"] <= args.rate + 1 else 1


if __name__ == "__main__":
    sys.exit(main())
