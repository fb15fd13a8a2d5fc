"""Reading the 微信客服 feed: after each callback, `kf/sync_msg` from the stored cursor.

One reader per account at a time; a callback that comes while it reads makes it read once
more. Pages (`has_more`, `next_cursor`) are handled in order: the messages of one courier one
after the other (their lane), different couriers at once. The cursor is stored only after
every message of its page was handled, so the first read after a restart (or a SIGKILL) starts
where the last finished one ended; a message read twice is skipped by its msgid.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.channels.wecom.client import WeComClient, WeComError
from storage.channel_models import ChannelCursor
from storage.db import UnitOfWork

log = logging.getLogger(__name__)

JSON = dict[str, Any]
CHANNEL = "wecom"
MAX_PAGES = 100  # per read; a longer backlog is read on at the next callback
CONCURRENT = 32  # messages handled at once (couriers' lanes)


class Cursors:
    def __init__(self, uow: UnitOfWork, now: Callable[[], dt.datetime]) -> None:
        self._uow = uow
        self._now = now

    def get(self, account: str) -> str | None:
        with self._uow() as session:
            row = session.get(ChannelCursor, (CHANNEL, account))
            return row.cursor if row is not None else None

    def put(self, account: str, cursor: str) -> None:
        with self._uow() as session:
            row = session.get(ChannelCursor, (CHANNEL, account))
            if row is None:
                session.add(
                    ChannelCursor(
                        channel=CHANNEL, key=account, cursor=cursor, updated_at=self._now()
                    )
                )
            else:
                row.cursor, row.updated_at = cursor, self._now()


class FeedReader:
    def __init__(
        self,
        client: WeComClient,
        cursors: Cursors,
        handle: Callable[[JSON], Awaitable[None]],
        lane_of: Callable[[JSON], str | None],
        prepare: Callable[[list[JSON]], None] = lambda _page: None,
    ) -> None:
        self._client = client
        self._cursors = cursors
        self._handle = handle
        self._lane_of = lane_of
        self._prepare = prepare
        self._running: dict[str, asyncio.Task[None]] = {}
        self._again: dict[str, str | None] = {}
        self._slots = asyncio.Semaphore(CONCURRENT)

    def poke(self, account: str, token: str | None) -> None:
        """A callback said there is news for `account`: read now, or once more after the
        read under way."""
        if account in self._running:
            self._again[account] = token
            return
        task = asyncio.create_task(self._read(account, token), name=f"wecom-sync-{account}")
        self._running[account] = task

    async def _read(self, account: str, token: str | None) -> None:
        try:
            while True:
                try:
                    await self._pages(account, token)
                except WeComError:
                    pass  # logged by the client; the next callback reads on from the cursor
                except Exception:
                    log.error("reading the WeCom feed failed", exc_info=True)
                if account not in self._again:
                    return
                token = self._again.pop(account)
        finally:
            self._running.pop(account, None)

    async def _pages(self, account: str, token: str | None) -> None:
        cursor = self._cursors.get(account)
        for _ in range(MAX_PAGES):
            page = await self._client.sync_msg(account, cursor, token)
            messages = list(page.get("msg_list") or [])
            await self._handle_page(messages)
            next_cursor = str(page.get("next_cursor") or "")
            if next_cursor:
                self._cursors.put(account, next_cursor)  # only now: the page is handled
                cursor = next_cursor
            if not page.get("has_more"):
                return

    async def _handle_page(self, messages: list[JSON]) -> None:
        self._prepare(messages)
        lanes: dict[str, list[JSON]] = {}
        for message in messages:
            lanes.setdefault(self._lane_of(message) or "", []).append(message)
        await asyncio.gather(*(self._lane(batch) for batch in lanes.values()))

    async def _lane(self, messages: list[JSON]) -> None:
        for message in messages:
            async with self._slots:
                try:
                    await self._handle(message)
                except Exception:  # one bad message must not stop the feed
                    log.error("a WeCom message could not be handled", exc_info=True)

    async def wait_idle(self) -> None:
        while self._running:
            await asyncio.gather(*list(self._running.values()), return_exceptions=True)

    async def stop(self) -> None:
        for task in list(self._running.values()):
            task.cancel()
        await asyncio.gather(*list(self._running.values()), return_exceptions=True)
