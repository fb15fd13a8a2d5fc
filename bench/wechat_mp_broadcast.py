"""Benchmark: one event reminder as template messages to many followers of the service account.

    python -m bench.wechat_mp_broadcast [--followers 5000] [--rate 25] [--database-url URL]

What runs: the core and the service-account channel as `courier-aid run` builds them (reminders
on APScheduler, `TemplateSender` inside the channel's rate limiter, the callback server taking
the TEMPLATESENDJOBFINISH events), in this process, speaking HTTP to the local WeChat stand-in
(`tests.standin.wechat_mp_api`, its own crypto). The followers are written straight to a
temporary SQLite database (or --database-url) as if they had agreed and subscribed; an event
whose reminder is due now is added; the bot's sync starts the broadcast.

Reported, from what the stand-in received (bench/results/wechat_mp_broadcast.json): template
sends a second held (first to last), the most in any one second, duplicates (a follower with
more than one template), and CPU time per send (this process: the bot and the stand-in with its
callbacks together, so an upper bound for the bot alone); the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import insert, select

from bench.memory import machine
from bot.app import build_core
from bot.channels.wechat_mp.channel import build
from bot.settings import Settings
from reminders.events import EventDraft, create_event
from storage.db import UnitOfWork, make_engine
from storage.event_models import Subscription
from storage.migrate import upgrade
from storage.models import User
from tests.helpers.services import free_port
from tests.standin.bot_api import max_in_window
from tests.standin.wechat_mp_api import MPStandin

RESULTS = Path(__file__).resolve().parent / "results"
TAG = "青年服务月"


def openids(count: int) -> list[str]:
    return [f"oBench{number:07d}" for number in range(count)]


def seed(database_url: str, followers: list[str]) -> None:
    """Subscribed followers and an event whose reminder is due now (added "late")."""
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        now = dt.datetime.now(dt.UTC)
        with UnitOfWork(engine)() as session:
            session.execute(insert(User), [
                {"channel": "wechat_mp", "external_ref": ref, "created_at": now,
                 "consented_at": now}
                for ref in followers
            ])  # fmt: skip
            ids = session.scalars(select(User.id).where(User.channel == "wechat_mp")).all()
            session.execute(
                insert(Subscription),
                [{"user_id": user_id, "tag": TAG, "subscribed_at": now} for user_id in ids],
            )
            draft = EventDraft(
                title="青年服务月·免费体检（基准测试）",
                start_at=now + dt.timedelta(minutes=30),
                place="长治市工人文化宫",
                tags=(TAG,),
            )
            create_event(session, draft, now=now, default_offsets=(60,), source="cli")
    finally:
        engine.dispose()


async def broadcast(database_url: str, followers: list[str], rate: float) -> dict[str, Any]:
    async with MPStandin() as mp:
        for ref in followers:
            mp.follower(ref)
        settings = Settings(
            database_url=database_url,
            nlu_url=f"http://127.0.0.1:{free_port()}",
            wechat_mp_app_id=mp.app_id,
            wechat_mp_app_secret=SecretStr(mp.secret),
            wechat_mp_token=SecretStr(mp.token),
            wechat_mp_aes_key=SecretStr(mp.aes_key),
            wechat_mp_api_base_url=mp.root,
            wechat_mp_callback_port=free_port(),
            wechat_mp_template_event=mp.template_id,
            broadcast_rate=rate,
            log_level="WARNING",
        )
        mp.callback_url = (
            f"http://127.0.0.1:{settings.wechat_mp_callback_port}{settings.wechat_mp_callback_path}"
        )
        core = build_core(settings)
        channel = build(settings, core)
        await channel.start()
        await core.start([channel.reminder_channel()])
        cpu = time.process_time()
        try:
            service = core.reminders.service
            assert service is not None
            await service.sync()
            await service.runtime.wait_idle()
            cpu = time.process_time() - cpu
            await asyncio.sleep(1.0)  # the last job-finished callbacks
        finally:
            await core.stop_reminders()
            await channel.stop()
            await core.aclose()
        per = {ref: len(mp.follower(ref).templates) for ref in followers}
        times = sorted(mp.template_times)
        seconds = times[-1] - times[0] if len(times) > 1 else 0.0
        sent = sum(per.values())
        return {
            "sent": sent,
            "requests": len(times),
            "missing": sum(1 for count in per.values() if count == 0),
            "duplicates": sum(count - 1 for count in per.values() if count > 1),
            "seconds": round(seconds, 2),
            "held_per_s": round((len(times) - 1) / seconds, 2) if seconds else 0.0,
            "peak_in_one_second": max_in_window(times),
            "cpu_ms_per_send": round(cpu * 1000 / max(1, sent), 3),
            "token_requests": mp.token_requests,
        }


def run(args: argparse.Namespace) -> dict[str, Any]:
    followers = openids(args.followers)
    with tempfile.TemporaryDirectory(prefix="courier-aid-mp-broadcast-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'broadcast.db'}"
        seed(url, followers)
        measured = asyncio.run(broadcast(url, followers, args.rate))
    return {
        "benchmark": "wechat_mp_broadcast",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "followers": args.followers,
        "rate_limit_per_s": args.rate,
        "database": "sqlite" if not args.database_url else args.database_url.split(":")[0],
        **measured,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.wechat_mp_broadcast", description=__doc__
    )
    parser.add_argument("--followers", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=25.0, help="BROADCAST_RATE")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--out", type=Path, default=RESULTS / "wechat_mp_broadcast.json")
    args = parser.parse_args(argv)
    print(f"template broadcast to {args.followers} followers at {args.rate}/s...", flush=True)
    result = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(
        f"wechat_mp broadcast: {result['sent']}/{args.followers} templates in "
        f"{result['seconds']} s: {result['held_per_s']}/s held (limit {args.rate}), peak "
        f"{result['peak_in_one_second']} in one second, {result['duplicates']} duplicates, "
        f"{result['missing']} missing, {result['cpu_ms_per_send']} ms CPU per send "
        f"({result['machine']['cpus']} CPUs) → {args.out}"
    )
    ok = result["duplicates"] == 0 and result["missing"] == 0
    return 0 if ok and result["peak_in_one_second"] <= args.rate else 1


if __name__ == "__main__":
    sys.exit(main())
