"""What the independent harness does, with `courier-aid run` as its own process: a few hundred
couriers subscribe through the bot, an administrator adds an event a couple of minutes ahead
with short offsets (`courier-aid event add`, another process), the bot is killed with SIGKILL
halfway through the first broadcast and started again, stopped with SIGTERM halfway through the
second and started again, and every message is counted.

Real time throughout (a separate process has no injectable clock): about three minutes, most
of it waiting for the reminders' times. Default settings, so the limits are Telegram's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import os
import signal
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.settings import PROJECT_ROOT
from storage.event_models import Delivery, EventReminder
from storage.models import User
from tests.e2e.test_run_process import BotProcess
from tests.helpers.telegram_events import (
    REMINDER_MARK,
    database,
    local,
    next_minute,
    send_times,
)
from tests.standin.bot_api import SEND_METHODS, BotAPIStandin, Call, SentMessage, max_in_window

pytestmark = pytest.mark.integration

COURIERS = 300
FIRST = 5_100_000_000
TAG = "工会活动"
COURIER_AID = PROJECT_ROOT / ".venv" / "bin" / "courier-aid"
# The bot counts a reminder against BROADCAST_RATE (25) from when it leaves until a second after
# its answer (reminders/limiter.py), so the stand-in, which stamps a request between the two,
# sees at most 25 in any second however long each hop took, even with three processes on two
# cores.
RATE = 25
# Messages to one chat leave at least a second apart; the stand-in stamps their arrival, after a
# local hop whose length varies by a few milliseconds.
JITTER = 0.02


async def subscribe_all(api: BotAPIStandin, chats: list[int]) -> None:
    """/subscribe, agree, press the tag: all couriers at once, as a crowd would."""
    for chat in chats:
        api.send_text(chat, "/subscribe")
    for chat in chats:
        [card] = await api.wait_for_messages(chat, 1, timeout=120)
        api.press_button(chat, card, "consent:yes")
    menus: list[SentMessage] = []
    for chat in chats:
        _card, _agreed, menu = await api.wait_for_messages(chat, 3, timeout=120)
        menus.append(menu)
        api.press_button(chat, menu, f"ev:on:{TAG}")
    for menu in menus:
        await api.wait_for(lambda _call, m=menu: bool(m.edits), timeout=120)


async def event_add(database_url: str, cwd: Path, *argv: str) -> dict[str, object]:
    """`courier-aid event add ... --json` as its own process (off the stand-in's loop)."""
    done = await asyncio.to_thread(
        subprocess.run,
        [str(COURIER_AID), "event", "add", *argv, "--json"],
        env={**os.environ, "DATABASE_URL": database_url},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def reminded(api: BotAPIStandin) -> list[SentMessage]:
    return [m for m in api.sent_messages() if REMINDER_MARK in (m.plain_text or "")]


async def until_reminded(api: BotAPIStandin, count: int, timeout: float) -> None:
    await api.wait_for(lambda _call: len(reminded(api)) >= count, timeout=timeout)


def closest_sends(api: BotAPIStandin) -> str:
    """The two messages to one chat that arrived closest together, to say what broke pacing."""
    by_chat: dict[object, list[Call]] = {}
    for call in api.calls:
        if call.method in SEND_METHODS and "chat_id" in call.params:
            by_chat.setdefault(call.params["chat_id"], []).append(call)
    pairs = [pair for calls in by_chat.values() for pair in itertools.pairwise(calls)]
    a, b = min(pairs, key=lambda pair: pair[1].at - pair[0].at)
    first, second = (f"{c.method} {str(c.params.get('text'))[:30]!r} at {c.at:.3f}" for c in (a, b))
    return f"chat {a.params['chat_id']}: {first}, then {second}"


def reminder_states(url: str, event_id: int) -> list[str]:
    with database(url) as session:
        return list(
            session.scalars(
                select(EventReminder.state).where(EventReminder.event_id == event_id)
            ).all()
        )


async def until_done(url: str, event_id: int, count: int, timeout: float) -> None:
    """Until `count` reminders of the event are `done` in the bot's database (it is running)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        # In a thread: this loop also runs the stand-in, which stamps each request's arrival
        # when it handles it. A database read blocking the loop (the bot may hold the lock)
        # would stamp the requests that came meanwhile all at once, as if sent in a burst.
        states = await asyncio.to_thread(reminder_states, url, event_id)
        if states.count("done") >= count:
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"{count} reminders did not finish within {timeout} s: {states}")


@pytest.fixture
def bot_process(api: BotAPIStandin, nlu_url: str, tmp_path: Path) -> BotProcess:
    return BotProcess(api, nlu_url, tmp_path)


async def test_killed_halfway_through_a_broadcast_reminds_everyone_once(
    api: BotAPIStandin, bot_process: BotProcess, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'run.db'}"  # what BotProcess gives the bot
    chats = [FIRST + number for number in range(COURIERS)]
    await bot_process.start()
    try:
        await subscribe_all(api, chats)
        now = dt.datetime.now(dt.UTC)
        start = next_minute(now + dt.timedelta(seconds=40)) + dt.timedelta(minutes=2)
        event = await event_add(
            url, tmp_path, "--title", "工会送清凉", "--start", local(start), "--tags", TAG,
            "--remind", "2m,1m", "--place", "长治市总工会",
        )  # fmt: skip

        event_id = int(str(event["id"]))

        # The first reminder: killed hard halfway.
        first_at = (start - dt.timedelta(minutes=2) - dt.datetime.now(dt.UTC)).total_seconds()
        await until_reminded(api, COURIERS // 2, timeout=first_at + 60)
        await bot_process.stop(signal.SIGKILL)
        killed_at = len(reminded(api))
        await bot_process.start()
        await until_done(url, event_id, 1, timeout=120)

        # The second one, a minute later: stopped with SIGTERM halfway (sends in flight finish).
        before = len(reminded(api))
        await until_reminded(api, before + COURIERS // 2, timeout=120)
        assert await bot_process.stop() == 0
        stopped_at = len(reminded(api)) - before
        await bot_process.start()
        await until_done(url, event_id, 2, timeout=120)
        assert await bot_process.stop() == 0
    finally:
        if bot_process.process is not None:
            bot_process.process.kill()

    with database(url) as session:
        reminders = session.execute(
            select(EventReminder.id, EventReminder.text)
            .where(EventReminder.event_id == event["id"])
            .order_by(EventReminder.fire_at)
        ).all()
        rows = session.execute(
            select(Delivery.reminder_id, User.external_ref, Delivery.state).join(
                User, User.id == Delivery.user_id
            )
        ).all()
    assert len(reminders) == 2 and reminders[0].text != reminders[1].text
    for number, (reminder_id, text) in enumerate(reminders):
        state_of = {int(ref): state for rid, ref, state in rows if rid == reminder_id}
        assert sorted(state_of) == chats
        got = Counter(m.chat_id for m in api.sent_messages() if m.text == text)
        sent = {chat for chat, state in state_of.items() if state == "sent"}
        unknown = {chat for chat, state in state_of.items() if state == "unknown"}
        assert max(got.values()) == 1, "somebody got the same reminder twice"
        assert sent <= set(got) <= sent | unknown
        assert set(state_of.values()) <= {"sent", "unknown"}
        print(
            f"reminder {number + 1}: {len(got)} of {COURIERS} reminded, {len(unknown)} unknown "
            f"({len(unknown - set(got))} of them not delivered); stopped after "
            f"{[killed_at, stopped_at][number]} sends"
        )
    assert "unknown" not in {state for rid, _ref, state in rows if rid == reminders[1].id}
    times = send_times(api)
    assert max_in_window(times) <= RATE
    gap = api.min_send_gap()  # over every chat and every message, not only reminders
    print(f"peak {max_in_window(times)} reminders in one second; shortest gap in a chat {gap}")
    assert gap is not None and gap >= 1.0 - JITTER, closest_sends(api)
