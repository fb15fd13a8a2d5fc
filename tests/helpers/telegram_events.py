"""Helpers for the events and reminders tests against the Bot API stand-in: local times as
administrators type them, the `courier-aid event` command in-process, subscribing through the
bot, seeding many couriers at once, and counting what the stand-in received."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot import cli
from reminders.sender import Sender, SendOutcome
from storage.db import make_engine
from storage.event_models import Subscription
from storage.migrate import upgrade
from storage.models import User
from tests.helpers.reminder_fakes import SimulatedCrash
from tests.standin.bot_api import BotAPIStandin, SentMessage

TZ = ZoneInfo("Asia/Shanghai")
_TAG = re.compile(r"<[^>]+>")
REMINDER_MARK = "⏰ 活动提醒："  # opens every offset reminder (reminders/templates/reminder.html)


def local(moment: dt.datetime) -> str:
    """As `--start` takes it: 'YYYY-MM-DD HH:MM', Asia/Shanghai."""
    return moment.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def next_minute(moment: dt.datetime) -> dt.datetime:
    """The first whole minute strictly after `moment`."""
    return (moment + dt.timedelta(minutes=1)).replace(second=0, microsecond=0)


def event_cli(monkeypatch: pytest.MonkeyPatch, database_url: str, *argv: str) -> Any:
    """`courier-aid event ... --json` in this process; the parsed output."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setattr("bot.cli._setup_logging", lambda *_args, **_kw: None)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(["event", *argv, "--json"])
    assert code == 0, f"courier-aid event {' '.join(argv)} failed"
    return json.loads(out.getvalue())


@contextlib.contextmanager
def database(url: str) -> Iterator[Session]:
    """A short session on the bot's database (committed at the end)."""
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            yield session
    finally:
        engine.dispose()


async def subscribe(api: BotAPIStandin, chat_id: int, *tags: str) -> SentMessage:
    """/subscribe, then press each tag's button, waiting for the menu to be edited each time.
    The courier must have agreed to storage already."""
    before = len(api.sent_messages(chat_id))
    api.send_text(chat_id, "/subscribe")
    menu = (await api.wait_for_messages(chat_id, before + 1, timeout=20))[before]
    for tag in tags:
        edits = len(menu.edits)
        api.press_button(chat_id, menu, f"ev:on:{tag}")
        await api.wait_for(lambda _call, seen=edits: len(menu.edits) > seen, timeout=20)
    return menu


def seed_subscribers(url: str, chat_ids: list[int], tag: str, now: dt.datetime) -> None:
    """Couriers who agreed to storage and subscribed to `tag`, written straight to the database
    (thousands through the bot would take minutes of consent dialogues). Migrates first."""
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    refs = [str(chat) for chat in chat_ids]
    rows = [
        {"channel": "telegram", "external_ref": ref, "created_at": now, "consented_at": now}
        for ref in refs
    ]
    with database(url) as session:
        session.execute(insert(User), rows)
        ids = session.scalars(select(User.id).where(User.external_ref.in_(refs))).all()
        subs = [{"user_id": user_id, "tag": tag, "subscribed_at": now} for user_id in ids]
        session.execute(insert(Subscription), subs)


def reminders_per_chat(api: BotAPIStandin, mark: str = REMINDER_MARK) -> Counter[int]:
    """How many messages containing `mark` each chat received."""
    return Counter(m.chat_id for m in api.sent_messages() if mark in (m.plain_text or ""))


def reminder_times(api: BotAPIStandin, mark: str = REMINDER_MARK) -> list[float]:
    """Arrival times (stand-in clock) of the successful sends containing `mark`."""
    return sorted(m.sent_at for m in api.sent_messages() if mark in (m.plain_text or ""))


def send_times(api: BotAPIStandin, mark: str = REMINDER_MARK) -> list[float]:
    """Arrival times of every sendMessage call whose text contains `mark`, failed ones too
    (a refused request still counts against Telegram's limits)."""
    return sorted(
        call.at
        for call in api.calls_to("sendMessage")
        if mark in _TAG.sub("", str(call.params.get("text") or ""))
    )


class CrashingSender:
    """Stands for the process being killed in the middle of a broadcast: the `after`-th send
    goes out, then the "process" dies. `on_crash` runs first (stop the runtime's syncs, as a
    dead process makes none), then this send and every later one raise `SimulatedCrash`, which
    nothing catches, leaving their delivery records `sending` as a kill would."""

    def __init__(self, inner: Sender, after: int, on_crash: Callable[[], None]) -> None:
        self.inner = inner
        self.after = after
        self.on_crash = on_crash
        self.sends = 0
        self.dead = False

    async def send(self, chat_ref: str, html: str) -> SendOutcome:
        if self.dead:
            raise SimulatedCrash
        self.sends += 1
        if self.sends < self.after:
            return await self.inner.send(chat_ref, html)
        self.dead = True
        self.on_crash()
        await self.inner.send(chat_ref, html)
        raise SimulatedCrash
