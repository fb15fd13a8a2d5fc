"""Handoff button data: `x<letter>:<case id>[:<value>]`. Forged or stale data parses to None.

The dialogue core's buttons use other single letters (see `bot.core.buttons`), so a channel can
send every callback whose data starts with "x" to `HandoffService.press`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PressKind = Literal["claim", "switch", "rate", "identity", "same_person", "cancel", "wait"]
_CODES: dict[str, PressKind] = {
    "xc": "claim",  # staff: take a waiting case (group card, coordinator page)
    "xs": "switch",  # staff: plain messages now go to this case
    "xr": "rate",  # courier: satisfaction 1-5 after closing
    "xi": "identity",  # courier: share name and account with the staff member (1) or not (0)
    "xp": "same_person",  # courier: ask for the person who helped last time (1) or anyone (0)
    "xx": "cancel",  # courier: stop waiting
    "xw": "wait",  # courier: keep waiting after being told nobody has taken the case yet
}
_KIND_CODES = {kind: code for code, kind in _CODES.items()}
_VALUES: dict[PressKind, range | None] = {
    "claim": None,
    "switch": None,
    "rate": range(1, 6),
    "identity": range(2),
    "same_person": range(2),
    "cancel": None,
    "wait": None,
}
PREFIX = "x"


@dataclass(frozen=True, slots=True)
class Press:
    kind: PressKind
    case_id: int
    value: int | None = None

    def encode(self) -> str:
        data = f"{_KIND_CODES[self.kind]}:{self.case_id}"
        return data if self.value is None else f"{data}:{self.value}"


def parse_press(data: str | None) -> Press | None:
    """Parse callback data; None when it is not a handoff button or is malformed."""
    if not data or len(data) > 64:
        return None
    parts = data.split(":")
    kind = _CODES.get(parts[0])
    if kind is None or not all(p.isascii() and p.isdigit() for p in parts[1:]):
        return None
    allowed = _VALUES[kind]
    if allowed is None:
        return Press(kind, int(parts[1])) if len(parts) == 2 else None
    if len(parts) != 3 or int(parts[2]) not in allowed:
        return None
    return Press(kind, int(parts[1]), int(parts[2]))
