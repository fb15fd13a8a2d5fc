"""What the dialogue core returns: replies as data, for any channel to format.

Text blocks carry a small HTML subset (<b>, <i>, <a href>) with every user-supplied piece
escaped; Telegram sends it as is, the terminal and future WeChat channels turn it into their
own format with `to_plain`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    CRISIS = "crisis"
    HANDOFF = "handoff"
    SMALLTALK = "smalltalk"
    OUT_OF_SCOPE = "out_of_scope"
    FALLBACK = "fallback"


@dataclass(frozen=True, slots=True)
class Choice:
    """A button: `label` is shown, `data` comes back when it is pressed (see `bot.core.buttons`)."""

    label: str
    data: str


@dataclass(frozen=True, slots=True)
class HandoverRequest:
    """Ask for a person. `role` is legal, counselling or union (None: let the courier pick)."""

    reason: str
    urgent: bool = False
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    blocks: tuple[str, ...]
    choices: tuple[Choice, ...] = ()
    handover: HandoverRequest | None = None
    action: Action | None = None
    topic: str | None = None
    confidence: float | None = None
    stale: bool = False  # a button that no longer applies: channels may show it as a short notice

    def plain(self) -> str:
        return "\n\n".join(to_plain(block) for block in self.blocks)


_TAG = re.compile(r"<a\s+href=\"([^\"]*)\">(.*?)</a>|<[^>]+>", re.DOTALL)


def to_plain(block: str) -> str:
    """The HTML subset as plain text: tags dropped (links keep their address), entities decoded."""

    def _replace(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return f"{match.group(2)}（{match.group(1)}）"
        return ""

    return html.unescape(_TAG.sub(_replace, block))
