"""Reply windows of the WeChat platforms, kept in the database so a restart keeps counting.

WeCom 微信客服 and a service account's 客服消息 let a bot write to a person only for a while
after the person wrote, and only so many times: 5 messages within 48 hours of each message of
theirs (a service account also 3 within a minute of a follow, a menu click or a scan). Each
message of theirs opens a fresh window; a send is taken from it before it goes out, and a send
the window does not allow is never tried (it would be refused, and must not be retried).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from storage.channel_models import ReplyWindow
from storage.db import UnitOfWork

MESSAGE_WINDOW = (5, dt.timedelta(hours=48))


@dataclass(frozen=True, slots=True)
class Window:
    allowed: int
    used: int
    closes_at: dt.datetime
    account: str | None

    def left(self, now: dt.datetime) -> int:
        return max(0, self.allowed - self.used) if now < self.closes_at else 0


class ReplyWindows:
    def __init__(self, channel: str, uow: UnitOfWork, now: Callable[[], dt.datetime]) -> None:
        self._channel = channel
        self._uow = uow
        self._now = now

    def opened(
        self,
        ref: str,
        *,
        at: dt.datetime | None = None,
        account: str | None = None,
        allowed: int = MESSAGE_WINDOW[0],
        span: dt.timedelta = MESSAGE_WINDOW[1],
    ) -> None:
        """The person wrote at `at` (default now): a fresh window, unless one opened by a later
        message of theirs is already counting (messages read late share the window of the
        newest one, as the platform counts them; the caller opens it once for a batch)."""
        at = at or self._now()
        with self._uow() as session:
            row = session.get(ReplyWindow, (self._channel, ref))
            if row is None:
                row = ReplyWindow(channel=self._channel, external_ref=ref)
                session.add(row)
            elif row.opened_at > at and row.allowed > 0:
                if account is not None:
                    row.account = account
                return
            row.opened_at, row.closes_at = at, at + span
            row.allowed, row.used = allowed, 0
            if account is not None:
                row.account = account

    def get(self, ref: str) -> Window | None:
        with self._uow() as session:
            row = session.get(ReplyWindow, (self._channel, ref))
            if row is None:
                return None
            return Window(row.allowed, row.used, row.closes_at, row.account)

    def left(self, ref: str) -> int:
        window = self.get(ref)
        return window.left(self._now()) if window is not None else 0

    def take(self, ref: str) -> bool:
        """Take one send from the window; False (nothing taken) when it allows none."""
        now = self._now()
        with self._uow() as session:
            row = session.scalars(
                select(ReplyWindow)
                .where(ReplyWindow.channel == self._channel, ReplyWindow.external_ref == ref)
                .with_for_update()
            ).one_or_none()
            if row is None or now >= row.closes_at or row.used >= row.allowed:
                return False
            row.used += 1
            return True

    def give_back(self, ref: str) -> None:
        """A send taken from the window was refused before it reached the person."""
        with self._uow() as session:
            row = session.get(ReplyWindow, (self._channel, ref))
            if row is not None and row.used > 0:
                row.used -= 1

    def account(self, ref: str) -> str | None:
        window = self.get(ref)
        return window.account if window is not None else None
