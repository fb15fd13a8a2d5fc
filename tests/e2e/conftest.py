"""End-to-end: the real `Application`, the real Rasa server, a real database, and a local
stand-in for the Bot API over HTTP (`tests.standin.bot_api`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from telegram import Update

from bot.app import build_core
from bot.channels.telegram.app import TelegramApp, build_application, start_runtime, stop_runtime
from bot.settings import Settings
from common.clock import Clock
from tests.standin.bot_api import BotAPIStandin, SentMessage, buttons

TOKEN = "4242:e2e-secret-token"


@pytest.fixture
async def api() -> AsyncIterator[BotAPIStandin]:
    async with BotAPIStandin(token=TOKEN) as standin:
        yield standin


@pytest.fixture
def settings(tmp_path: Path, nlu_url: str, api: BotAPIStandin) -> Settings:
    return Settings(
        telegram_bot_token=SecretStr(TOKEN),
        telegram_api_base_url=api.root,
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        nlu_url=nlu_url,
        telegram_chat_interval=0.05,  # the one-a-second pacing has its own test
        duty_hours="00:00-24:00",  # replies must not depend on the hour the tests run
    )


async def start_bot(settings: Settings, clock: Clock | None = None) -> TelegramApp:
    """What `run_polling` does, step by step, so a test can stop and start it again."""
    app = build_application(settings)
    await app.initialize()
    core = build_core(settings, clock=clock)
    await start_runtime(app, settings, core=core, owns_core=True)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES)
    return app


async def stop_bot(app: TelegramApp) -> None:
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()
    await stop_runtime(app)
    await app.shutdown()


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[TelegramApp]:
    app = await start_bot(settings)
    yield app
    if app.running:
        await stop_bot(app)


class Courier:
    """One simulated courier in a private chat with the bot."""

    def __init__(self, api: BotAPIStandin, user_id: int) -> None:
        self.api = api
        self.id = user_id

    def _count(self) -> int:
        return len(self.api.sent_messages(self.id))

    async def _expect(self, before: int, count: int) -> list[SentMessage]:
        sent = await self.api.wait_for_messages(self.id, before + count, timeout=20)
        return sent[before:]

    async def say(self, text: str, expect: int = 1) -> list[SentMessage]:
        before = self._count()
        self.api.send_text(self.id, text)
        return await self._expect(before, expect)

    async def press(self, message: SentMessage, data: str, expect: int = 1) -> list[SentMessage]:
        before = self._count()
        self.api.press_button(self.id, message, data)
        return await self._expect(before, expect)

    async def agree(self) -> None:
        [card] = await self.say("/start")
        await self.press(card, "consent:yes")


def button_data(message: SentMessage) -> list[str]:
    return [data for _, data in buttons(message) if data is not None]


def text_of(messages: list[SentMessage]) -> str:
    return "\n".join(m.plain_text or "" for m in messages)
