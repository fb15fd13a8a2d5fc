"""Events: validated create, edit, cancel and list. The caller's unit of work commits.

Edits that change when or where an event happens bump `revision`; the next reconcile then
withdraws the reminders not yet sent and tells couriers already reminded (see `reconcile`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from reminders.config import check_tag
from storage.event_models import Event

MAX_TAGS = 8
LIMITS = {"title": 120, "place": 200, "description": 2000, "audience": 120, "key": 64}


class EventError(ValueError):
    """A problem with what an administrator asked for; the message is shown as is."""


@dataclass(frozen=True, slots=True)
class EventDraft:
    title: str
    start_at: dt.datetime
    tags: tuple[str, ...]
    end_at: dt.datetime | None = None
    place: str = ""
    description: str = ""
    audience: str = ""
    offsets: tuple[int, ...] | None = None  # None: the configured default
    key: str | None = None


@dataclass(frozen=True, slots=True)
class EventChanges:
    """What an edit changes; None leaves a field as it is (`clear_end` removes the end time)."""

    title: str | None = None
    start_at: dt.datetime | None = None
    end_at: dt.datetime | None = None
    clear_end: bool = False
    place: str | None = None
    description: str | None = None
    audience: str | None = None
    tags: tuple[str, ...] | None = None
    offsets: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class EditResult:
    event: Event
    moved: bool  # time or place changed: couriers already reminded will be told
    changed: tuple[str, ...] = field(default_factory=tuple)


def _check_text(name: str, value: str, *, required: bool = False) -> str:
    value = value.strip()
    if required and not value:
        raise EventError(f"{name} 不能为空")
    if len(value) > LIMITS[name]:
        raise EventError(f"{name} 太长：最多 {LIMITS[name]} 个字")
    return value


def _check_tags(tags: Sequence[str]) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(tag.strip() for tag in tags if tag.strip()))
    if not cleaned:
        raise EventError("至少要有一个标签（--tags），例如 --tags 法律讲座,工会活动")
    if len(cleaned) > MAX_TAGS:
        raise EventError(f"标签太多：最多 {MAX_TAGS} 个")
    try:
        return tuple(check_tag(tag) for tag in cleaned)
    except ValueError as exc:
        raise EventError(str(exc)) from exc


def _check_times(start: dt.datetime, end: dt.datetime | None, now: dt.datetime) -> None:
    if start <= now:
        raise EventError("开始时间已经过去了，请检查日期和时间（按北京时间）")
    if end is not None and end <= start:
        raise EventError("结束时间必须晚于开始时间")


def validate(draft: EventDraft, now: dt.datetime) -> EventDraft:
    """The draft with its text trimmed, or EventError."""
    _check_times(draft.start_at, draft.end_at, now)
    key = _check_text("key", draft.key) if draft.key else None
    return replace(
        draft,
        title=_check_text("title", draft.title, required=True),
        place=_check_text("place", draft.place),
        description=_check_text("description", draft.description),
        audience=_check_text("audience", draft.audience),
        tags=_check_tags(draft.tags),
        key=key or None,
    )


def create_event(
    session: Session,
    draft: EventDraft,
    *,
    now: dt.datetime,
    default_offsets: tuple[int, ...],
    source: str,
    created_by: str | None = None,
) -> Event:
    draft = validate(draft, now)
    if draft.key and session.scalar(select(Event.id).where(Event.key == draft.key)) is not None:
        raise EventError(f"已有 key 为 {draft.key!r} 的活动")
    event = Event(
        key=draft.key,
        title=draft.title,
        description=draft.description,
        place=draft.place,
        start_at=draft.start_at,
        end_at=draft.end_at,
        tags=list(draft.tags),
        audience=draft.audience,
        status="scheduled",
        remind_offsets=list(draft.offsets if draft.offsets is not None else default_offsets),
        revision=1,
        source=source,
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )
    session.add(event)
    session.flush()
    return event


def get_event(session: Session, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise EventError(f"没有编号为 {event_id} 的活动")
    return event


def edit_event(
    session: Session, event_id: int, changes: EventChanges, *, now: dt.datetime
) -> EditResult:
    event = get_event(session, event_id)
    if event.status != "scheduled":
        raise EventError(f"活动 {event_id} 已取消，不能再修改")
    start = changes.start_at or event.start_at
    end = None if changes.clear_end else (changes.end_at or event.end_at)
    if changes.start_at is not None and changes.start_at != event.start_at and start <= now:
        raise EventError("新的开始时间已经过去了，请检查日期和时间（按北京时间）")
    if end is not None and end <= start:
        raise EventError("结束时间必须晚于开始时间")
    new: dict[str, object] = {}
    if changes.title is not None:
        new["title"] = _check_text("title", changes.title, required=True)
    for name in ("place", "description", "audience"):
        value = getattr(changes, name)
        if value is not None:
            new[name] = _check_text(name, value)
    if changes.tags is not None:
        new["tags"] = list(_check_tags(changes.tags))
    if changes.offsets is not None:
        new["remind_offsets"] = list(changes.offsets)
    new["start_at"], new["end_at"] = start, end
    changed = tuple(name for name, value in new.items() if getattr(event, name) != value)
    for name in changed:
        setattr(event, name, new[name])
    moved = bool({"start_at", "end_at", "place"} & set(changed))
    if moved:
        event.revision += 1
    if changed:
        event.updated_at = now
    return EditResult(event, moved, changed)


def cancel_event(session: Session, event_id: int, *, now: dt.datetime) -> Event:
    event = get_event(session, event_id)
    if event.status == "cancelled":
        raise EventError(f"活动 {event_id} 已经取消过了")
    event.status = "cancelled"
    event.cancelled_at = now
    event.updated_at = now
    event.revision += 1
    return event


def list_events(
    session: Session,
    *,
    now: dt.datetime,
    include_past: bool = False,
    include_cancelled: bool = False,
    limit: int = 50,
) -> list[Event]:
    query = select(Event).order_by(Event.start_at, Event.id).limit(limit)
    if not include_past:
        query = query.where(Event.start_at > now - dt.timedelta(hours=12))
    if not include_cancelled:
        query = query.where(Event.status == "scheduled")
    return list(session.scalars(query))


def upcoming_events(session: Session, *, now: dt.datetime, limit: int = 5) -> list[Event]:
    """What couriers see with /events: scheduled, not yet over, soonest first."""
    rows = session.scalars(
        select(Event)
        .where(Event.status == "scheduled", Event.start_at > now - dt.timedelta(days=62))
        .order_by(Event.start_at, Event.id)
    )
    return [event for event in rows if (event.end_at or event.start_at) > now][:limit]
