"""The reminders' part of the settings, parsed and checked once at start."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from reminders.offsets import parse_offsets

MAX_TAG_CHARS = 16  # a tag travels in button data, which Telegram limits to 64 bytes


class ReminderSettings(Protocol):
    """The part of `bot.settings.Settings` the reminders read (no import of `bot` here)."""

    @property
    def timezone(self) -> str: ...
    @property
    def reminder_offsets_default(self) -> str: ...
    @property
    def event_tags(self) -> str: ...
    @property
    def admin_telegram_ids(self) -> str: ...
    @property
    def broadcast_rate(self) -> float: ...
    @property
    def broadcast_workers(self) -> int: ...
    @property
    def reminder_sync_seconds(self) -> float: ...
    @property
    def youth_month_start(self) -> str | None: ...
    @property
    def youth_month_days(self) -> int: ...
    @property
    def youth_month_weeks(self) -> str: ...
    @property
    def youth_month_send_time(self) -> str: ...
    @property
    def youth_month_tag(self) -> str: ...
    @property
    def youth_month_title(self) -> str: ...
    @property
    def youth_month_text(self) -> str: ...


@dataclass(frozen=True, slots=True)
class CampaignConfig:
    """The yearly youth service month: when it starts, how long, which weeks get a message."""

    month: int
    day: int
    days: int
    weeks: tuple[int, ...]
    send_time: dt.time
    tag: str
    title: str
    text: str

    def key(self, year: int) -> str:
        return f"campaign:youth:{year}"


@dataclass(frozen=True, slots=True)
class ReminderConfig:
    timezone: ZoneInfo
    default_offsets: tuple[int, ...]
    tags: tuple[str, ...]
    rate: float = 25.0
    workers: int = 8
    sync_seconds: float = 30.0
    admin_chats: tuple[str, ...] = ()
    campaign: CampaignConfig | None = None
    # Several reminders of one event due at once (all missed while the bot was down, or an
    # event added late): True sends only the latest (they would say the same thing); False
    # sends each, as the rule reads literally ("a missed reminder is sent on start").
    coalesce_due: bool = True

    @classmethod
    def from_settings(cls, settings: ReminderSettings) -> ReminderConfig:
        """Raises ValueError naming the setting that is wrong."""
        try:
            offsets = parse_offsets(settings.reminder_offsets_default)
        except ValueError as exc:
            raise ValueError(f"REMINDER_OFFSETS_DEFAULT: {exc}") from exc
        tags = split_list(settings.event_tags)
        for tag in tags:
            check_tag(tag)
        admins = split_list(settings.admin_telegram_ids)
        for admin in admins:
            if not admin.lstrip("-").isdigit():
                raise ValueError(f"ADMIN_TELEGRAM_IDS: {admin!r} is not a Telegram user id")
        if settings.broadcast_rate <= 0 or settings.broadcast_workers < 1:
            raise ValueError("BROADCAST_RATE must be > 0 and BROADCAST_WORKERS >= 1")
        return cls(
            timezone=ZoneInfo(settings.timezone),
            default_offsets=offsets,
            tags=tags,
            rate=settings.broadcast_rate,
            workers=settings.broadcast_workers,
            sync_seconds=settings.reminder_sync_seconds,
            admin_chats=admins,
            campaign=_campaign(settings),
        )


def split_list(text: str) -> tuple[str, ...]:
    """'a, b,,c' -> ('a', 'b', 'c'); Chinese commas count too; duplicates dropped."""
    seen: dict[str, None] = {}
    for part in text.replace("，", ",").replace("、", ",").split(","):
        if part.strip():
            seen[part.strip()] = None
    return tuple(seen)


def check_tag(tag: str) -> str:
    if not tag or len(tag) > MAX_TAG_CHARS or ":" in tag:
        raise ValueError(f"标签 {tag!r} 不合适：1 到 {MAX_TAG_CHARS} 个字，不能含冒号")
    return tag


def _campaign(settings: ReminderSettings) -> CampaignConfig | None:
    if not settings.youth_month_start:
        return None
    try:
        month_text, day_text = settings.youth_month_start.strip().split("-")
        month, day = int(month_text), int(day_text)
        dt.date(2028, month, day)  # a leap year, so 02-29 passes; other years use 02-28
    except ValueError as exc:
        raise ValueError("YOUTH_MONTH_START must be MM-DD, e.g. 05-01") from exc
    try:
        weeks = tuple(sorted({int(week) for week in split_list(settings.youth_month_weeks)}))
        hour, minute = (int(part) for part in settings.youth_month_send_time.split(":"))
        send_time = dt.time(hour, minute)
    except ValueError as exc:
        raise ValueError(
            "YOUTH_MONTH_WEEKS must be like 1,3 and YOUTH_MONTH_SEND_TIME HH:MM"
        ) from exc
    if not 1 <= settings.youth_month_days <= 62:
        raise ValueError("YOUTH_MONTH_DAYS must be between 1 and 62")
    if not weeks or any(week < 1 or (week - 1) * 7 >= settings.youth_month_days for week in weeks):
        raise ValueError("YOUTH_MONTH_WEEKS must name weeks inside the campaign (1 = first week)")
    return CampaignConfig(
        month=month,
        day=day,
        days=settings.youth_month_days,
        weeks=weeks,
        send_time=send_time,
        tag=check_tag(settings.youth_month_tag),
        title=settings.youth_month_title,
        text=settings.youth_month_text,
    )
