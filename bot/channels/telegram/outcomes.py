"""The Telegram outlet: the core's replies and the handoff's sends as Bot API calls, and an
`Incoming` for the handoff from a Telegram message.

Messages between Telegram chats are copied, never forwarded (a forward shows who sent it); a
message from another channel (a WeChat courier) is sent anew from the content it carries. One
failed send is logged and the others still go out.
"""

from __future__ import annotations

import contextlib
import html
import logging

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.channels.telegram.format import keyboard, messages_for
from bot.core.crisis import CrisisSignal
from bot.core.dispatch import Delivery, Sent
from common.replies import Choice, Reply
from handoff.notices import (
    Button,
    ChatRef,
    CopyMessage,
    EditCard,
    Incoming,
    MessageKind,
    Notice,
)

log = logging.getLogger(__name__)

CHANNEL = "telegram"
START_FIRST = (
    "我没法给你发私信：请先打开和我的私聊，发一次 /start。之后案件的消息都会发到那里；"
    "已经接手的案件可以用 /transcript 看记录。"
)
_KINDS: tuple[MessageKind, ...] = ("photo", "voice", "document", "sticker", "video")


def chat_ref(chat_id: int) -> ChatRef:
    return ChatRef(CHANNEL, str(chat_id))


def kind_of(message: Message) -> MessageKind:
    if message.text is not None:
        return "text"
    for kind in _KINDS:
        if getattr(message, kind, None):
            return kind
    return "voice" if message.audio or message.video_note else "other"


def media_ref_of(message: Message) -> str | None:
    """The file id of a media message (what another channel could fetch through the Bot API)."""
    if message.photo:
        return message.photo[-1].file_id
    for kind in ("voice", "document", "sticker", "video", "audio", "video_note"):
        media = getattr(message, kind, None)
        if media is not None:
            return str(media.file_id)
    return None


def incoming_of(update_id: int, message: Message, crisis: CrisisSignal | None = None) -> Incoming:
    replied = message.reply_to_message
    return Incoming(
        chat=chat_ref(message.chat_id),
        message_ref=str(message.message_id),
        kind=kind_of(message),
        text=message.text if message.text is not None else message.caption,
        reply_to=str(replied.message_id) if replied is not None else None,
        dedupe_key=f"tg:{update_id}",
        crisis_kind=crisis.kind if crisis is not None else None,
        media_ref=media_ref_of(message),
    )


class TelegramOutlet:
    """`bot.core.dispatch.Outlet` over python-telegram-bot (HTML, inline keyboards, copies)."""

    channel = CHANNEL

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def reply(self, to: str, reply: Reply) -> Sent:
        last: int | None = None
        for message in messages_for(reply):
            try:
                sent = await self._bot.send_message(
                    int(to), message.text, reply_markup=message.markup
                )
            except Forbidden:
                log.warning("a courier's chat cannot be reached (blocked or gone)")
                return Sent(Delivery.UNREACHABLE)
            last = sent.message_id
        return Sent(Delivery.SENT, str(last) if last is not None else None)

    async def typing(self, to: str) -> None:
        with contextlib.suppress(TelegramError):
            await self._bot.send_chat_action(int(to), ChatAction.TYPING)

    async def notice(self, item: Notice | CopyMessage) -> Sent:
        try:
            return Sent(Delivery.SENT, str(await self._send(item)))
        except Forbidden:
            log.warning("chat %s cannot be reached (no private chat with the bot, or blocked)",
                        item.to.ref)  # fmt: skip
            return Sent(Delivery.UNREACHABLE)
        except TelegramError:
            log.error("handoff send to chat %s failed", item.to.ref, exc_info=True)
            return Sent(Delivery.FAILED)

    async def edit(self, item: EditCard) -> Sent:
        try:
            await self._bot.edit_message_text(
                item.html,
                chat_id=int(item.chat.ref),
                message_id=int(item.message_ref),
                reply_markup=markup(item.buttons),
            )
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():
                log.error("card edit in chat %s failed: %s", item.chat.ref, exc.message)
                return Sent(Delivery.FAILED)
        except TelegramError:
            log.error("card edit in chat %s failed", item.chat.ref, exc_info=True)
            return Sent(Delivery.FAILED)
        return Sent(Delivery.SENT, item.message_ref)

    async def _send(self, item: Notice | CopyMessage) -> int:
        reply = _reply_parameters(item.reply_to)
        if isinstance(item, Notice):
            sent = await self._bot.send_message(
                int(item.to.ref), item.html, reply_markup=markup(item.buttons),
                reply_parameters=reply,
            )  # fmt: skip
            return sent.message_id
        if item.source.channel != CHANNEL:  # from WeChat: no message to copy, send the content
            sent = await self._bot.send_message(
                int(item.to.ref), html.escape(item.label()) or "（空消息）",
                reply_parameters=reply,
            )  # fmt: skip
            return sent.message_id
        copied = await self._bot.copy_message(
            chat_id=int(item.to.ref),
            from_chat_id=int(item.source.ref),
            message_id=int(item.message_ref),
            reply_parameters=reply,
        )
        return copied.message_id


def _reply_parameters(message_ref: str | None) -> ReplyParameters | None:
    if message_ref is None or not message_ref.isdigit():
        return None
    return ReplyParameters(message_id=int(message_ref), allow_sending_without_reply=True)


def markup(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    """A satisfaction scale (1-5) in one row; other buttons laid out as under answers."""
    if not buttons:
        return None
    if len(buttons) <= 5 and all(len(b.label) <= 2 for b in buttons):
        row = [InlineKeyboardButton(b.label, callback_data=b.data) for b in buttons]
        return InlineKeyboardMarkup([row])
    return keyboard(tuple(Choice(b.label, b.data) for b in buttons))
