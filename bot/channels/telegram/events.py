"""Events and reminders on Telegram: the sender broadcasts go through, and administrators'
/event commands. Couriers' /events, /subscribe, /unsubscribe and the `ev:` buttons are the
conversation core's (`bot.core.conversation`), as on every channel.

- `TelegramSender` maps PTB's errors to `reminders.sender` outcomes and sends inside
  `ratelimit.at_most_once()`, so an error that may hide a delivery is never retried.
- Handlers (see `register`): group `SEEN_GROUP`, before everything, marks a courier who writes
  to us as reachable again (someone who blocked the bot and came back); group -1 takes /event
  from administrators, ahead of staff routing (and `handlers.crisis_in_command` lets it pass:
  an event's title is not a cry for help).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from telegram import Bot, Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CommandHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from bot.channels.telegram import texts
from bot.channels.telegram.context import Context, courier, runtime_of
from bot.channels.telegram.format import split_html
from bot.channels.telegram.ratelimit import at_most_once, surely_not_delivered
from reminders import commands
from reminders.courier import PREFIX
from reminders.sender import Outcome, SendOutcome

log = logging.getLogger(__name__)

SUBSCRIBE_PENDING = "/subscribe"  # held while a courier agrees to storage: the menu comes next
DEADLINE_PROMPT = "deadline"
DEADLINE_BUTTON = f"{PREFIX}pr:"
MAX_ACTIVE_CACHE = 100_000
SEEN_GROUP = -10  # a group of its own: only one handler runs per group
# Phones turn straight quotes into curly ones; the admin commands are parsed like a shell line.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})


# --- sending ------------------------------------------------------------------------------------


def outcome_of(exc: TelegramError) -> SendOutcome:
    """What a failed send means for the broadcast (see `reminders.sender`)."""
    detail = f"{type(exc).__name__}: {exc.message}"
    if isinstance(exc, Forbidden):  # blocked by the courier, or the account is gone
        return SendOutcome.blocked(detail)
    if isinstance(exc, RetryAfter):
        return SendOutcome.retry(_retry_seconds(exc), detail)
    if isinstance(exc, BadRequest | ChatMigrated):  # BadRequest is a NetworkError: test it first
        return SendOutcome.failed(detail)
    if isinstance(exc, NetworkError):  # TimedOut included
        if surely_not_delivered(exc):
            return SendOutcome.network_error(detail)
        return SendOutcome.unknown(detail)  # it may have arrived: never sent again
    return SendOutcome.failed(detail)


def _retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # an int in PTB 22 (deprecated), a timedelta later
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class TelegramSender:
    """`reminders.sender.Sender` over PTB: the bot's limiter and retries, at most once."""

    def __init__(self, bot: Bot, on_blocked: Callable[[str], None] | None = None) -> None:
        """`on_blocked(chat_ref)`: the courier blocked the bot (Forbidden)."""
        self._bot = bot
        self._on_blocked = on_blocked

    async def send(self, chat_ref: str, html: str) -> SendOutcome:
        try:
            with at_most_once():
                await self._bot.send_message(int(chat_ref), html)
        except TelegramError as exc:
            outcome = outcome_of(exc)
            if outcome.kind is Outcome.BLOCKED and self._on_blocked is not None:
                self._on_blocked(chat_ref)
            return outcome
        return SendOutcome.sent()


# --- couriers -----------------------------------------------------------------------------------


async def seen(update: Update, context: Context) -> None:
    """A courier who writes (or presses) is reachable, even if they blocked us once. Runs
    before the update is claimed, so a redelivery runs it again: harmless, it is idempotent."""
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        return
    runtime_of(context).conversation.seen(courier(chat.id))


# --- administrators -----------------------------------------------------------------------------


def is_admin_command(update: Update, context: Context) -> bool:
    """An administrator's /event (its words are event data, not a courier's cry for help)."""
    message = update.effective_message
    user = update.effective_user
    text = message.text if message is not None else None
    if user is None or not text or not text.startswith("/event"):
        return False
    command = text.split(maxsplit=1)[0].split("@")[0]
    return command == "/event" and str(user.id) in runtime_of(context).reminders.config.admin_chats


async def admin_event(update: Update, context: Context) -> None:
    """/event add|edit|cancel|list|report … from an administrator (ADMIN_TELEGRAM_IDS)."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    runtime = runtime_of(context)
    reminders = runtime.reminders
    _command, *rest = (message.text or "/event").split(maxsplit=1)
    words = (rest[0] if rest else "").translate(_QUOTES).strip()
    ctx = commands.Context(
        uow=runtime.services.uow,
        clock=runtime.services.clock,
        config=reminders.config,
        source="telegram",
        actor=str(user.id),
    )
    answer = await asyncio.to_thread(commands.run_admin_text, words, ctx)
    log.info("administrator %s: /event %s", user.id, words.partition(" ")[0] or "(empty)")
    for chunk in split_html(answer) or [texts.ADMIN_NO_OUTPUT]:
        await context.bot.send_message(message.chat.id, chunk)
    raise ApplicationHandlerStop


# --- wiring -------------------------------------------------------------------------------------


def register(app: Application[Any, Any, Any, Any, Any, Any], admin_ids: Sequence[int]) -> None:
    """Before `staff.register` (group -1: administrators' /event goes before staff routing) and
    `handlers.register_fallback_buttons`. The couriers' commands are in `handlers`."""
    app.add_handler(TypeHandler(Update, seen), group=SEEN_GROUP)
    admins = filters.ChatType.PRIVATE & filters.User(user_id=list(admin_ids))
    app.add_handler(CommandHandler("event", admin_event, filters=admins), group=-1)
