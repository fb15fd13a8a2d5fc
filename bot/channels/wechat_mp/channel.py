"""The service account channel: the callback server in, the outlet and the template sender out,
on the shared core (`bot.core.assembly.Core`).

What arrives becomes one call of the conversation core, after the answer to WeChat:
- a text → `Conversation.text` (a tapped link → `Conversation.button`, see `format.Menus`);
  photos, voice, video, locations, files → `Conversation.media`;
- follow → the welcome as the passive reply (consent, or a hello when already agreed);
  unfollow → the courier inactive, so no reminder goes to them; a scan → the welcome;
- menu clicks (`menu`) → the topic menu, events and tags, union staff, hotlines;
- `TEMPLATESENDJOBFINISH` → `TemplateSender.job_finished`.
Each follower's callbacks are handled one at a time, in order; messages are de-duplicated on
MsgId, events on FromUserName + CreateTime + Event (WeChat retries a slow answer three times).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from bot.channels.wechat_mp.api import MPClient
from bot.channels.wechat_mp.callback import CallbackServer, Fields
from bot.channels.wechat_mp.format import Menus
from bot.channels.wechat_mp.menu import ASK, EVENTS, HOTLINES, UNION
from bot.channels.wechat_mp.outlet import CHANNEL, MPOutlet
from bot.channels.wechat_mp.templates import FieldMap, TemplateSender
from bot.channels.wechat_mp.window import Windows
from bot.channels.wxcrypto import WXCrypto
from bot.core.assembly import Core
from bot.core.conversation import Inbound
from bot.core.dialogue import UserRef
from bot.settings import Settings
from common.replies import Reply, to_plain
from handoff.notices import MessageKind
from knowledge.hotline_text import hotline_list
from reminders.limiter import RateLimiter
from reminders.runtime import Channel

log = logging.getLogger(__name__)

WELCOME_WITHIN = 3.0  # seconds the passive welcome may take; 客服消息 after that
STOP_WAIT = 10.0
MEDIA: dict[str, MessageKind] = {
    "image": "photo", "voice": "voice", "video": "video", "shortvideo": "video",
    "location": "location", "file": "document", "link": "other",
}  # fmt: skip


def tag_state(data: str) -> str | None:
    """“已订阅：青年服务月” for a tapped tag link (`ev:on:青年服务月`), else None."""
    for prefix, word in (("ev:on:", "已订阅"), ("ev:off:", "已退订")):
        if data.startswith(prefix):
            return f"{word}：{data.removeprefix(prefix)}"
    return None


class ConfigurationError(RuntimeError):
    """The service account's settings are incomplete; the message says what to set."""


def build(settings: Settings, core: Core) -> MPChannel:
    missing = [
        name
        for name, value in (
            ("WECHAT_MP_APP_ID", settings.wechat_mp_app_id),
            ("WECHAT_MP_APP_SECRET", settings.wechat_mp_app_secret),
            ("WECHAT_MP_TOKEN", settings.wechat_mp_token),
            ("WECHAT_MP_AES_KEY", settings.wechat_mp_aes_key),
        )
        if not value
    ]
    if missing:
        raise ConfigurationError(f"set {', '.join(missing)} to run the service account")
    return MPChannel(settings, core)


def client_from(settings: Settings) -> MPClient:
    assert settings.wechat_mp_app_id and settings.wechat_mp_app_secret
    return MPClient(
        settings.wechat_mp_api_base_url,
        settings.wechat_mp_app_id,
        settings.wechat_mp_app_secret.get_secret_value(),
    )


class MPChannel:
    def __init__(
        self,
        settings: Settings,
        core: Core,
        *,
        time_source: Callable[[], float] = time.monotonic,
    ) -> None:
        assert settings.wechat_mp_app_id and settings.wechat_mp_token
        assert settings.wechat_mp_aes_key
        self.settings = settings
        self.core = core
        self.client = client_from(settings)
        self.windows = Windows(time_source)
        self.menus = Menus(time_source)
        self.outlet = MPOutlet(self.client, self.windows, self.menus, settings.wechat_mp_kf_url)
        token = settings.wechat_mp_token.get_secret_value()
        crypto = WXCrypto(
            token, settings.wechat_mp_aes_key.get_secret_value(), settings.wechat_mp_app_id
        )
        self.server = CallbackServer(
            token=token, crypto=crypto, path=settings.wechat_mp_callback_path, arrived=self.arrived
        )
        config = core.reminders.config
        self.templates = TemplateSender(
            self.client,
            template_id=settings.wechat_mp_template_event,
            fields=FieldMap.parse(settings.wechat_mp_template_event_fields),
            quota=settings.wechat_mp_template_daily_quota,
            uow=core.services.uow,
            clock=core.services.clock,
            tz=config.timezone,
            event_url=settings.wechat_mp_event_url,
            on_blocked=self._left,
            report=self._report,
        )
        self._tasks: set[asyncio.Task[None]] = set()
        self._queues: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}

    # --- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        self.core.dispatcher.register(self.outlet)
        await self.server.start(
            self.settings.wechat_mp_callback_host, self.settings.wechat_mp_callback_port
        )

    async def stop(self) -> None:
        await self.server.stop()
        if self._tasks:
            _done, pending = await asyncio.wait(self._tasks, timeout=STOP_WAIT)
            for task in pending:
                task.cancel()
        await self.client.aclose()

    def reminder_channel(self) -> Channel:
        """Reminders as template messages: BROADCAST_RATE, repeated safely after a crash."""
        rate = RateLimiter(self.core.reminders.config.rate)
        return Channel(CHANNEL, self.templates, rate, repeat_safe=True)

    async def idle(self) -> None:
        """Wait until every callback received so far was handled (tests)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    # --- what arrives --------------------------------------------------------------------------

    async def arrived(self, fields: Fields) -> str | None:
        """Decide quickly (within WeChat's 5 seconds): claim the callback, start its work,
        and return a passive reply's text when there is one."""
        openid = fields.get("FromUserName", "")
        kind = fields.get("MsgType", "")
        event = fields.get("Event", "").lower() if kind == "event" else ""
        if not openid:
            return None
        if event == "templatesendjobfinish":
            self._spawn(openid, self._job_finished(openid, fields))
            return None
        if event:
            key = f"ev:{openid}:{fields.get('CreateTime', '')}:{event}"
        else:
            key = f"msg:{fields.get('MsgId', '') or fields.get('CreateTime', '')}"
        claimed = await asyncio.to_thread(self.core.conversation.claim, CHANNEL, key)
        if not claimed:
            return None
        who = UserRef(CHANNEL, openid)
        if event == "subscribe":
            self.windows.event(openid)
            try:
                texts = await asyncio.wait_for(self._welcome_texts(who), WELCOME_WITHIN)
            except TimeoutError:
                self._spawn(openid, self._welcome(who))
                return None
            self._spawn(openid, self._after_follow(who, texts[1:]))
            return texts[0] if texts else None
        self._spawn(openid, self._work(who, kind, event, fields))
        return None

    def _spawn(self, openid: str, work: Awaitable[None]) -> None:
        """Run `work` after the follower's earlier callbacks (one at a time, in order)."""
        lock = self._queues.setdefault(openid, asyncio.Lock())
        self._waiting[openid] = self._waiting.get(openid, 0) + 1

        async def run() -> None:
            try:
                async with lock:
                    await work
            except Exception:
                log.error("a WeChat service account callback failed", exc_info=True)
                with contextlib.suppress(Exception):
                    texts = self.core.conversation.texts(CHANNEL)
                    await self.outlet.send_text(openid, to_plain(texts.error))
            finally:
                self._waiting[openid] -= 1
                if not self._waiting[openid]:  # nobody else queued: forget the lock
                    del self._waiting[openid]
                    self._queues.pop(openid, None)

        task = asyncio.create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _job_finished(self, openid: str, fields: Fields) -> None:
        blocked = await self.templates.job_finished(
            openid, fields.get("MsgID", ""), fields.get("Status", "")
        )
        if blocked:
            await asyncio.to_thread(self.core.reminders.courier.left, CHANNEL, openid, "blocked")

    async def _welcome_texts(self, who: UserRef) -> list[str]:
        reply = await asyncio.to_thread(self.core.conversation.welcome, who)
        return self.outlet.texts(who.external_ref, reply)

    async def _welcome(self, who: UserRef) -> None:
        self.core.conversation.seen(who)
        await self.core.dispatcher.reply(
            CHANNEL, who.external_ref, self.core.conversation.welcome(who)
        )

    async def _after_follow(self, who: UserRef, rest: list[str]) -> None:
        self.core.conversation.seen(who)  # a follower who comes back gets reminders again
        await self._identify(who)
        for text in rest:
            await self.outlet.send_text(who.external_ref, text)

    async def _identify(self, who: UserRef) -> None:
        """The same person on 微信客服? (unionid, when the account is bound)."""
        await self.core.conversation.identities.ensure(
            who, lambda: self.client.unionid(who.external_ref)
        )

    async def _work(self, who: UserRef, kind: str, event: str, fields: Fields) -> None:
        conversation = self.core.conversation
        openid = who.external_ref
        if kind == "text" or kind in MEDIA:
            await self._identify(who)
        if kind == "text":
            self.windows.message(openid)
            conversation.seen(who)
            await self._text(who, fields)
        elif kind in MEDIA:
            self.windows.message(openid)
            conversation.seen(who)
            msgid = fields.get("MsgId", "")
            caption = fields.get("Recognition", "") if kind == "voice" else ""
            await conversation.media(
                Inbound(who, caption, MEDIA[kind], message_ref=msgid, dedupe_key=f"wxmp:{msgid}")
            )
        elif event == "unsubscribe":
            conversation.unreachable(who)
            await asyncio.to_thread(self.core.reminders.courier.left, CHANNEL, openid)
            log.info("a follower left the service account; reminders to them stop")
        elif event == "click":
            self.windows.event(openid)
            await self._click(who, fields.get("EventKey", ""))
        elif event == "scan":
            self.windows.event(openid)
            await self._welcome(who)

    async def _text(self, who: UserRef, fields: Fields) -> None:
        conversation = self.core.conversation
        content = fields.get("Content", "")
        msgid = fields.get("MsgId", "")
        choice = self.menus.pressed(who.external_ref, content, fields.get("bizmsgmenuid"))
        if choice is None or conversation.crisis_in(content) is not None:
            await conversation.text(
                Inbound(who, content, message_ref=msgid, dedupe_key=f"wxmp:{msgid}")
            )
            return
        pressed = await conversation.button(who, choice.data)
        if pressed.toast and pressed.alone:  # WeChat has no toasts: say it when it is all
            await self.outlet.send_text(who.external_ref, to_plain(pressed.toast))
        if pressed.show is not None:
            show = pressed.show
            state = tag_state(choice.data)
            if state is not None:  # a tapped tag: say what it is now, then the tags again
                show = Reply(blocks=(state, *show.blocks), choices=show.choices)
            await self.core.dispatcher.reply(CHANNEL, who.external_ref, show)
        if pressed.then is not None:
            await conversation.say(who, pressed.then)

    async def _click(self, who: UserRef, key: str) -> None:
        conversation = self.core.conversation
        if key == ASK:
            await conversation.command(who, "menu")
        elif key == EVENTS:
            await self._events(who)
        elif key == UNION:
            await conversation.command(who, "human", "union")
        elif key == HOTLINES:
            await self.outlet.send_text(who.external_ref, hotline_list())
        else:
            log.info("a click on an unknown menu key %r", key[:32])

    async def _events(self, who: UserRef) -> None:
        """活动提醒: coming events and the tags to tap, in one message when agreed."""
        conversation = self.core.conversation
        if not await asyncio.to_thread(conversation.accounts.has_consented, who):
            await conversation.command(who, "events")
            await conversation.command(who, "subscribe")
            return
        courier = self.core.reminders.courier
        events = await asyncio.to_thread(courier.events)
        tags = await asyncio.to_thread(courier.subscribe_menu, CHANNEL, who.external_ref)
        await self.core.dispatcher.reply(
            CHANNEL,
            who.external_ref,
            Reply(blocks=(*events.blocks, *tags.blocks), choices=tags.choices),
        )

    # --- from the template sender --------------------------------------------------------------

    def _left(self, openid: str) -> None:
        self.core.conversation.unreachable(UserRef(CHANNEL, openid))

    async def _report(self, text: str) -> None:
        service = self.core.reminders.service
        if service is not None:
            await service.runtime.notify_admins(text)
