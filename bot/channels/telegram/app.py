"""The Telegram channel: one PTB `Application` built from `Settings`, on the shared core.

`start_runtime` attaches the application to the core (`bot.app.Core`; built here when Telegram
runs alone, as in tests, or handed in by `bot.runner` beside other channels), registers the
Telegram outlet and the commands; `stop_runtime` stops the reminders while the bot can still
send and closes what it owns. Tests build the same application and point it at a stand-in.
"""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
)

from bot.channels.telegram import events, handlers, staff, texts
from bot.channels.telegram.context import CHANNEL, BotData, Runtime, courier
from bot.channels.telegram.events import TelegramSender
from bot.channels.telegram.outcomes import TelegramOutlet
from bot.channels.telegram.ratelimit import CourierRateLimiter
from bot.channels.telegram.request import AiohttpRequest
from bot.channels.telegram.updates import PerChatProcessor
from bot.core.assembly import Core
from bot.core.intake import FloodGuard
from bot.settings import Settings
from reminders.config import ReminderConfig
from reminders.limiter import RateLimiter
from reminders.runtime import Channel

log = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, BotData, Any]


class ConfigurationError(RuntimeError):
    """The Telegram settings are incomplete; the message says what to set."""


def build_application(settings: Settings) -> TelegramApp:
    if settings.telegram_bot_token is None:
        raise ConfigurationError("TELEGRAM_BOT_TOKEN is not set")
    root = settings.telegram_api_base_url.rstrip("/")
    admins = [int(chat) for chat in reminder_config(settings).admin_chats]

    app: TelegramApp = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=ZoneInfo(settings.timezone),
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .context_types(ContextTypes(bot_data=BotData))
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        .rate_limiter(
            CourierRateLimiter(
                overall_max_rate=settings.telegram_overall_rate,
                per_chat_interval=settings.telegram_chat_interval,
            )
        )
        .concurrent_updates(PerChatProcessor(settings.telegram_concurrent_updates))
        .build()
    )
    handlers.register(app)
    events.register(app, admins)  # before staff: administrators' /event goes first
    staff.register(app)
    handlers.register_fallback_buttons(app)
    return app


async def start_runtime(
    app: TelegramApp,
    settings: Settings,
    *,
    core: Core,
    owns_core: bool = False,
    flood: FloodGuard | None = None,
) -> None:
    """Attach the bot to the core, register its outlet, tell Telegram our commands.
    Idempotent. `owns_core`: Telegram runs alone, so it starts the core (reminders through
    this bot) and closes it in `stop_runtime`."""
    if app.bot_data.runtime is not None:
        return
    if flood is not None:
        core.conversation.flood = flood
    core.dispatcher.register(TelegramOutlet(app.bot))
    app.bot_data.runtime = runtime = Runtime(core=core, settings=settings, owns_core=owns_core)
    await app.bot.set_my_commands([BotCommand(name, about) for name, about in texts.COMMANDS])
    await staff.show_staff_menus(app.bot, runtime)
    if owns_core:
        await core.start([reminder_channel(app, core)])
    log.info("Telegram bot ready as @%s", app.bot.username)


def reminder_channel(app: TelegramApp, core: Core) -> Channel:
    """How reminders reach Telegram couriers: the bot's limiter, at most once per send."""

    def blocked(chat_ref: str) -> None:
        core.conversation.unreachable(courier(int(chat_ref)))

    sender = TelegramSender(app.bot, on_blocked=blocked)
    return Channel(CHANNEL, sender, RateLimiter(core.reminders.config.rate))


async def stop_reminders(app: TelegramApp) -> None:
    """Stop the reminders while the bot can still send; unfinished broadcasts resume later."""
    runtime = app.bot_data.runtime
    if runtime is not None and runtime.owns_core:
        await runtime.core.stop_reminders()


async def stop_runtime(app: TelegramApp) -> None:
    await stop_reminders(app)
    runtime, app.bot_data.runtime = app.bot_data.runtime, None
    if runtime is not None and runtime.owns_core:
        await runtime.core.aclose()


def reminder_config(settings: Settings) -> ReminderConfig:
    try:
        return ReminderConfig.from_settings(settings)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from exc


def webhook_options(settings: Settings, *, port: int | None = None) -> dict[str, Any]:
    """Arguments for `run_webhook` / `Updater.start_webhook`; the secret token is required."""
    if not settings.telegram_webhook_url:
        raise ConfigurationError("TELEGRAM_WEBHOOK_URL is not set")
    if settings.telegram_webhook_secret is None:
        raise ConfigurationError(
            "TELEGRAM_WEBHOOK_SECRET must be set in webhook mode, so that only Telegram "
            "can post updates"
        )
    return {
        "listen": settings.telegram_webhook_listen,
        "port": port if port is not None else settings.telegram_webhook_port,
        "url_path": settings.telegram_webhook_url.split("://", 1)[-1].partition("/")[2],
        "webhook_url": settings.telegram_webhook_url,
        "secret_token": settings.telegram_webhook_secret.get_secret_value(),
        "allowed_updates": Update.ALL_TYPES,
    }


async def start_channel(app: TelegramApp, settings: Settings, core: Core) -> None:
    """Start the bot beside other channels on a shared core (`bot.runner`): webhook mode
    when a webhook URL is set, long polling otherwise."""
    await app.initialize()
    await start_runtime(app, settings, core=core, owns_core=False)
    await app.start()
    assert app.updater is not None
    if settings.telegram_webhook_url:
        options = webhook_options(settings)
        log.info("starting the Telegram webhook on %s:%s", options["listen"], options["port"])
        await app.updater.start_webhook(**options)
    else:
        log.info("starting Telegram long polling")
        await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)


async def stop_channel(app: TelegramApp) -> None:
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await stop_runtime(app)
    await app.shutdown()
