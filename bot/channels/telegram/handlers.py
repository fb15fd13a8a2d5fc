"""Couriers' handlers: thin translations between Telegram updates and the conversation core.

Order of work for one update (see `register`): the update id is claimed (group -3, redeliveries
stop here); a crisis after a command goes first (group -2); staff are routed away (group -1, see
`staff.py`); then commands, buttons, text and media each become one call of
`bot.core.conversation.Conversation`, which decides (crisis, flood, relay, consent, dialogue)
and sends through the Telegram outlet.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.channels.telegram import events, texts
from bot.channels.telegram.context import Context, courier, runtime_of
from bot.channels.telegram.format import messages_for
from bot.channels.telegram.outcomes import START_FIRST, chat_ref, kind_of, media_ref_of
from bot.core.conversation import Inbound
from common.replies import Reply

log = logging.getLogger(__name__)

# New messages only: an edited message is not a new question (and must not reach staff twice).
PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
COMMANDS = (
    "start", "menu", "help", "human", "cancel", "privacy", "forget", "events", "subscribe",
    "unsubscribe",
)  # fmt: skip


def inbound_of(update: Update, message: Message, text: str | None = None) -> Inbound:
    replied = message.reply_to_message
    return Inbound(
        who=courier(message.chat_id),
        text=text if text is not None else (message.text or message.caption or ""),
        kind=("location" if message.location else kind_of(message)) if text is None else "text",
        message_ref=str(message.message_id),
        reply_to=str(replied.message_id) if replied is not None else None,
        dedupe_key=f"tg:{update.update_id}",
        media_ref=media_ref_of(message),
    )


# --- every update ------------------------------------------------------------------------------


async def claim_update(update: Update, context: Context) -> None:
    """Group -3: handle each update id once; a redelivery after a restart stops here."""
    if not runtime_of(context).conversation.claim("telegram", str(update.update_id)):
        raise ApplicationHandlerStop


async def crisis_in_command(update: Update, context: Context) -> None:
    """Group -2: "/human 我不想活了" is a crisis first; the command waits. (Staff are not
    couriers: a note quoting a courier's words is theirs to send.)"""
    message = update.effective_message
    chat = update.effective_chat
    assert message is not None and chat is not None
    conversation = runtime_of(context).conversation
    if conversation.is_staff(chat_ref(chat.id)):
        return
    if events.is_admin_command(update, context):  # "/event add --title 自杀预防讲座 ..."
        return
    _, _, rest = (message.text or "").partition(" ")
    if rest.strip() and conversation.crisis_in(rest) is not None:
        await conversation.text(inbound_of(update, message, rest))
        raise ApplicationHandlerStop


# --- commands, text, media ---------------------------------------------------------------------


async def command(update: Update, context: Context) -> None:
    """/start, /menu, /help, /human, /cancel, /privacy, /forget, /events, /subscribe,
    /unsubscribe, and unknown commands."""
    message = update.effective_message
    assert message is not None
    # Arguments are not read: "/human 律师" asks for a person as /human does (a crisis in the
    # words was caught in group -2).
    name = (message.text or "/").split(maxsplit=1)[0].lstrip("/").split("@")[0].lower()
    conversation = runtime_of(context).conversation
    await conversation.command(courier(message.chat_id), name if name in COMMANDS else "?")


async def text(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None
    await runtime_of(context).conversation.text(inbound_of(update, message))


async def non_text(update: Update, context: Context) -> None:
    """Photos, voice, stickers, locations, documents."""
    message = update.effective_message
    assert message is not None
    await runtime_of(context).conversation.media(inbound_of(update, message))


# --- buttons -----------------------------------------------------------------------------------


async def button(update: Update, context: Context) -> None:
    """Every courier button (consent, menus, answers, calculators, reminders, handoff)."""
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    assert query is not None and user is not None
    # Handoff buttons are pressed in the staff group too: the presser is the user.
    who = courier(chat.id if chat is not None and chat.type == "private" else user.id)
    shown = user.full_name + (f" @{user.username}" if user.username else "")
    conversation = runtime_of(context).conversation
    if (query.data or "").startswith(("consent:", "forget:")):  # acknowledged at once
        await _answer(query)
        await _drop_buttons(query.message)
        await conversation.button(who, query.data)
        return
    pressed = await conversation.button(who, query.data, shown_name=shown)
    toast = START_FIRST if pressed.unreachable else pressed.toast
    await _answer(query, toast, alert=pressed.alert or pressed.unreachable)
    if pressed.show is not None:
        await _show(context, query, who.external_ref, pressed.show)
    if pressed.then is not None:
        await conversation.say(who, pressed.then)


async def _answer(query: CallbackQuery, toast: str | None = None, *, alert: bool = False) -> None:
    try:
        await query.answer(toast, show_alert=alert)
    except TelegramError:
        log.warning("could not answer a button press (too old?)")


async def _show(context: Context, query: CallbackQuery, chat_id: str, reply: Reply) -> None:
    """Show `reply` in place of the pressed message (menus); a new message if it cannot be."""
    [out, *more] = messages_for(reply)
    if isinstance(query.message, Message) and not more:
        try:
            await query.edit_message_text(out.text, reply_markup=out.markup)
            return
        except BadRequest as exc:
            if "not modified" in exc.message.lower():  # a double tap changes nothing
                return
            log.info("menu not edited (%s); sending it anew", exc.message)
    await runtime_of(context).core.dispatcher.reply("telegram", chat_id, reply)


async def _drop_buttons(message: object) -> None:
    if isinstance(message, Message):
        with contextlib.suppress(TelegramError):
            await message.edit_reply_markup(None)


async def in_a_group(update: Update, context: Context) -> None:
    """A courier's group (not the staff group): nothing is stored or answered there, but a
    command, a mention or a reply to the bot is pointed to a private chat, hotlines first."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    body = message.text or message.caption or ""
    addressed = (
        body.startswith("/")
        or f"@{context.bot.username}" in body
        or (
            message.reply_to_message is not None
            and message.reply_to_message.from_user is not None
            and message.reply_to_message.from_user.id == context.bot.id
        )
    )
    if runtime_of(context).conversation.crisis_in(body) is not None:
        await message.reply_text(texts.GROUP_CRISIS)
    elif addressed:
        await message.reply_text(texts.GROUP_ONLY_PRIVATE)


# --- errors ------------------------------------------------------------------------------------


async def on_error(update: object, context: Context) -> None:
    """Log the failure (never the message text) and tell the courier kindly."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error(
        "update %s failed: %s", update_id, type(context.error).__name__, exc_info=context.error
    )
    chat = update.effective_chat if isinstance(update, Update) else None
    if chat is not None and chat.type == "private":
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(chat.id, texts.ERROR)


# --- wiring ------------------------------------------------------------------------------------

Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # One handler runs per group, so each early check has a group of its own: claim the update
    # (-3), a crisis after a command (-2), staff routing (-1, staff.py), then couriers (0).
    app.add_handler(TypeHandler(Update, claim_update), group=-3)
    app.add_handler(MessageHandler(PRIVATE & filters.COMMAND, crisis_in_command), group=-2)
    app.add_handler(
        MessageHandler(filters.ChatType.GROUPS & filters.UpdateType.MESSAGE, in_a_group)
    )
    app.add_handler(MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, text))
    app.add_handler(MessageHandler(PRIVATE & filters.COMMAND, command))
    app.add_handler(MessageHandler(PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL, non_text))
    app.add_error_handler(on_error)


def register_fallback_buttons(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The catch-all for buttons; registered last."""
    app.add_handler(CallbackQueryHandler(button))
