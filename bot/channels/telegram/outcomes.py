"""Telegram and the handoff core: an `Incoming` from a Telegram message, an `Outcome` carried out.

Messages are copied, never forwarded (a forward shows who sent it). A send that carries a `Track`
reports its new message id to the core, so replies find their case and cards can be edited. One
failed send is logged and the others still go out.
"""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.channels.telegram.context import CHANNEL, Context, runtime_of
from bot.channels.telegram.format import keyboard
from bot.core.crisis import CrisisSignal
from common.replies import Choice
from handoff.notices import (
    Button,
    ChatRef,
    CopyMessage,
    EditCard,
    Incoming,
    MessageKind,
    Notice,
    Outcome,
)
from handoff.service import HandoffService

log = logging.getLogger(__name__)

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


def incoming_of(update: Update, message: Message, crisis: CrisisSignal | None = None) -> Incoming:
    replied = message.reply_to_message
    return Incoming(
        chat=chat_ref(message.chat_id),
        message_ref=str(message.message_id),
        kind=kind_of(message),
        text=message.text if message.text is not None else message.caption,
        reply_to=str(replied.message_id) if replied is not None else None,
        dedupe_key=f"tg:{update.update_id}",
        crisis_kind=crisis.kind if crisis is not None else None,
    )


async def relay_courier(context: Context, update: Update, crisis: CrisisSignal | None) -> bool:
    """A courier's message while their case is open goes to staff, not to the dialogue.
    False when they have no open case (the dialogue answers then)."""
    message = update.effective_message
    if message is None:
        return False
    service = runtime_of(context).handoff
    outcome = service.courier_message(incoming_of(update, message, crisis))
    if not outcome.handled:
        return False
    await carry_out(context.bot, service, outcome)
    if crisis is not None:  # the case became urgent: its new card goes out now
        await run_tick(context.bot, service)
    return True


async def run_tick(bot: Bot, service: HandoffService) -> None:
    """Announce new cases, remind and page for unclaimed ones (see `HandoffService.tick`)."""
    await carry_out(bot, service, service.tick())


async def carry_out(
    bot: Bot, service: HandoffService, outcome: Outcome, *, query: CallbackQuery | None = None
) -> None:
    """Send, copy and edit in order; answer the pressed button (if any) with the toast."""
    alert: str | None = None
    for item in outcome.sends:
        target = item.chat if isinstance(item, EditCard) else item.to
        if target.channel != CHANNEL:
            log.warning("handoff send to channel %r skipped: not this channel", target.channel)
            continue
        try:
            if isinstance(item, EditCard):
                await _edit(bot, item)
                continue
            message_id = await _send(bot, item)
        except Forbidden:
            log.warning("chat %s cannot be reached (no private chat with the bot, or blocked)",
                        target.ref)  # fmt: skip
            if query is not None and str(query.from_user.id) == target.ref:
                alert = START_FIRST
            continue
        except TelegramError:
            log.error("handoff send to chat %s failed", target.ref, exc_info=True)
            continue
        if item.track is not None:
            service.record_sent(item.track, item.to, str(message_id))
    if query is not None:
        try:
            await query.answer(alert or outcome.toast, show_alert=alert is not None)
        except TelegramError:
            log.warning("could not answer a button press (too old?)")


async def _send(bot: Bot, item: Notice | CopyMessage) -> int:
    reply = _reply_parameters(item.reply_to)
    if isinstance(item, Notice):
        sent = await bot.send_message(
            int(item.to.ref), item.html, reply_markup=markup(item.buttons), reply_parameters=reply
        )
        return sent.message_id
    copied = await bot.copy_message(
        chat_id=int(item.to.ref),
        from_chat_id=int(item.source.ref),
        message_id=int(item.message_ref),
        reply_parameters=reply,
    )
    return copied.message_id


async def _edit(bot: Bot, item: EditCard) -> None:
    try:
        await bot.edit_message_text(
            item.html,
            chat_id=int(item.chat.ref),
            message_id=int(item.message_ref),
            reply_markup=markup(item.buttons),
        )
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


def _reply_parameters(message_ref: str | None) -> ReplyParameters | None:
    if message_ref is None:
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
