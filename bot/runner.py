"""Run the assistant: every configured channel in one process and one event loop, on one core.

Telegram when `TELEGRAM_BOT_TOKEN` is set, WeCom 微信客服 when `WECOM_CORP_ID` is set, the
WeChat service account when `WECHAT_MP_APP_ID` is set (all at once if all are). The core
starts once the channels are up, so reminders know every sender; on SIGINT or SIGTERM (or,
with `with_parent`, when the process that started us is gone) the channels stop taking
messages, reminder sends in flight finish, and everything is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from bot.app import build_core
from bot.core.assembly import Core
from bot.settings import Settings
from common.clock import Clock
from handoff.notices import Outcome
from reminders.runtime import Channel

log = logging.getLogger(__name__)

PARENT_CHECK_SECONDS = 2.0


def channels_configured(settings: Settings) -> list[str]:
    names = []
    if settings.telegram_bot_token is not None:
        names.append("telegram")
    if settings.wecom_corp_id:
        names.append("wecom")
    if settings.wechat_mp_app_id:
        names.append("wechat_mp")
    return names


@dataclass
class Running:
    """The started channels: how to stop each, in start order."""

    core: Core
    stops: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    reminder_channels: list[Channel] = field(default_factory=list)

    async def stop(self) -> None:
        await self.core.stop_reminders()  # sends in flight finish while channels can still send
        for stop in reversed(self.stops):
            try:
                await stop()
            except Exception:
                log.error("a channel did not stop cleanly", exc_info=True)
        await self.core.aclose()


async def start(settings: Settings, *, clock: Clock | None = None) -> Running:
    """Build the core, start every configured channel on it, then start the core."""
    core = build_core(settings, clock=clock)
    running = Running(core)
    try:
        if settings.telegram_bot_token is not None:
            from bot.channels.telegram import app as telegram

            bot = telegram.build_application(settings)
            await telegram.start_channel(bot, settings, core)
            running.stops.append(lambda: telegram.stop_channel(bot))
            running.reminder_channels.append(telegram.reminder_channel(bot, core))
        if settings.wecom_corp_id:
            from bot.channels.wecom import channel as wecom

            channel = wecom.build(settings, core)
            await channel.start()
            running.stops.append(channel.stop)
            running.reminder_channels.append(channel.reminder_channel())
        if settings.wechat_mp_app_id:
            from bot.channels.wechat_mp import channel as wechat_mp

            mp = wechat_mp.build(settings, core)
            await mp.start()
            running.stops.append(mp.stop)
            running.reminder_channels.append(mp.reminder_channel())
        await core.start(running.reminder_channels)
        if settings.console_with_assistant:
            from console.app import serve_console

            console = serve_console(
                settings, uow=core.services.uow, clock=core.services.clock,
                deliver=_deliver(core),
            )  # fmt: skip
            task = asyncio.create_task(_beside(console, settings), name="console")
            running.stops.append(lambda: _cancel(task))
    except BaseException:
        await running.stop()
        raise
    return running


def _deliver(core: Core) -> Callable[[Outcome], Awaitable[None]]:
    """What a console action sends (a reassigned case's notices) goes out like any other."""

    async def deliver(outcome: Outcome) -> None:
        await core.dispatcher.carry_out(outcome)

    return deliver


async def _beside(console: Coroutine[Any, Any, None], settings: Settings) -> None:
    """The console must never take the assistant down: a port in use (uvicorn exits) or a
    crash is logged, and couriers are still answered."""
    try:
        await console
    except (Exception, SystemExit):
        log.error(
            "the console could not run on %s:%s; the assistant goes on without it",
            settings.console_host, settings.console_port, exc_info=True,
        )  # fmt: skip


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def serve(settings: Settings, *, with_parent: bool = False) -> None:
    """Run until SIGINT or SIGTERM (or the parent's death, with `with_parent`)."""
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, done.set)
    running = await start(settings)
    print(f"channels running: {', '.join(channels_configured(settings))}", flush=True)
    watcher = asyncio.create_task(_watch_parent(done)) if with_parent else None
    try:
        await done.wait()
    finally:
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        log.info("stopping")
        await running.stop()


async def _watch_parent(done: asyncio.Event) -> None:
    """Stop when the process that started us is gone (e.g. `make run` killed with SIGKILL):
    an orphaned assistant would go on answering beside the one started next."""
    parent = os.getppid()
    while not done.is_set():
        await asyncio.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent:
            log.warning("the process that started the assistant is gone; stopping")
            done.set()


def use_uvloop() -> None:
    """uvloop's event loop when it is installed (it is, except on Windows)."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - Windows
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def run(settings: Settings, *, with_parent: bool = False) -> None:
    use_uvloop()
    asyncio.run(serve(settings, with_parent=with_parent))
