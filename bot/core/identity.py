"""One person on two WeChat channels: when the union's 微信客服 and service account are bound to
one open platform, WeChat gives both the same `unionid`. A channel asks for it once per
courier (`ensure`), the first time it sees them; the core then treats the two as one person
(consent given once, a reminder once, deletion together; see `Accounts`). Without a binding
there is no unionid, the two stay two, and nothing breaks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.core.accounts import Accounts
from bot.core.dialogue import UserRef

log = logging.getLogger(__name__)

LOOKUP_SECONDS = 2.0  # the lookup never holds a courier's answer up longer than this
MAX_KNOWN = 100_000


class Identities:
    def __init__(self, accounts: Accounts) -> None:
        self._accounts = accounts
        self._asked: set[UserRef] = set()

    async def ensure(self, who: UserRef, lookup: Callable[[], Awaitable[str | None]]) -> None:
        """Ask the platform for `who`'s unionid once (in this process) and link it."""
        if who in self._asked:
            return
        if len(self._asked) >= MAX_KNOWN:
            self._asked.clear()
        self._asked.add(who)
        try:
            unionid = await asyncio.wait_for(lookup(), LOOKUP_SECONDS)
        except Exception:
            log.info("no unionid for a %s courier (lookup failed)", who.channel)
            return
        if unionid:
            await asyncio.to_thread(self._accounts.link, who, unionid)
