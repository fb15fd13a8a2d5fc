"""What every Telegram handler can reach: the services, built once in `post_init`."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import CallbackContext, ExtBot

from bot.app import Services
from bot.channels.telegram.updates import FloodGuard, UpdateLog
from bot.core.accounts import Accounts
from bot.core.dialogue import UserRef
from handoff.service import HandoffService
from reminders.config import ReminderConfig
from reminders.courier import CourierEvents
from reminders.schedule import ReminderService

CHANNEL = "telegram"
MAX_PENDING = 10_000


@dataclass
class Reminders:
    """Events and reminders (see `events`): the service runs in the bot's event loop."""

    config: ReminderConfig
    service: ReminderService
    courier: CourierEvents
    # Chats seen writing since the start and not blocked since: no need to mark them active.
    active: set[int] = field(default_factory=set)
    stopped: bool = False


@dataclass
class Runtime:
    services: Services
    accounts: Accounts
    updates: UpdateLog
    flood: FloodGuard
    handoff: HandoffService
    reminders: Reminders
    # A question asked before the courier agreed to storage: held in memory only, answered
    # right after they agree, gone on restart.
    pending: OrderedDict[int, str] = field(default_factory=OrderedDict)

    def hold(self, chat_id: int, text: str) -> None:
        self.pending[chat_id] = text
        self.pending.move_to_end(chat_id)
        while len(self.pending) > MAX_PENDING:
            self.pending.popitem(last=False)


class BotData:
    """`context.bot_data`: PTB creates it empty; `post_init` fills in the runtime."""

    def __init__(self) -> None:
        self.runtime: Runtime | None = None


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]


def runtime_of(context: Context) -> Runtime:
    runtime = context.bot_data.runtime
    if runtime is None:
        raise RuntimeError("the Telegram runtime is not initialised (post_init did not run)")
    return runtime


def courier(chat_id: int) -> UserRef:
    return UserRef(channel=CHANNEL, external_ref=str(chat_id))
