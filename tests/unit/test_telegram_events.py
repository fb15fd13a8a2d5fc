"""The Telegram sender of the reminders: how PTB's errors map to outcomes, offline."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.channels.telegram import ratelimit
from bot.channels.telegram.events import TelegramSender, outcome_of
from reminders.sender import Outcome


def caused(exc: NetworkError, cause: Exception) -> NetworkError:
    exc.__cause__ = cause
    return exc


REQUEST = httpx.Request("POST", "http://127.0.0.1/bot1:a/sendMessage")


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (Forbidden("Forbidden: bot was blocked by the user"), Outcome.BLOCKED),
        (BadRequest("Bad Request: chat not found"), Outcome.FAILED),
        (ChatMigrated(-100123), Outcome.FAILED),
        (InvalidToken(), Outcome.FAILED),
        # could not connect: the request surely never reached Telegram, so retry
        (caused(NetworkError("x"), httpx.ConnectError("refused", request=REQUEST)),
         Outcome.NETWORK_ERROR),
        (caused(TimedOut(), httpx.ConnectTimeout("slow", request=REQUEST)), Outcome.NETWORK_ERROR),
        (caused(TimedOut(), httpx.PoolTimeout("busy", request=REQUEST)), Outcome.NETWORK_ERROR),
        (NetworkError("Bad Gateway"), Outcome.NETWORK_ERROR),  # an error status: not carried out
        # it may have arrived: never again
        (caused(TimedOut(), httpx.ReadTimeout("no answer", request=REQUEST)), Outcome.UNKNOWN),
        (caused(NetworkError("x"), httpx.RemoteProtocolError("gone", request=REQUEST)),
         Outcome.UNKNOWN),
        (TimedOut(), Outcome.UNKNOWN),
    ],
)  # fmt: skip
def test_errors_map_to_outcomes(exc: TelegramError, kind: Outcome) -> None:
    assert outcome_of(exc).kind is kind


@pytest.mark.parametrize("retry_after", [7, dt.timedelta(seconds=7)])
def test_flood_control_waits_as_long_as_telegram_says(retry_after: int | dt.timedelta) -> None:
    outcome = outcome_of(RetryAfter(retry_after))
    assert outcome.kind is Outcome.RETRY_AFTER and outcome.retry_after == 7.0


class FakeBot:
    """Records whether each send ran inside `at_most_once()`; raises `error` if set."""

    def __init__(self, error: TelegramError | None = None) -> None:
        self.error = error
        self.calls: list[tuple[int, str, bool]] = []

    async def send_message(self, chat_id: int, text: str) -> None:
        self.calls.append((chat_id, text, ratelimit._AT_MOST_ONCE.get()))
        if self.error is not None:
            raise self.error


async def test_sends_are_made_at_most_once_and_blocks_are_reported() -> None:
    bot = FakeBot()
    blocked: list[str] = []
    sender = TelegramSender(bot, on_blocked=blocked.append)  # type: ignore[arg-type]
    assert (await sender.send("42", "<b>提醒</b>")).kind is Outcome.SENT
    assert bot.calls == [(42, "<b>提醒</b>", True)]
    assert not ratelimit._AT_MOST_ONCE.get()  # only inside the send

    bot.error = Forbidden("Forbidden: bot was blocked by the user")
    assert (await sender.send("43", "x")).kind is Outcome.BLOCKED
    assert blocked == ["43"]
