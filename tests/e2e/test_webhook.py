"""Webhook mode: updates posted to the bot, checked against Telegram's secret-token header."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from bot.app import build_core
from bot.channels.telegram.app import (
    ConfigurationError,
    build_application,
    start_runtime,
    stop_runtime,
    webhook_options,
)
from bot.settings import Settings
from tests.helpers.services import free_port
from tests.standin.bot_api import BotAPIStandin

pytestmark = pytest.mark.integration


def _update(update_id: int, chat_id: int, text: str) -> dict[str, object]:
    user = {"id": chat_id, "is_bot": False, "first_name": "小王"}
    message = {
        "message_id": update_id,
        "date": 1_790_000_000,
        "chat": {"id": chat_id, "type": "private", "first_name": "小王"},
        "from": user,
        "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}]
        if text.startswith("/")
        else [],
    }
    return {"update_id": update_id, "message": message}


async def test_webhook_accepts_only_posts_with_the_secret(
    api: BotAPIStandin, settings: Settings
) -> None:
    settings = settings.model_copy(
        update={
            "telegram_webhook_url": "https://bot.example.org/telegram/hook",
            "telegram_webhook_secret": SecretStr("s3cret-token"),
        }
    )
    port = free_port()
    app = build_application(settings)
    await app.initialize()
    await start_runtime(app, settings, core=build_core(settings), owns_core=True)
    await app.start()
    assert app.updater is not None
    await app.updater.start_webhook(**webhook_options(settings, port=port))
    try:
        assert api.webhook_url == "https://bot.example.org/telegram/hook"
        url = f"http://127.0.0.1:{port}/telegram/hook"
        async with httpx.AsyncClient() as client:
            forged = await client.post(url, json=_update(1, 3001, "/help"))
            wrong = await client.post(
                url,
                json=_update(2, 3001, "/help"),
                headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
            )
            right = await client.post(
                url,
                json=_update(3, 3001, "/help"),
                headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"},
            )
        assert forged.status_code == 403 and wrong.status_code == 403
        assert right.status_code == 200
        [reply] = await api.wait_for_messages(3001, 1)
        assert "/menu" in (reply.plain_text or "")
    finally:
        await app.updater.stop()
        await app.stop()
        await stop_runtime(app)
        await app.shutdown()


def test_webhook_mode_refuses_to_start_without_a_secret(settings: Settings) -> None:
    settings = settings.model_copy(update={"telegram_webhook_url": "https://bot.example.org/h"})
    with pytest.raises(ConfigurationError, match="TELEGRAM_WEBHOOK_SECRET"):
        webhook_options(settings)
