"""Events and reminders on Telegram: the sender broadcasts go through, couriers' /events,
/subscribe and /unsubscribe, the `ev:` buttons, and administrators' /event commands.

The reminders themselves are channel-agnostic (`reminders`); this module only translates.
- `TelegramSender` maps PTB's errors to `reminders.sender` outcomes and sends inside
  `ratelimit.at_most_once()`, so an error that may hide a delivery is never retried.
- `build` wires the `ReminderService` (APScheduler, persistent job store) and the deadline
  offer under answers; `start`/`stop` run it in the bot's loop (`app.start_runtime`, and
  `post_stop`, while the bot can still send: unfinished broadcasts resume on the next start).
- Handlers (see `register`): group `SEEN_GROUP`, before everything, marks a courier who writes
  to us as reachable again (someone who blocked the bot and came back); group -1 takes /event
  from administrators, ahead of staff routing (and `handlers.crisis_in_command` lets it pass:
  an event's title is not a cry for help); group 0 the `ev:` buttons, ahead of the dialogue's
  catch-all.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from telegram import Bot, Message, Update
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
    CallbackQueryHandler,
    CommandHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from bot.app import Services
from bot.channels.telegram import texts
from bot.channels.telegram.context import CHANNEL, Context, Reminders, courier, runtime_of
from bot.channels.telegram.format import messages_for, split_html
from bot.channels.telegram.ratelimit import at_most_once, surely_not_delivered
from bot.core.dialogue import UserRef
from common.replies import Choice, Reply
from reminders import commands
from reminders.config import ReminderConfig
from reminders.courier import PREFIX, CourierEvents, DeadlineAnswer
from reminders.limiter import RateLimiter
from reminders.personal import DeadlineKind
from reminders.runtime import Channel, ReminderRuntime
from reminders.schedule import ReminderService, make_scheduler
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


# --- lifecycle ----------------------------------------------------------------------------------


def build(bot: Bot, services: Services, config: ReminderConfig) -> Reminders:
    """The reminder service for this bot, and the deadline offer in the dialogue."""
    active: set[int] = set()

    def blocked(chat_ref: str) -> None:
        active.discard(int(chat_ref))

    sender = TelegramSender(bot, on_blocked=blocked)
    runtime = ReminderRuntime(
        uow=services.uow,
        clock=services.clock,
        config=config,
        channels=[Channel(CHANNEL, sender, RateLimiter(config.rate))],
    )
    scheduler = make_scheduler(services.settings.database_url, config.timezone)
    service = ReminderService(runtime, scheduler, sync_seconds=config.sync_seconds)
    events = CourierEvents(services.uow, services.clock, config, runtime.texts)
    services.dialogue.offer_under_answers(_deadline_offer)
    services.dialogue.add_prompt(DEADLINE_PROMPT, partial(_deadline_answer, events))
    return Reminders(config=config, service=service, courier=events, active=active)


async def start(reminders: Reminders) -> None:
    """Start the scheduler; its first sync resumes broadcasts a crash cut short."""
    await reminders.service.start()


async def stop(reminders: Reminders, timeout: float = 10.0) -> None:
    """Let sends in flight finish and be recorded (idempotent)."""
    if reminders.stopped:
        return
    reminders.stopped = True
    await reminders.service.stop(timeout)


def _deadline_offer(topic: str) -> tuple[Choice, ...]:
    offer = CourierEvents.deadline_offer(topic)
    return (offer,) if offer is not None else ()


def _deadline_answer(events: CourierEvents, who: UserRef, text: str, arg: str) -> DeadlineAnswer:
    if arg not in {kind.value for kind in DeadlineKind}:
        return DeadlineAnswer(Reply(blocks=(texts.STALE_BUTTON,)), done=True)
    return events.deadline_answer(who.channel, who.external_ref, DeadlineKind(arg), text)


# --- couriers -----------------------------------------------------------------------------------


async def _send(context: Context, chat_id: int, reply: Reply) -> None:
    for message in messages_for(reply):
        await context.bot.send_message(chat_id, message.text, reply_markup=message.markup)


async def events_command(update: Update, context: Context) -> None:
    """/events: what is coming up (stores nothing, so no consent needed)."""
    assert update.effective_chat is not None
    reply = runtime_of(context).reminders.courier.events()
    await _send(context, update.effective_chat.id, reply)


async def show_menu(context: Context, chat_id: int) -> None:
    """The tag buttons of /subscribe (the caller has checked consent)."""
    reply = runtime_of(context).reminders.courier.subscribe_menu(CHANNEL, str(chat_id))
    await _send(context, chat_id, reply)


async def stop_all(context: Context, chat_id: int) -> None:
    """/unsubscribe for a courier who agreed to storage: every tag and deadline reminder."""
    reply = runtime_of(context).reminders.courier.unsubscribe_all(CHANNEL, str(chat_id))
    await _send(context, chat_id, reply)


async def button(update: Update, context: Context) -> None:
    """An `ev:` button: a tag on or off (the menu is edited in place), stop all, or the
    deadline reminder offered under an answer (then the courier's next text is the date)."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    runtime = runtime_of(context)
    who = courier(chat.id)
    if not runtime.accounts.has_consented(who):  # every one of these stores or changes data
        await query.answer(texts.NEED_CONSENT_BUTTON, show_alert=True)
        return
    data = query.data or ""
    reply = runtime.reminders.courier.handle_button(CHANNEL, str(chat.id), data)
    if reply.stale:
        await query.answer(reply.blocks[0])
        return
    await query.answer()
    if data.startswith(DEADLINE_BUTTON):
        runtime.services.dialogue.expect(who, DEADLINE_PROMPT, data.removeprefix(DEADLINE_BUTTON))
        await _send(context, chat.id, reply)
        return
    await _edit(context, query.message, chat.id, reply)


async def _edit(context: Context, message: object, chat_id: int, reply: Reply) -> None:
    """Show `reply` in place of the menu `message`; a new message if it cannot be edited."""
    [out, *more] = messages_for(reply)
    if isinstance(message, Message) and not more:
        try:
            await message.edit_text(out.text, reply_markup=out.markup)
            return
        except BadRequest as exc:
            if "not modified" in exc.message:  # the same press twice
                return
            log.info("menu not edited (%s); sending it anew", exc.message)
    await _send(context, chat_id, reply)


async def seen(update: Update, context: Context) -> None:
    """A courier who writes (or presses) is reachable, even if they blocked us once. Runs
    before the update is claimed, so a redelivery runs it again: harmless, it is idempotent."""
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        return
    reminders = runtime_of(context).reminders
    if chat.id in reminders.active:
        return
    reminders.courier.seen(CHANNEL, str(chat.id))
    if len(reminders.active) >= MAX_ACTIVE_CACHE:
        reminders.active.clear()
    reminders.active.add(chat.id)


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
    app.add_handler(CallbackQueryHandler(button, pattern=f"^{PREFIX}"))
