"""What every Telegram handler can reach: the channel-neutral core, built once at start."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.ext import CallbackContext, ExtBot

from bot.core.assembly import Core, Reminders, Services
from bot.core.conversation import Conversation
from bot.core.dialogue import UserRef
from bot.core.texts import TELEGRAM, courier_texts
from bot.settings import Settings
from handoff.service import HandoffService

CHANNEL = "telegram"
TEXTS = courier_texts(TELEGRAM)

__all__ = ["CHANNEL", "BotData", "Context", "Reminders", "Runtime", "courier", "runtime_of"]


@dataclass
class Runtime:
    core: Core
    settings: Settings
    owns_core: bool = False  # True: Telegram runs alone and closes the core when it stops

    @property
    def conversation(self) -> Conversation:
        return self.core.conversation

    @property
    def services(self) -> Services:
        return self.core.services

    @property
    def handoff(self) -> HandoffService:
        return self.core.handoff

    @property
    def reminders(self) -> Reminders:
        return self.core.reminders


class BotData:
    """`context.bot_data`: PTB creates it empty; `start_runtime` fills in the runtime."""

    def __init__(self) -> None:
        self.runtime: Runtime | None = None


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]


def runtime_of(context: Context) -> Runtime:
    runtime = context.bot_data.runtime
    if runtime is None:
        raise RuntimeError("the Telegram runtime is not initialised (start_runtime did not run)")
    return runtime


def courier(chat_id: int) -> UserRef:
    return UserRef(channel=CHANNEL, external_ref=str(chat_id))
