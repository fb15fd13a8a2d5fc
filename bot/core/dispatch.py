"""Where the core's sends go: each channel registers an `Outlet`; the `Dispatcher` routes.

The core never sends anything itself. It hands replies for a courier and the handoff's sends
(notices, copies, card edits, to couriers or staff on any channel) to the dispatcher, which gives
each to the outlet of the channel it is addressed to and reports tracked message ids back to the
handoff (so replies find their case). A courier on WeChat can so be served by a volunteer on
Telegram and the reverse: a copy across channels is sent anew from the content it carries.

An outlet only translates: a `Reply` or a handoff item in, the platform's messages out.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from common.replies import Reply
from handoff.notices import ChatRef, CopyMessage, EditCard, Notice, Outcome, Outgoing
from handoff.service import HandoffService

log = logging.getLogger(__name__)


class Delivery(StrEnum):
    SENT = "sent"
    UNREACHABLE = "unreachable"  # the person cannot be written to (blocked, no chat, window shut)
    FAILED = "failed"  # the platform refused or did not answer; logged by the outlet


@dataclass(frozen=True, slots=True)
class Sent:
    """What became of one send; `message_ref` is the platform's id of the new message."""

    status: Delivery
    message_ref: str | None = None


class Outlet(Protocol):
    """One channel's way out. Every method reports instead of raising for delivery problems."""

    @property
    def channel(self) -> str: ...

    async def reply(self, to: str, reply: Reply) -> Sent:
        """A reply of the dialogue core to courier `to` (the user's external ref)."""
        ...

    async def notice(self, item: Notice | CopyMessage) -> Sent:
        """A handoff notice or a copy of a message to `item.to` (a courier or a staff chat)."""
        ...

    async def edit(self, item: EditCard) -> Sent:
        """Rewrite a card; a channel that cannot edit sends it anew."""
        ...

    async def typing(self, to: str) -> None:
        """Show that an answer is being prepared, where the platform can."""
        ...


@dataclass(frozen=True, slots=True)
class Carried:
    """What `carry_out` did: the chats that could not be reached, in order."""

    unreachable: tuple[ChatRef, ...] = ()


class Dispatcher:
    def __init__(self, handoff: HandoffService) -> None:
        self._handoff = handoff
        self._outlets: dict[str, Outlet] = {}

    def register(self, outlet: Outlet) -> None:
        self._outlets[outlet.channel] = outlet

    @property
    def channels(self) -> Sequence[str]:
        return tuple(self._outlets)

    def outlet(self, channel: str) -> Outlet | None:
        return self._outlets.get(channel)

    async def reply(self, channel: str, to: str, reply: Reply) -> Sent:
        outlet = self._outlets.get(channel)
        if outlet is None:
            log.warning("a reply to channel %r was dropped: that channel is not running", channel)
            return Sent(Delivery.FAILED)
        return await outlet.reply(to, reply)

    async def typing(self, channel: str, to: str) -> None:
        outlet = self._outlets.get(channel)
        if outlet is not None:
            await outlet.typing(to)

    async def carry_out(self, outcome: Outcome) -> Carried:
        """Send, copy and edit in order; one failure never stops the others."""
        unreachable: list[ChatRef] = []
        for item in outcome.sends:
            target = _target(item)
            outlet = self._outlets.get(target.channel)
            if outlet is None:
                log.warning(
                    "handoff send to channel %r skipped: that channel is not running",
                    target.channel,
                )
                continue
            try:
                sent = await (
                    outlet.edit(item) if isinstance(item, EditCard) else outlet.notice(item)
                )
            except Exception:  # a bug in one outlet must not lose the other sends
                log.error("handoff send to %s failed", target.channel, exc_info=True)
                continue
            if sent.status is Delivery.UNREACHABLE:
                unreachable.append(target)
            track = None if isinstance(item, EditCard) else item.track
            if track is not None and sent.message_ref is not None:
                self._handoff.record_sent(track, item.to, sent.message_ref)  # type: ignore[union-attr]
        return Carried(tuple(unreachable))


def _target(item: Outgoing) -> ChatRef:
    return item.chat if isinstance(item, EditCard) else item.to
