"""Staff on Telegram: their commands and messages, the handoff buttons, the staff group, the tick.

Order of work (see `register`):
- group -1: a private message from a registered staff member goes to the handoff core (commands
  to `staff_command`, anything else to `staff_message`, relayed to the courier) and stops there;
  everyone else falls through to the couriers' handlers. Chatter in the staff group stops here.
- handoff buttons ("x…": claim, switch, rating, …), pressed in the staff group or in a private
  chat, go through the couriers' button handler to the conversation core, which knows them.
- the core's tick (every 15 s) announces new cases and reminds and pages for unclaimed ones.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.constants import MessageEntityType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    ExtBot,
    MessageHandler,
    filters,
)

from bot.channels.telegram.context import CHANNEL, Context, Runtime, runtime_of
from bot.channels.telegram.outcomes import chat_ref, incoming_of
from handoff.service import STAFF_COMMANDS
from handoff.staff import list_staff

log = logging.getLogger(__name__)

STAFF_MENU: tuple[tuple[str, str], ...] = (
    ("queue", "等待中的案件（紧急的在前）"),
    ("mine", "我手上的案件，可切换"),
    ("switch", "之后的消息发给某个案件：/switch 12"),
    ("close", "结束当前案件：/close 一句说明"),
    ("transfer", "转交：/transfer legal|counselling|union|化名"),
    ("transcript", "对话记录（号码已打码）"),
    ("canned", "常用回复"),
    ("whois", "请来访者同意公开身份"),
    ("help", "工作人员命令说明"),
)
# Staff-only commands: tried by someone who is not staff, the attempt is audited as denied and
# they get the couriers' answer to an unknown command.
STAFF_ONLY = frozenset(STAFF_COMMANDS) - {"help"}


def _command_of(update: Update) -> tuple[str, str] | None:
    """("close", "note") for "/close note" (also "/close@bot note"); None for other messages."""
    message = update.effective_message
    if message is None or not message.text or not message.entities:
        return None
    first = message.entities[0]
    if first.type != MessageEntityType.BOT_COMMAND or first.offset != 0:
        return None
    name, _, arg = message.text.partition(" ")
    if "\n" in name:  # "/close\nnote"
        name, _, rest = name.partition("\n")
        arg = f"{rest} {arg}".strip()
    return name.lstrip("/").split("@")[0].lower(), arg


async def route_staff(update: Update, context: Context) -> None:
    """Group -1: a registered staff member's private message goes to the handoff core."""
    chat = update.effective_chat
    message = update.effective_message
    if chat is None or message is None:
        return
    conversation = runtime_of(context).conversation
    who = chat_ref(chat.id)
    command = _command_of(update)
    if not conversation.is_staff(who):
        if command is not None and command[0] in STAFF_ONLY:
            await conversation.staff_command(who, *command)  # audited as denied
        return
    if command is not None:
        await conversation.staff_command(who, *command)
        if command[0] in ("start", "help"):
            await _show_menu(context.bot, chat.id)
    else:
        await conversation.staff_message(incoming_of(update.update_id, message))
    raise ApplicationHandlerStop


async def staff_group(update: Update, context: Context) -> None:
    """Group -1: the staff group is for cards and their buttons; its messages are ignored."""
    chat = update.effective_chat
    if chat is not None and chat.id == runtime_of(context).settings.staff_chat_id:
        raise ApplicationHandlerStop


async def _show_menu(bot: ExtBot[None], chat_id: int) -> None:
    """The staff commands in this staff member's command menu (a chat scope)."""
    commands = [BotCommand(name, about) for name, about in STAFF_MENU]
    try:
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
    except TelegramError:
        log.warning("could not set the staff command menu for a staff chat", exc_info=True)


async def show_staff_menus(bot: ExtBot[None], runtime: Runtime) -> None:
    """At start: the staff menu for every registered staff member (new ones get it on /start)."""
    with runtime.services.uow() as session:
        chats = [int(s.external_ref) for s in list_staff(session) if s.channel == CHANNEL]
    for chat_id in chats:
        await _show_menu(bot, chat_id)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Before `handlers.register_fallback_buttons`, which catches every other button."""
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL
    app.add_handler(MessageHandler(private, route_staff), group=-1)
    app.add_handler(MessageHandler(filters.ChatType.GROUPS, staff_group), group=-1)
