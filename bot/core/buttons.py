"""Button data: short, typed, validated. Forged or stale data parses to None, never raises."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal[
    "answer", "detail", "helpful", "unhelpful", "human", "offer", "calc", "quit", "value"
]
_PREFIX: dict[str, Kind] = {
    "a": "answer",
    "d": "detail",
    "y": "helpful",
    "n": "unhelpful",
    "h": "human",
    "o": "offer",  # the courier accepts the bot's offer of a person (after answers did not help)
    "c": "calc",
    "q": "quit",  # leave the running calculator
    "v": "value",  # a quick answer to the calculator's question (checked against it later)
}
_CODE = {kind: code for code, kind in _PREFIX.items()}
ROLES = ("legal", "counselling", "union")
MAX_DATA = 64  # Telegram's callback_data limit in bytes
MAX_VALUE = 12  # characters of a quick answer


@dataclass(frozen=True, slots=True)
class ButtonData:
    kind: Kind
    arg: str | None = None

    def encode(self) -> str:
        data = _CODE[self.kind] + (f":{self.arg}" if self.arg else "")
        if len(data.encode()) > MAX_DATA:
            raise ValueError(f"button data too long: {data!r}")
        return data


def parse_button(
    data: str | None, known_topics: set[str], known_flows: frozenset[str] = frozenset()
) -> ButtonData | None:
    """Parse `data`; None when it is malformed, too long, or names an unknown topic/role/flow."""
    if not data or len(data.encode()) > MAX_DATA:
        return None
    code, _, arg = data.partition(":")
    kind = _PREFIX.get(code)
    if kind is None:
        return None
    if kind in ("human", "offer"):
        if data == code:
            return ButtonData(kind)
        return ButtonData(kind, arg) if arg in ROLES else None
    if kind == "quit":
        return ButtonData(kind) if data == code else None
    if kind == "value":
        return ButtonData(kind, arg) if arg and len(arg) <= MAX_VALUE else None
    if kind == "calc":
        return ButtonData(kind, arg) if arg in known_flows else None
    if arg not in known_topics:
        return None
    return ButtonData(kind, arg)
