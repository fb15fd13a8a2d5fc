"""A reminder to 5,000 simulated couriers at Telegram's real limits, through the real bot, its
PTB sender and rate limiter, over HTTP to the Bot API stand-in; the "process" dies halfway and
a new one on the same database finishes the broadcast. Takes about 3.5 minutes: 5,000 messages
at 25 a second (a little less held: each send counts until a second after its answer) take
over 200 seconds, and a faster rate would not test the limit.

Checked on what the stand-in received: nobody gets the reminder twice; everybody whose record
says `sent` got it exactly once, and only the sends in flight at the crash (records `unknown`)
may be missing; no more than 25 reminders in any one second as the stand-in stamped them;
couriers who blocked the bot are marked inactive; the administrator sees the progress while it
runs and gets the report at the end.

NLU is not needed here: the bot runs with an unreachable NLU server (its offline fallback).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.channels.telegram.app import TelegramApp
from bot.channels.telegram.context import Reminders
from bot.settings import Settings
from common.clock import FixedClock
from reminders.runtime import Channel
from storage.event_models import Delivery, InactiveUser
from storage.models import User
from tests.e2e.conftest import TOKEN, start_bot, stop_bot
from tests.helpers.telegram_events import (
    CrashingSender,
    database,
    event_cli,
    local,
    next_minute,
    reminders_per_chat,
    seed_subscribers,
    send_times,
)
from tests.standin.bot_api import BotAPIStandin, max_in_window

pytestmark = pytest.mark.integration

COURIERS = 5_000
BLOCKED = 50
FIRST = 6_000_000_000
ADMIN = 9_200_001
RATE = 25.0
# The bot counts a send against RATE from when it leaves until a second after its answer
# (reminders/limiter.py): the stand-in stamps a request between the two, so it never sees more
# than RATE in one second, whatever the hop did (a first connection, the garbage collector).


@pytest.fixture
def settings(tmp_path: Path, dead_nlu_url: str, api: BotAPIStandin) -> Settings:
    return Settings(
        telegram_bot_token=SecretStr(TOKEN),
        telegram_api_base_url=api.root,
        database_url=f"sqlite:///{tmp_path / 'broadcast.db'}",
        nlu_url=dead_nlu_url,
        broadcast_rate=RATE,
        reminder_sync_seconds=0.5,
        admin_telegram_ids=str(ADMIN),
        log_level="WARNING",
    )


def reminders_of(app: TelegramApp) -> Reminders:
    runtime = app.bot_data.runtime
    assert runtime is not None
    return runtime.reminders


async def run_due(app: TelegramApp) -> None:
    reminders = reminders_of(app)
    await reminders.service.sync()
    await reminders.service.runtime.wait_idle()


async def test_5000_couriers_at_the_real_limit_with_a_crash_halfway(
    api: BotAPIStandin, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FixedClock(dt.datetime.now(dt.UTC).replace(microsecond=0))
    couriers = [FIRST + number for number in range(COURIERS)]
    seed_subscribers(settings.database_url, couriers, "青年服务月", clock.now())
    blocked = couriers[:: COURIERS // BLOCKED][:BLOCKED]
    for chat in blocked:
        api.block(chat)
    start = next_minute(clock.now()) + dt.timedelta(minutes=10)
    event = event_cli(
        monkeypatch, settings.database_url, "add", "--title", "青年服务月·健康体检",
        "--start", local(start), "--tags", "青年服务月", "--remind", "5m",
    )  # fmt: skip

    app = await start_bot(settings, clock=clock)
    reminders = reminders_of(app)
    runtime = reminders.service.runtime
    real = runtime.channels["telegram"]
    crash = CrashingSender(real.sender, after=COURIERS // 2, on_crash=runtime.request_stop)
    runtime.channels["telegram"] = Channel("telegram", crash, real.limiter)
    clock.advance(seconds=(start - dt.timedelta(minutes=5) - clock.now()).total_seconds())
    broadcast = asyncio.create_task(run_due(app))

    # Halfway through the first thousand, the administrator asks how it is going.
    await api.wait_for(lambda _call: len(reminders_per_chat(api)) >= 500, timeout=60)
    api.send_text(ADMIN, f"/event report {event['id']}")
    [progress] = await api.wait_for_messages(ADMIN, 1, timeout=30)
    assert "发送中" in (progress.plain_text or "") and f"共 {COURIERS}" in (
        progress.plain_text or ""
    )

    await asyncio.wait_for(broadcast, timeout=COURIERS / RATE)  # it ends at the crash
    assert crash.dead
    await stop_bot(app)
    crashed_at = len(send_times(api))
    with database(settings.database_url) as session:
        left = dict(
            session.execute(select(Delivery.state, func.count()).group_by(Delivery.state)).all()
        )
    assert left.get("sending", 0) >= 1 and left["pending"] > COURIERS // 3

    app = await start_bot(settings, clock=clock)  # a new process on the same database
    try:
        await asyncio.wait_for(run_due(app), timeout=COURIERS / RATE)
    finally:
        await stop_bot(app)

    got = reminders_per_chat(api)  # chat -> reminders it received
    with database(settings.database_url) as session:
        rows = session.execute(
            select(User.external_ref, Delivery.state).join(User, User.id == Delivery.user_id)
        ).all()
        inactive = session.scalar(select(func.count()).select_from(InactiveUser))
    state_of = {int(ref): str(state) for ref, state in rows}
    states = Counter(state_of.values())
    sent = {chat for chat, state in state_of.items() if state == "sent"}
    unknown = {chat for chat, state in state_of.items() if state == "unknown"}
    assert len(state_of) == COURIERS and set(states) <= {"sent", "blocked", "unknown"}
    assert max(got.values()) == 1, "somebody got the reminder twice"
    assert sent <= set(got) <= sent | unknown  # only the sends in flight at the crash may miss
    assert 1 <= len(unknown) <= reminders.config.workers
    assert states["blocked"] == BLOCKED == inactive and not set(blocked) & set(got)

    times = send_times(api)  # every attempt, the refused ones to blocked couriers included
    assert len(times) == len(sent) + BLOCKED + len(unknown & set(got))
    peak = max_in_window(times)
    before, after = times[:crashed_at], times[crashed_at:]
    print(
        f"broadcast: {len(times)} sends, peak {peak} in one second ({max_in_window(before)} "
        f"before the crash, {max_in_window(after)} after, restart gap "
        f"{after[0] - before[-1]:.2f} s), {len(unknown)} unknown"
    )
    assert peak <= RATE
    report = api.sent_messages(ADMIN)[-1].plain_text or ""
    assert "发送完成" in report and f"已屏蔽 {BLOCKED}" in report
