"""What a channel must provide to deliver reminders: one `send` that reports what happened.

`send` never raises for delivery problems; it maps them to an outcome (a bug may still raise,
and is then treated as UNKNOWN). The outcomes and what the broadcaster does with each:

- SENT: done.
- BLOCKED: the courier blocked the bot or deleted the account: marked inactive, never retried.
- RETRY_AFTER: flood control (Telegram 429): every send waits `retry_after` seconds, then again.
- NETWORK_ERROR: the request surely did not reach the server (could not connect): back off, retry.
- UNKNOWN: the request may have reached the server (e.g. a read timeout): never retried, since
  a retry could send the message twice.
- FAILED: refused for good (bad request, chat not found): never retried.
- UNDELIVERABLE: this channel may not write to the person now (WeChat's 48-hour window and
  its 5 messages are spent, or a person holds the session): recorded as not deliverable on the
  channel, shown in the report, never retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Outcome(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"
    RETRY_AFTER = "retry_after"
    NETWORK_ERROR = "network_error"
    UNKNOWN = "unknown"
    FAILED = "failed"
    UNDELIVERABLE = "undeliverable"


@dataclass(frozen=True, slots=True)
class SendOutcome:
    kind: Outcome
    retry_after: float = 0.0
    detail: str = ""

    @classmethod
    def sent(cls) -> SendOutcome:
        return cls(Outcome.SENT)

    @classmethod
    def blocked(cls, detail: str = "") -> SendOutcome:
        return cls(Outcome.BLOCKED, detail=detail)

    @classmethod
    def retry(cls, seconds: float, detail: str = "") -> SendOutcome:
        return cls(Outcome.RETRY_AFTER, retry_after=max(0.0, seconds), detail=detail)

    @classmethod
    def network_error(cls, detail: str = "") -> SendOutcome:
        return cls(Outcome.NETWORK_ERROR, detail=detail)

    @classmethod
    def unknown(cls, detail: str = "") -> SendOutcome:
        return cls(Outcome.UNKNOWN, detail=detail)

    @classmethod
    def failed(cls, detail: str = "") -> SendOutcome:
        return cls(Outcome.FAILED, detail=detail)

    @classmethod
    def undeliverable(cls, detail: str = "") -> SendOutcome:
        return cls(Outcome.UNDELIVERABLE, detail=detail)


class Sender(Protocol):
    async def send(self, chat_ref: str, html: str) -> SendOutcome:
        """Send one message (Telegram HTML subset) to `chat_ref` (the user's external_ref)."""
        ...
