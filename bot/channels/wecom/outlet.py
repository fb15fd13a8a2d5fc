"""The WeCom outlet: what the core sends, as 微信客服 messages within the platform's rules.

- `send_msg` only while the session is with the bot (state 0 or 1; never 2, 3 or 4) and within
  the window (5 within 48 hours of the courier's last message). A one-time event code (the
  welcome code, a session change's `msg_code`) is used first when one waits: it does not count.
- A reply that opened a case hands the session over: to a registered, active staff member of
  that role on duty (state 3), else to the platform's queue where the account's 接待人员 pick it
  up (state 2; the courier is told, with the hotlines, that the bot cannot answer while queued).
- Copies of a courier's messages to a WeCom volunteer are not sent (the platform shows the
  conversation in the WeCom app); notices to a volunteer go as app messages (`message/send`).
- Every refusal is logged with its errcode and never retried.
"""

from __future__ import annotations

import html
import logging
import uuid
from dataclasses import dataclass, field

from bot.channels.wecom.client import WeComClient, WeComError
from bot.channels.wecom.format import Planned, flat_text, plan
from bot.channels.windows import ReplyWindows
from bot.core.dispatch import Delivery, Sent
from common.replies import Choice, HandoverRequest, Reply, to_plain
from handoff.notices import CopyMessage, EditCard, Notice
from handoff.service import HandoffService
from knowledge.hotline_text import full_list

log = logging.getLogger(__name__)

CHANNEL = "wecom"
BOT_STATES = frozenset({0, 1})
PER_REPLY = 3  # sends one reply may take, so what follows it in the turn still fits


def queued_text() -> str:
    return (
        "已经帮你转人工，正在排队等工作人员接入，接入后会在这里回复你。"
        "排队的时候我就不能再回复你了，可能要等一会儿。"
        f"着急的话先打：{full_list()}"
    )


def new_msgid() -> str:
    return uuid.uuid4().hex


@dataclass
class Sessions:
    """What the channel knows of each courier's session: its state and a waiting event code."""

    state: dict[str, int] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)


class WeComOutlet:
    channel = CHANNEL

    def __init__(
        self,
        client: WeComClient,
        windows: ReplyWindows,
        handoff: HandoffService,
        *,
        default_account: str | None = None,
        agent_id: int | None = None,
    ) -> None:
        self._client = client
        self._windows = windows
        self._handoff = handoff
        self._default_account = default_account
        self._agent_id = agent_id
        self.sessions = Sessions()

    # --- the core's replies -----------------------------------------------------------------

    async def reply(self, to: str, reply: Reply) -> Sent:
        sent = await self._deliver(to, reply)
        if reply.handover is not None:
            await self.hand_over(to, reply.handover)
        return sent

    async def typing(self, to: str) -> None:
        return None  # 微信客服 has no typing indicator

    async def notice(self, item: Notice | CopyMessage) -> Sent:
        if item.to.channel != CHANNEL:
            return Sent(Delivery.FAILED)
        if self._handoff.is_staff(item.to):  # a volunteer: the WeCom app, not a courier chat
            return await self._to_staff(item)
        if isinstance(item, Notice):
            choices = tuple(Choice(b.label, b.data) for b in item.buttons)
            return await self._deliver(item.to.ref, Reply(blocks=(item.html,), choices=choices))
        return await self._deliver(item.to.ref, Reply(blocks=(html.escape(item.label()),)))

    async def edit(self, item: EditCard) -> Sent:
        """WeChat cannot edit a message: a card is sent again."""
        return await self.notice(Notice(item.chat, item.html, item.buttons))

    # --- sending ----------------------------------------------------------------------------

    async def _deliver(self, to: str, reply: Reply) -> Sent:
        account = self._windows.account(to) or self._default_account
        if account is None:
            log.warning("no 微信客服 account known for a courier; reply not sent")
            return Sent(Delivery.UNREACHABLE)
        code = self.sessions.codes.pop(to, None)
        if code is not None:
            return await self._on_event(code, reply)
        if not await self._with_bot(account, to):
            log.info("session not with the bot; reply not sent (the person holding it answers)")
            return Sent(Delivery.UNREACHABLE)
        planned: Planned = plan(reply, min(PER_REPLY, self._windows.left(to)))
        if not planned.messages:
            log.info("reply window closed or used up for a courier; not sent")
            return Sent(Delivery.UNREACHABLE)
        last: str | None = None
        for message in planned.messages:
            if not self._windows.take(to):
                return Sent(Delivery.UNREACHABLE)
            try:
                last = await self._client.send_msg(account, to, message, new_msgid())
            except WeComError as exc:
                self._windows.give_back(to)
                if exc.errcode == 95018:  # the session left the bot meanwhile
                    self.sessions.state.pop(to, None)
                return Sent(Delivery.FAILED)
        return Sent(Delivery.SENT, last)

    async def _on_event(self, code: str, reply: Reply) -> Sent:
        """One message with a one-time event code (welcome, session change); outside the count.
        Several planned messages become one: a code is good for a single send."""
        planned = plan(reply, 1)
        if not planned.messages:
            return Sent(Delivery.FAILED)
        message = planned.messages[0]
        try:
            msgid = await self._client.send_on_event(code, message, new_msgid())
        except WeComError as exc:
            if exc.errcode == 0 or message["msgtype"] == "text":
                return Sent(Delivery.FAILED)
            text = {"msgtype": "text", "text": {"content": flat_text(message)[:600]}}
            try:  # some codes allow text only (queue, taken): try once more as text
                msgid = await self._client.send_on_event(code, text, new_msgid())
            except WeComError:
                return Sent(Delivery.FAILED)
        return Sent(Delivery.SENT, msgid)

    async def send_event_reply(self, code: str, reply: Reply) -> Sent:
        """A reply sent with a one-time event code (the welcome on entering the chat)."""
        return await self._on_event(code, reply)

    async def _with_bot(self, account: str, to: str) -> bool:
        state = self.sessions.state.get(to)
        if state is None:
            try:
                state, _servicer = await self._client.service_state(account, to)
            except WeComError:
                return False
            self.sessions.state[to] = state
        return state in BOT_STATES

    async def _to_staff(self, item: Notice | CopyMessage) -> Sent:
        if isinstance(item, CopyMessage):
            return Sent(Delivery.SENT)  # the WeCom app already shows the courier's message
        if self._agent_id is None:
            log.warning("a notice to a WeCom staff member was not sent: WECOM_AGENT_ID is unset")
            return Sent(Delivery.UNREACHABLE)
        try:
            await self._client.app_message(self._agent_id, item.to.ref, to_plain(item.html))
        except WeComError:
            return Sent(Delivery.FAILED)
        return Sent(Delivery.SENT)

    # --- handing the session to a person ----------------------------------------------------

    async def hand_over(self, to: str, handover: HandoverRequest) -> None:
        """A case was opened: give the session to a person of its role, or to the queue."""
        if handover.role is None and not handover.urgent:
            return  # the courier picks the kind of person first
        account = self._windows.account(to) or self._default_account
        if account is None or self.sessions.state.get(to) in (2, 3):
            return
        role = handover.role or "counselling"
        servicer = self._handoff.servicer_for(role)
        state = 3 if servicer else 2  # else the queue, where the account's 接待人员 pick it up
        try:
            code = await self._client.transfer(account, to, state, servicer)
        except WeComError:
            return
        self.sessions.state[to] = state
        if state == 2 and code:
            await self._on_event(code, Reply(blocks=(queued_text(),)))
