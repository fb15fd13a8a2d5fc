"""One message of the 微信客服 feed (`kf/sync_msg`) as one call of the conversation core.

- origin 3, the courier: a text (a menu click carries `text.menu_id` and acts as the button; an
  unknown or stale id is read as the text), or an image, voice, video, file or location. Each
  opens a fresh reply window.
- origin 4, an event: `enter_session` (the welcome with consent, sent with its welcome code
  within its 20 seconds; the QR's `scene_param` is kept as the courier's entry point),
  `session_status_change` (a volunteer took, transferred or ended the session).
- origin 5, a volunteer writing in the WeCom app: into the case transcript.
Messages the bot sent itself (origin 4 without an event, or our own sends) are skipped.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.channels.wecom.outlet import CHANNEL, WeComOutlet
from bot.channels.windows import ReplyWindows
from bot.core.conversation import Conversation, Inbound
from bot.core.dialogue import UserRef
from common.clock import Clock
from common.replies import Reply
from handoff.notices import ChatRef, Incoming, MessageKind
from storage.db import UnitOfWork
from storage.repositories import Users

log = logging.getLogger(__name__)

JSON = dict[str, Any]
ORIGIN_COURIER, ORIGIN_EVENT, ORIGIN_SERVICER = 3, 4, 5
MEDIA: dict[str, MessageKind] = {
    "image": "photo",
    "voice": "voice",
    "video": "video",
    "file": "document",
    "location": "location",
    "link": "other",
    "business_card": "other",
    "miniprogram": "other",
    "channels_shop_product": "other",
    "channels": "other",
}
TAKEN, TRANSFERRED, ENDED, RESUMED = 1, 2, 3, 4


def sent_at(message: JSON) -> dt.datetime | None:
    """When the courier sent it (the platform's `send_time`), for the reply window."""
    send_time = message.get("send_time")
    if not isinstance(send_time, int | float) or send_time <= 0:
        return None
    return dt.datetime.fromtimestamp(send_time, dt.UTC)


class FeedHandler:
    def __init__(
        self,
        conversation: Conversation,
        outlet: WeComOutlet,
        windows: ReplyWindows,
        uow: UnitOfWork,
        clock: Clock,
        unionid: Callable[[str], Awaitable[str | None]] | None = None,
    ) -> None:
        self._conversation = conversation
        self._outlet = outlet
        self._windows = windows
        self._uow = uow
        self._clock = clock
        self._unionid = unionid

    @staticmethod
    def courier_of(message: JSON) -> str | None:
        """Whose lane a message belongs to (messages of one courier are handled in order)."""
        if message.get("origin") == ORIGIN_EVENT:
            event = message.get("event") or {}
            return str(event.get("external_userid") or "") or None
        return str(message.get("external_userid") or "") or None

    def prepare(self, messages: list[JSON]) -> None:
        """Before a page is handled: each courier's window opens once, at their newest message
        in it, so answers to older ones in the same page count against it, as WeCom counts
        (each page holds only messages not read before)."""
        newest: dict[str, tuple[dt.datetime, str | None]] = {}
        for message in messages:
            at = sent_at(message)
            ref = str(message.get("external_userid") or "")
            if message.get("origin") != ORIGIN_COURIER or at is None or not ref:
                continue
            if ref not in newest or at > newest[ref][0]:
                newest[ref] = (at, str(message.get("open_kfid") or "") or None)
        for ref, (at, account) in newest.items():
            self._windows.opened(ref, at=at, account=account)

    async def handle(self, message: JSON) -> None:
        msgid = str(message.get("msgid") or "")
        if not msgid or not self._conversation.claim(CHANNEL, msgid):
            return
        origin = message.get("origin")
        if origin == ORIGIN_COURIER:
            await self._courier(message, msgid)
        elif origin == ORIGIN_EVENT:
            await self._event(message.get("event") or {})
        elif origin == ORIGIN_SERVICER:
            await self._servicer(message, msgid)

    # --- the courier ------------------------------------------------------------------------

    async def _courier(self, message: JSON, msgid: str) -> None:
        ref = str(message.get("external_userid") or "")
        if not ref:
            return
        who = UserRef(CHANNEL, ref)  # its reply window was opened by `prepare`
        await self._identify(who)
        if self._outlet.sessions.state.get(ref) == 4:
            self._outlet.sessions.state.pop(ref)  # a new consultation: WeCom sets state 0
        self._conversation.seen(who)
        kind = str(message.get("msgtype") or "")
        key = f"wecom:{msgid}"
        if kind == "text":
            text = message.get("text") or {}
            content = str(text.get("content") or "")
            menu_id = str(text.get("menu_id") or "")
            if menu_id and self._conversation.knows_button(menu_id):
                pressed = await self._conversation.button(who, menu_id)
                for reply in (pressed.show, pressed.then):
                    if reply is not None:
                        await self._conversation.say(who, reply)
                if pressed.toast and pressed.alone:  # WeChat has no toasts: say it
                    await self._conversation.say(who, Reply(blocks=(html.escape(pressed.toast),)))
                return
            inbound = Inbound(who, content, "text", msgid, dedupe_key=key)
            await self._conversation.text(inbound)
            return
        media = message.get(kind) or {}
        media_ref = str(media.get("media_id") or "") or None if isinstance(media, dict) else None
        inbound = Inbound(who, "", MEDIA.get(kind, "other"), msgid, dedupe_key=key,
                          media_ref=media_ref)  # fmt: skip
        await self._conversation.media(inbound)

    # --- events -----------------------------------------------------------------------------

    async def _event(self, event: JSON) -> None:
        kind = event.get("event_type")
        ref = str(event.get("external_userid") or "")
        if not ref:
            return
        who = UserRef(CHANNEL, ref)
        if kind == "enter_session":
            await self._entered(who, event)
        elif kind == "session_status_change":
            await self._status_changed(who, event)
        elif kind == "msg_send_fail":
            log.warning("WeCom could not deliver a message (fail_type %s)", event.get("fail_type"))

    async def _entered(self, who: UserRef, event: JSON) -> None:
        scene = str(event.get("scene_param") or "")[:64] or None
        account = str(event.get("open_kfid") or "") or None
        self._remember(who, scene)
        await self._identify(who)
        if account is not None and self._windows.account(who.external_ref) is None:
            self._windows.opened(who.external_ref, account=account, allowed=0)
        code = event.get("welcome_code")
        if code:
            await self._outlet.send_event_reply(str(code), self._conversation.welcome(who))

    async def _identify(self, who: UserRef) -> None:
        """The same person on the service account? (unionid, when the corp is bound)."""
        lookup = self._unionid
        if lookup is not None:
            await self._conversation.identities.ensure(who, lambda: lookup(who.external_ref))

    def _remember(self, who: UserRef, scene: str | None) -> None:
        """The courier row, with the station whose poster they scanned (counted in reports)."""
        with self._uow() as session:
            user = Users(session).get_or_create(who.channel, who.external_ref, self._clock.now())
            if scene and not user.entry_point:
                user.entry_point = scene

    async def _status_changed(self, who: UserRef, event: JSON) -> None:
        change = int(event.get("change_type") or 0)
        servicer = str(event.get("new_servicer_userid") or "")
        code = str(event.get("msg_code") or "") or None
        chat = ChatRef(CHANNEL, who.external_ref)
        handoff = self._conversation.handoff
        if change in (TAKEN, TRANSFERRED, RESUMED) and servicer:
            self._outlet.sessions.state[who.external_ref] = 3
            await self._conversation.carry_out(handoff.platform_taken(chat, servicer))
        elif change == ENDED:
            self._outlet.sessions.state[who.external_ref] = 4
            if code:
                self._outlet.sessions.codes[who.external_ref] = code
            old = str(event.get("old_servicer_userid") or "") or None
            await self._conversation.carry_out(handoff.platform_ended(chat, old))
            self._outlet.sessions.codes.pop(who.external_ref, None)  # good for one send only

    # --- volunteers -------------------------------------------------------------------------

    async def _servicer(self, message: JSON, msgid: str) -> None:
        ref = str(message.get("external_userid") or "")
        userid = str(message.get("servicer_userid") or "")
        if not ref or not userid:
            return
        kind = str(message.get("msgtype") or "")
        text = (message.get("text") or {}).get("content") if kind == "text" else None
        incoming = Incoming(
            chat=ChatRef(CHANNEL, ref),
            message_ref=msgid,
            kind="text" if kind == "text" else MEDIA.get(kind, "other"),
            text=str(text) if text is not None else None,
            dedupe_key=f"wecom:{msgid}",
        )
        await self._conversation.carry_out(
            self._conversation.handoff.platform_staff_said(incoming.chat, userid, incoming)
        )
