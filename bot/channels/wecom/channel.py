"""The WeCom channel, built from the settings on the shared core, started and stopped by
`bot.runner` beside the others."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.channels.wecom.callback import make_app
from bot.channels.wecom.client import WeComClient, WeComError
from bot.channels.wecom.inbound import FeedHandler
from bot.channels.wecom.outlet import CHANNEL, WeComOutlet
from bot.channels.wecom.sync import Cursors, FeedReader
from bot.channels.windows import ReplyWindows
from bot.channels.wxcrypto import WXCrypto
from bot.core.assembly import Core
from bot.settings import Settings
from common.replies import Reply
from reminders.limiter import RateLimiter
from reminders.runtime import Channel
from reminders.sender import SendOutcome

log = logging.getLogger(__name__)


class ConfigurationError(RuntimeError):
    """The WeCom settings are incomplete; the message says what to set."""


class WeComReminders:
    """`reminders.sender.Sender` for 微信客服: a reminder goes out only inside the courier's
    reply window; otherwise it is recorded as not deliverable on this channel (reminders in
    WeChat come through the union's service account)."""

    def __init__(self, outlet: WeComOutlet, windows: ReplyWindows) -> None:
        self._outlet = outlet
        self._windows = windows

    async def send(self, chat_ref: str, html: str) -> SendOutcome:
        if self._windows.left(chat_ref) <= 0:
            return SendOutcome.undeliverable("outside the 48-hour window or its 5 messages")
        sent = await self._outlet.reply(chat_ref, Reply(blocks=(html,)))
        if sent.message_ref is None:
            return SendOutcome.undeliverable("the session is not with the bot")
        return SendOutcome.sent()


class WeComChannel:
    def __init__(self, settings: Settings, core: Core) -> None:
        missing = [
            name
            for name, value in (
                ("WECOM_SECRET", settings.wecom_secret),
                ("WECOM_TOKEN", settings.wecom_token),
                ("WECOM_AES_KEY", settings.wecom_aes_key),
            )
            if value is None
        ]
        if missing or not settings.wecom_corp_id:
            raise ConfigurationError(f"WeCom needs {', '.join(missing or ['WECOM_CORP_ID'])}")
        assert settings.wecom_secret and settings.wecom_token and settings.wecom_aes_key
        self._settings = settings
        self._core = core
        services = core.services
        self.client = WeComClient(
            root=settings.wecom_api_base_url,
            corp_id=settings.wecom_corp_id,
            secret=settings.wecom_secret.get_secret_value(),
        )
        self.crypto = WXCrypto(
            settings.wecom_token.get_secret_value(),
            settings.wecom_aes_key.get_secret_value(),
            settings.wecom_corp_id,
        )
        self.windows = ReplyWindows(CHANNEL, services.uow, services.clock.now)
        self.outlet = WeComOutlet(
            self.client, self.windows, core.handoff, agent_id=settings.wecom_agent_id,
            default_account=settings.wecom_open_kfid,
        )  # fmt: skip
        self.feed = FeedHandler(
            core.conversation, self.outlet, self.windows, services.uow, services.clock,
            unionid=self.client.unionid,
        )  # fmt: skip
        self.reader = FeedReader(
            self.client, Cursors(services.uow, services.clock.now), self.feed.handle,
            FeedHandler.courier_of, self.feed.prepare,
        )  # fmt: skip
        self._runner: web.AppRunner | None = None

    def reminder_channel(self) -> Channel:
        return Channel(
            CHANNEL,
            WeComReminders(self.outlet, self.windows),
            RateLimiter(self._core.reminders.config.rate),
        )

    async def start(self) -> None:
        self._core.dispatcher.register(self.outlet)
        app = make_app(self.crypto, self._settings.wecom_callback_path, self.reader.poke)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(
            self._runner, self._settings.wecom_callback_host, self._settings.wecom_callback_port
        )
        await site.start()
        log.info(
            "WeCom callback listening on %s:%s%s", self._settings.wecom_callback_host,
            self._settings.wecom_callback_port, self._settings.wecom_callback_path,
        )  # fmt: skip
        try:
            await self.client.token()
        except (WeComError, OSError):
            log.error("could not get a WeCom access token at start; will try at the first call")

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.reader.stop()
        await self.client.aclose()


def build(settings: Settings, core: Core) -> WeComChannel:
    return WeComChannel(settings, core)
