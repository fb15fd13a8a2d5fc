"""The handoff's configuration, built once by the composition root from the settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

from handoff.duty import DutyHours
from handoff.notices import ChatRef


class HandoffSettings(Protocol):
    """The part of `bot.settings.Settings` the handoff reads (no import of bot here)."""

    @property
    def staff_chat_id(self) -> int | None: ...
    @property
    def duty_hours(self) -> str: ...
    @property
    def duty_days(self) -> str: ...
    @property
    def timezone(self) -> str: ...
    @property
    def unclaimed_minutes(self) -> float: ...
    @property
    def urgent_unclaimed_minutes(self) -> float: ...


@dataclass(frozen=True, slots=True)
class HandoffConfig:
    duty: DutyHours
    staff_chat: ChatRef | None = None  # the staff group where cards appear
    unclaimed: dt.timedelta = dt.timedelta(minutes=5)
    urgent_unclaimed: dt.timedelta = dt.timedelta(minutes=1)
    role_grace: dt.timedelta = dt.timedelta(minutes=2)  # time to pick a role before the card
    return_window: dt.timedelta = dt.timedelta(days=7)  # "the same person again"
    summary_messages: int = 6
    topic_titles: Mapping[str, str] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return self.duty.zone

    @classmethod
    def from_settings(
        cls, settings: HandoffSettings, *, topic_titles: Mapping[str, str] | None = None
    ) -> HandoffConfig:
        """Raises ValueError on malformed duty hours or days."""
        return cls(
            duty=DutyHours.parse(settings.duty_hours, settings.duty_days, settings.timezone),
            staff_chat=(
                ChatRef("telegram", str(settings.staff_chat_id))
                if settings.staff_chat_id is not None
                else None
            ),
            unclaimed=dt.timedelta(minutes=settings.unclaimed_minutes),
            urgent_unclaimed=dt.timedelta(minutes=settings.urgent_unclaimed_minutes),
            topic_titles=dict(topic_titles or {}),
        )
