"""The Telegram composition root: one `Application`, built from `Settings`, run by `run`.

`post_init` builds the services (database, NLU client, templates, the reminder scheduler) and
registers the commands; `post_stop` stops the reminders while the bot can still send (sends in
flight finish and are recorded); `post_shutdown` closes the rest. Tests build the same
application and point it at a stand-in.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any
from zoneinfo import ZoneInfo

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    ContextTypes,
    Defaults,
)

from bot.app import Services, build_services
from bot.channels.telegram import events, handlers, staff, texts
from bot.channels.telegram.context import BotData, Runtime
from bot.channels.telegram.ratelimit import CourierRateLimiter
from bot.channels.telegram.request import AiohttpRequest
from bot.channels.telegram.updates import FloodGuard, PerChatProcessor, UpdateLog
from bot.core.accounts import Accounts
from bot.settings import Settings
from common.clock import Clock
from handoff.config import HandoffConfig
from handoff.service import HandoffService
from reminders.config import ReminderConfig

log = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, BotData, Any]


class ConfigurationError(RuntimeError):
    """The Telegram settings are incomplete; the message says what to set."""


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    flood: FloodGuard | None = None,
) -> TelegramApp:
    if settings.telegram_bot_token is None:
        raise ConfigurationError("TELEGRAM_BOT_TOKEN is not set")
    root = settings.telegram_api_base_url.rstrip("/")
    admins = [int(chat) for chat in reminder_config(settings).admin_chats]

    async def post_init(app: TelegramApp) -> None:
        await start_runtime(app, settings, clock=clock, flood=flood)

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
        .post_init(post_init)
        .post_stop(stop_reminders)
        .post_shutdown(stop_runtime)
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
    clock: Clock | None = None,
    flood: FloodGuard | None = None,
    services: Services | None = None,
) -> None:
    """Build the services and tell Telegram our commands. Idempotent."""
    if app.bot_data.runtime is not None:
        return
    services = services or build_services(settings, clock=clock)
    catalog = services.catalog
    handoff = HandoffService(
        uow=services.uow,
        clock=services.clock,
        config=HandoffConfig.from_settings(
            settings, topic_titles={t: catalog.title(t) for t in catalog.topics}
        ),
    )
    app.bot_data.runtime = runtime = Runtime(
        services=services,
        accounts=Accounts(services.uow, services.clock),
        updates=UpdateLog(services.uow, services.clock.now),
        flood=flood or FloodGuard(),
        handoff=handoff,
        reminders=events.build(app.bot, services, reminder_config(settings)),
    )
    await app.bot.set_my_commands([BotCommand(name, about) for name, about in texts.COMMANDS])
    await staff.show_staff_menus(app.bot, runtime)
    await events.start(runtime.reminders)
    log.info("Telegram bot ready as @%s", app.bot.username)


async def stop_reminders(app: TelegramApp) -> None:
    """Stop the reminders while the bot can still send; unfinished broadcasts resume later."""
    if app.bot_data.runtime is not None:
        await events.stop(app.bot_data.runtime.reminders)


async def stop_runtime(app: TelegramApp) -> None:
    await stop_reminders(app)
    runtime, app.bot_data.runtime = app.bot_data.runtime, None
    if runtime is not None:
        await runtime.services.aclose()


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


def _use_uvloop() -> None:
    """uvloop's event loop when it is installed (it is, except on Windows)."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - Windows
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def stop_with_parent(app: TelegramApp, *, every: float = 2.0) -> None:
    """Stop when the process that started us is gone (e.g. `make run` killed with SIGKILL):
    an orphaned bot would go on polling and sending beside the one started next."""
    parent = os.getppid()

    async def watch(context: CallbackContext[Any, Any, Any, Any]) -> None:
        if os.getppid() != parent:
            log.warning("the process that started the bot is gone; stopping")
            context.application.stop_running()

    assert app.job_queue is not None
    app.job_queue.run_repeating(watch, interval=every, first=every, name="stop-with-parent")


def run(settings: Settings, *, with_parent: bool = False) -> None:
    """Run until SIGINT or SIGTERM: webhook mode when a webhook URL is set, long polling else.
    `with_parent`: also stop when the parent process dies (`make run` asks for this)."""
    _use_uvloop()
    app = build_application(settings)
    if with_parent:
        stop_with_parent(app)
    if settings.telegram_webhook_url:
        options = webhook_options(settings)
        log.info("starting the webhook on %s:%s", options["listen"], options["port"])
        app.run_webhook(**options)
        return
    log.info("starting long polling")
    app.run_polling(allowed_updates=Update.ALL_TYPES)
