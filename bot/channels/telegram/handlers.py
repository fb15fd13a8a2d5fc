"""Couriers' handlers: thin translations between Telegram updates and the dialogue core.

Order of work for one update (see `register`): the update id is claimed (group -3, redeliveries
stop here); staff are routed away (group -1, see `staff.py`); text is checked for floods (inside
the text handler, after the crisis check); a courier with an open handoff case is relayed to
staff (`outcomes.relay_courier`) and the bot stays quiet; otherwise commands, buttons and text go
to the dialogue core and the reply goes out through `send_reply`. A reply that opened a case is
followed at once by a handoff tick, so its card reaches the staff group without waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.channels.telegram import events, texts
from bot.channels.telegram.context import Context, courier, runtime_of
from bot.channels.telegram.format import messages_for
from bot.channels.telegram.outcomes import carry_out, chat_ref, relay_courier, run_tick
from bot.core.buttons import ButtonData
from common.replies import Action, Reply

log = logging.getLogger(__name__)

# New messages only: an edited message is not a new question (and must not reach staff twice).
PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
TYPING_AFTER = 0.5  # seconds: show "typing…" only when an answer takes longer than this
# Groups of topics for /menu, in the order a courier thinks of them.
MENU_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "contract": ("劳动合同", ("contract",)),
    "wages": ("工资、罚款", ("wages", "complaint")),
    "injury": ("社保、工伤", ("insurance", "injury")),
    "safety": ("安全、维权途径", ("safety", "rights")),
    "life": ("工会、青年、生活", ("union", "youth", "career", "living")),
    "psych": ("心情、压力", ("psych",)),
}
# Buttons that store something (a calculator, a "没帮助" press) or bring in a person: consent first.
NEEDS_CONSENT = ("c", "h", "o", "n", "q", "v")


# --- sending -----------------------------------------------------------------------------------


async def send_reply(context: Context, chat_id: int, reply: Reply) -> None:
    for message in messages_for(reply):
        await context.bot.send_message(chat_id, message.text, reply_markup=message.markup)
    if reply.handover is not None or reply.action is Action.HANDOFF:  # a case may be open now
        runtime = runtime_of(context)
        await run_tick(context.bot, runtime.handoff)


async def _with_typing(context: Context, chat_id: int, work: Awaitable[Any]) -> Any:
    """Await `work`; if it is slow, show "typing…" meanwhile (one request, not one per message)."""

    async def typing_later() -> None:
        await asyncio.sleep(TYPING_AFTER)
        with contextlib.suppress(TelegramError):
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)

    indicator = asyncio.create_task(typing_later())
    try:
        return await work
    finally:
        indicator.cancel()


def _consent_markup() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.AGREE_BUTTON, callback_data="consent:yes"),
                InlineKeyboardButton(texts.DECLINE_BUTTON, callback_data="consent:no"),
            ]
        ]
    )


# --- every update ------------------------------------------------------------------------------


async def claim_update(update: Update, context: Context) -> None:
    """Group -3: handle each update id once; a redelivery after a restart stops here."""
    if not runtime_of(context).updates.claim(update.update_id):
        log.info("update %s was handled before; skipped", update.update_id)
        raise ApplicationHandlerStop


# --- commands ----------------------------------------------------------------------------------


async def start(update: Update, context: Context) -> None:
    chat = update.effective_chat
    assert chat is not None
    if runtime_of(context).accounts.has_consented(courier(chat.id)):
        await context.bot.send_message(chat.id, texts.START.rsplit("\n\n", 1)[0])
        await context.bot.send_message(chat.id, texts.AGREED)
        return
    await context.bot.send_message(chat.id, texts.START, reply_markup=_consent_markup())


async def help_command(update: Update, context: Context) -> None:
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, texts.HELP)


async def privacy(update: Update, context: Context) -> None:
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, texts.PRIVACY)


async def menu(update: Update, context: Context) -> None:
    assert update.effective_chat is not None
    await context.bot.send_message(
        update.effective_chat.id, texts.MENU_TITLE, reply_markup=_groups_markup()
    )


async def human(update: Update, context: Context) -> None:
    chat = update.effective_chat
    assert chat is not None
    runtime = runtime_of(context)
    if not runtime.accounts.has_consented(courier(chat.id)):
        await _ask_consent(context, chat.id)
        return
    if runtime.handoff.has_open_case(chat_ref(chat.id)):
        await context.bot.send_message(chat.id, texts.HUMAN_ALREADY)
        return
    await send_reply(context, chat.id, runtime.services.dialogue.request_human(courier(chat.id)))


async def cancel(update: Update, context: Context) -> None:
    chat = update.effective_chat
    assert chat is not None
    runtime = runtime_of(context)
    if runtime.handoff.has_open_case(chat_ref(chat.id)):  # stop waiting for a person
        await carry_out(context.bot, runtime.handoff, runtime.handoff.cancel(chat_ref(chat.id)))
        return
    left = runtime.accounts.leave_flow(courier(chat.id))
    await context.bot.send_message(chat.id, texts.CANCELLED if left else texts.NOTHING_TO_CANCEL)


async def forget(update: Update, context: Context) -> None:
    chat = update.effective_chat
    assert chat is not None
    if runtime_of(context).handoff.has_open_case(chat_ref(chat.id)):
        # Deleting now would pull the case from under the staff member mid-conversation.
        await context.bot.send_message(chat.id, texts.FORGET_CASE_OPEN)
        return
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.FORGET_YES, callback_data="forget:yes"),
                InlineKeyboardButton(texts.FORGET_NO, callback_data="forget:no"),
            ]
        ]
    )
    await context.bot.send_message(chat.id, texts.FORGET_ASK, reply_markup=markup)


async def subscribe(update: Update, context: Context) -> None:
    """/subscribe: the tag buttons; a subscription is stored, so consent comes first."""
    chat = update.effective_chat
    assert chat is not None
    runtime = runtime_of(context)
    if not runtime.accounts.has_consented(courier(chat.id)):
        runtime.hold(chat.id, events.SUBSCRIBE_PENDING)
        await _ask_consent(context, chat.id, texts.NEED_CONSENT_SUBSCRIBE)
        return
    await events.show_menu(context, chat.id)


async def unsubscribe(update: Update, context: Context) -> None:
    """/unsubscribe: stop every reminder at once (without consent nothing was ever stored)."""
    chat = update.effective_chat
    assert chat is not None
    if not runtime_of(context).accounts.has_consented(courier(chat.id)):
        await context.bot.send_message(chat.id, texts.UNSUBSCRIBE_NOTHING)
        return
    await events.stop_all(context, chat.id)


async def unknown_command(update: Update, context: Context) -> None:
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, texts.UNKNOWN_COMMAND)


# --- text and other messages -------------------------------------------------------------------


async def text(update: Update, context: Context) -> None:
    message = update.effective_message
    chat = update.effective_chat
    assert message is not None and chat is not None
    await _answer_text(context, chat.id, message.text or "", update.update_id, relay=update)


async def _answer_text(
    context: Context, chat_id: int, body: str, update_id: int, *, relay: Update | None = None
) -> None:
    """`relay`: the update to copy to staff if the courier has an open handoff case."""
    runtime = runtime_of(context)
    who = courier(chat_id)
    crisis = runtime.services.understanding.crisis_in(body)
    if crisis is None:  # a person in danger is never slowed down or asked to agree first
        verdict = runtime.flood.check(chat_id)
        if verdict.notify:
            notice = texts.TOO_MANY if verdict.drop else texts.TOO_FAST
            await context.bot.send_message(chat_id, notice)
        if verdict.drop:
            return
        if verdict.delay:
            await asyncio.sleep(verdict.delay)
    # An open case goes before consent: only a crisis opens one before the courier agreed, and
    # then the counsellor must hear them. The core gives the hotlines again on a new crisis.
    if relay is not None and await relay_courier(context, relay, crisis):
        return
    if crisis is None and not runtime.accounts.has_consented(who):
        runtime.hold(chat_id, body)
        await _ask_consent(context, chat_id)
        return
    reply = await _with_typing(
        context,
        chat_id,
        runtime.services.dialogue.handle_text(who, body, dedupe_key=f"tg:{update_id}"),
    )
    if reply is not None:
        await send_reply(context, chat_id, reply)


async def _ask_consent(context: Context, chat_id: int, lead: str = texts.NEED_CONSENT) -> None:
    await context.bot.send_message(
        chat_id, f"{lead}\n\n{texts.START}", reply_markup=_consent_markup()
    )


def _kind_of(message: Message) -> str:
    for kind in ("photo", "voice", "video", "sticker", "location", "document"):
        if getattr(message, kind, None):
            return kind
    if message.audio or message.video_note:
        return "voice"
    return "other"


async def non_text(update: Update, context: Context) -> None:
    """Photos, voice, stickers, locations, documents: to staff when a case is open; else a kind
    word, and a caption is read as text."""
    message = update.effective_message
    chat = update.effective_chat
    assert message is not None and chat is not None
    caption = message.caption or ""
    crisis = runtime_of(context).services.understanding.crisis_in(caption) if caption else None
    if await relay_courier(context, update, crisis):
        return
    if crisis is None:
        await context.bot.send_message(chat.id, texts.NON_TEXT[_kind_of(message)])
    if message.caption and message.caption.strip():
        await _answer_text(context, chat.id, message.caption, update.update_id)


# --- buttons -----------------------------------------------------------------------------------


async def consent_button(update: Update, context: Context) -> None:
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    await query.answer()
    runtime = runtime_of(context)
    await _drop_buttons(query.message)
    if query.data != "consent:yes":
        runtime.pending.pop(chat.id, None)
        await context.bot.send_message(chat.id, texts.DECLINED)
        return
    runtime.accounts.agree(courier(chat.id))
    pending = runtime.pending.pop(chat.id, None)
    if pending is None or pending == events.SUBSCRIBE_PENDING:
        await context.bot.send_message(chat.id, texts.AGREED)
        if pending is not None:  # they came from /subscribe: the menu now
            await events.show_menu(context, chat.id)
        return
    await context.bot.send_message(chat.id, texts.AGREED_PENDING)
    await _answer_text(context, chat.id, pending, update.update_id)


async def forget_button(update: Update, context: Context) -> None:
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    await query.answer()
    await _drop_buttons(query.message)
    if query.data != "forget:yes":
        await context.bot.send_message(chat.id, texts.FORGET_KEPT)
        return
    runtime = runtime_of(context)
    runtime.pending.pop(chat.id, None)
    deleted = runtime.accounts.forget(courier(chat.id))
    await context.bot.send_message(chat.id, texts.FORGET_DONE if deleted else texts.FORGET_NOTHING)


async def menu_button(update: Update, context: Context) -> None:
    """`m` shows the groups, `m:<group>` the topics of one group (edited in place)."""
    query = update.callback_query
    assert query is not None
    _, _, group = (query.data or "").partition(":")
    if group and group not in MENU_GROUPS:
        await query.answer(texts.STALE_BUTTON)
        return
    await query.answer()
    if not group:
        await _edit_menu(query, texts.MENU_TITLE, _groups_markup())
        return
    title, prefixes = MENU_GROUPS[group]
    catalog = runtime_of(context).services.catalog
    topics = [
        topic
        for topic in catalog.topics
        if topic.split(".")[0] in prefixes and catalog.action(topic) == "answer"
    ]
    rows = [
        [InlineKeyboardButton(catalog.title(t), callback_data=ButtonData("answer", t).encode())]
        for t in topics
    ]
    rows.append([InlineKeyboardButton(texts.MENU_BACK, callback_data="m")])
    await _edit_menu(query, texts.MENU_GROUP.format(title=title), InlineKeyboardMarkup(rows))


async def _edit_menu(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup) -> None:
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():  # a double tap changes nothing
            raise


async def core_button(update: Update, context: Context) -> None:
    """Buttons under answers: more detail, feedback, calculators, a person."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    runtime = runtime_of(context)
    dialogue = runtime.services.dialogue
    if not dialogue.knows_button(query.data):
        await query.answer(texts.STALE_BUTTON)
        return
    code = (query.data or "").partition(":")[0]
    if code in NEEDS_CONSENT and not runtime.accounts.has_consented(courier(chat.id)):
        await query.answer(texts.NEED_CONSENT_BUTTON, show_alert=True)
        return
    reply = await dialogue.handle_button(courier(chat.id), query.data)
    if reply.stale:  # e.g. a calculator button after the calculation ended: a notice, no message
        await query.answer(texts.STALE_BUTTON)
        return
    await query.answer()
    await send_reply(context, chat.id, reply)


async def _drop_buttons(message: object) -> None:
    if isinstance(message, Message):
        with contextlib.suppress(TelegramError):
            await message.edit_reply_markup(None)


def _groups_markup() -> InlineKeyboardMarkup:
    groups = [
        InlineKeyboardButton(title, callback_data=f"m:{key}")
        for key, (title, _) in MENU_GROUPS.items()
    ]
    rows = [groups[i : i + 2] for i in range(0, len(groups), 2)]
    rows.append([InlineKeyboardButton("找真人", callback_data=ButtonData("human").encode())])
    return InlineKeyboardMarkup(rows)


async def crisis_in_command(update: Update, context: Context) -> None:
    """Group -2: "/human 我不想活了" is a crisis first; the command waits. (Staff are not
    couriers: a note quoting a courier's words is theirs to send.)"""
    message = update.effective_message
    chat = update.effective_chat
    assert message is not None and chat is not None
    if runtime_of(context).handoff.is_staff(chat_ref(chat.id)):
        return
    if events.is_admin_command(update, context):  # "/event add --title 自杀预防讲座 ..."
        return
    _, _, rest = (message.text or "").partition(" ")
    if rest.strip() and runtime_of(context).services.understanding.crisis_in(rest) is not None:
        await _answer_text(context, chat.id, rest, update.update_id, relay=update)
        raise ApplicationHandlerStop


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
    in_crisis = runtime_of(context).services.understanding.crisis_in(body) is not None
    if in_crisis:
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
COMMAND_HANDLERS: dict[str, Handler] = {
    "start": start,
    "menu": menu,
    "help": help_command,
    "human": human,
    "cancel": cancel,
    "privacy": privacy,
    "forget": forget,
    "events": events.events_command,
    "subscribe": subscribe,
    "unsubscribe": unsubscribe,
}


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # One handler runs per group, so each early check has a group of its own: claim the update
    # (-3), a crisis after a command (-2), staff routing (-1, staff.py), then couriers (0).
    app.add_handler(TypeHandler(Update, claim_update), group=-3)
    app.add_handler(MessageHandler(PRIVATE & filters.COMMAND, crisis_in_command), group=-2)
    app.add_handler(
        MessageHandler(filters.ChatType.GROUPS & filters.UpdateType.MESSAGE, in_a_group)
    )
    for name, callback in COMMAND_HANDLERS.items():
        app.add_handler(CommandHandler(name, callback, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(consent_button, pattern=r"^consent:(yes|no)$"))
    app.add_handler(CallbackQueryHandler(forget_button, pattern=r"^forget:(yes|no)$"))
    app.add_handler(CallbackQueryHandler(menu_button, pattern=r"^m(:[a-z_]{1,20})?$"))
    app.add_handler(MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, text))
    app.add_handler(MessageHandler(PRIVATE & filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL, non_text))
    app.add_error_handler(on_error)


def register_fallback_buttons(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The catch-all for buttons; registered last, after any feature's own button patterns."""
    app.add_handler(CallbackQueryHandler(core_button))
