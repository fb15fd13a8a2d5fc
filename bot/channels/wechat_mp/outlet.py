"""The service account's outlet: the core's replies and the handoff's sends as 客服消息 texts,
within the window (`window`) and at most 2,048 bytes each (`format`).

A closed window or a refusal (45015 out of time, 45047 out of count) is not retried: the
message is reported unreachable and the window shut until the follower writes again. A reply
that opens a case also points to the union's 微信客服 (`WECHAT_MP_KF_URL`), or, without one,
gives the hotlines.
"""

from __future__ import annotations

import contextlib
import logging

from bot.channels.wechat_mp.api import MPClient, MPError, NoAnswer, Unreached
from bot.channels.wechat_mp.format import Menus, render, words
from bot.channels.wechat_mp.window import Windows
from bot.core.dispatch import Delivery, Sent
from common.replies import Action, Reply, to_plain
from handoff.notices import CopyMessage, EditCard, Notice
from knowledge.hotline_text import full_list

log = logging.getLogger(__name__)

CHANNEL = "wechat_mp"
WINDOW_SHUT = {45015, 45047, 45016, 45017, 43004, 40003}  # out of time / count, left, unknown
KF_TEXT = "想直接和工会的工作人员聊，可以点这里进入工会的微信客服：{url}"


def no_kf_text() -> str:
    return (
        "在公众号里，工作人员只能在你发消息后的 48 小时内回复你，可能不够及时。"
        f"急事请直接打电话：{full_list()}"
    )


class MPOutlet:
    """`bot.core.dispatch.Outlet` for the service account."""

    channel = CHANNEL

    def __init__(
        self, client: MPClient, windows: Windows, menus: Menus, kf_url: str | None = None
    ) -> None:
        self._client = client
        self._windows = windows
        self._menus = menus
        self._kf_url = kf_url
        self.sent = 0

    def handoff_note(self) -> str:
        return KF_TEXT.format(url=self._kf_url) if self._kf_url else no_kf_text()

    def texts(self, to: str, reply: Reply) -> list[str]:
        """The texts one reply becomes (its links are remembered for the taps)."""
        if reply.handover is not None or reply.action is Action.HANDOFF:
            reply = Reply(blocks=(*reply.blocks, self.handoff_note()), choices=reply.choices)
        return render(reply, self._menus.links(to, reply.choices))

    async def reply(self, to: str, reply: Reply) -> Sent:
        status = Delivery.SENT
        for text in self.texts(to, reply):
            status = await self.send_text(to, text)
            if status is not Delivery.SENT:
                break
        return Sent(status)

    async def send_text(self, to: str, text: str) -> Delivery:
        if self._windows.take(to) is False:
            log.info("a reply to a follower was not sent: the 客服消息 window is closed")
            return Delivery.UNREACHABLE
        try:
            await self._client.custom_send(to, {"msgtype": "text", "text": {"content": text}})
        except MPError as exc:
            if exc.errcode in WINDOW_SHUT:
                self._windows.shut(to)
                return Delivery.UNREACHABLE
            return Delivery.FAILED
        except (Unreached, NoAnswer) as exc:
            log.warning("a reply to a follower failed: %s", exc)
            return Delivery.FAILED
        self.sent += 1
        return Delivery.SENT

    async def notice(self, item: Notice | CopyMessage) -> Sent:
        """Handoff notices and staff messages to a follower (staff are not on this channel)."""
        text = words(to_plain(item.html)) if isinstance(item, Notice) else item.label()
        status = Delivery.SENT
        for part in render(Reply(blocks=(text or "（空消息）",)), []):
            status = await self.send_text(item.to.ref, part)
            if status is not Delivery.SENT:
                break
        return Sent(status)

    async def edit(self, item: EditCard) -> Sent:
        """WeChat cannot edit a message: a card is sent anew."""
        status = Delivery.SENT
        for part in render(Reply(blocks=(to_plain(item.html),)), []):
            status = await self.send_text(item.chat.ref, part)
        return Sent(status)

    async def typing(self, to: str) -> None:
        if self._windows.left(to) > 0:
            with contextlib.suppress(MPError, Unreached, NoAnswer):
                await self._client.typing(to)
