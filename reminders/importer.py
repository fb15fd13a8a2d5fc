"""Import events from YAML, all or nothing. Re-importing the same file changes nothing.

    events:
      - key: legal-talk-2026-12        # optional; without it: title + start date
        title: 快递员劳动法律讲座
        start: "2026-12-05 14:00"        # Asia/Shanghai
        end: "2026-12-05 16:00"          # optional
        place: 市总工会职工服务中心       # optional
        description: 讲劳动合同和工伤认定  # optional
        tags: [法律讲座, 工会活动]
        audience: 全市快递员             # optional
        remind: 24h,1h                   # optional; the configured default otherwise

An item whose key exists already updates that event (moving it tells couriers already reminded).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from reminders.config import split_list
from reminders.events import (
    EventChanges,
    EventDraft,
    EventError,
    create_event,
    edit_event,
    validate,
)
from reminders.offsets import parse_offsets
from reminders.times import parse_local
from storage.event_models import Event

FIELDS = {"key", "title", "start", "end", "place", "description", "tags", "audience", "remind"}


@dataclass(slots=True)
class ImportResult:
    added: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _text(item: dict[str, Any], name: str) -> str:
    value = item.get(name, "")
    return "" if value is None else str(value)


def _draft(item: Any, tz: ZoneInfo) -> EventDraft:
    if not isinstance(item, dict):
        raise EventError("每个活动应该是一组 字段: 值")
    unknown = set(item) - FIELDS
    if unknown:
        raise EventError(f"不认识的字段：{', '.join(sorted(map(str, unknown)))}")
    for name in ("title", "start", "tags"):
        if not item.get(name):
            raise EventError(f"缺少 {name}")
    try:
        start = parse_local(str(item["start"]), tz)
        end = parse_local(str(item["end"]), tz) if item.get("end") else None
        remind = item.get("remind")
        if isinstance(remind, list):
            remind = ",".join(map(str, remind))
        offsets = parse_offsets(str(remind)) if remind else None
    except ValueError as exc:
        raise EventError(str(exc)) from exc
    tags = item["tags"]
    tag_list = [str(tag) for tag in tags] if isinstance(tags, list) else list(split_list(str(tags)))
    key = _text(item, "key").strip()
    if not key:
        digest = hashlib.sha256(f"{item['title']}|{start.isoformat()}".encode()).hexdigest()
        key = f"yaml:{digest[:16]}"
    return EventDraft(
        title=_text(item, "title"),
        start_at=start,
        end_at=end,
        tags=tuple(tag_list),
        place=_text(item, "place"),
        description=_text(item, "description"),
        audience=_text(item, "audience"),
        offsets=offsets,
        key=key,
    )


def parse_yaml(text: str, tz: ZoneInfo) -> list[EventDraft]:
    """Every item, or EventError listing every problem (item numbers from 1)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise EventError(f"YAML 格式有误：{exc}") from exc
    items = data.get("events") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise EventError("文件里没有活动：顶层应为 events: 列表")
    drafts, problems = [], []
    for number, item in enumerate(items, start=1):
        try:
            drafts.append(_draft(item, tz))
        except EventError as exc:
            problems.append(f"第 {number} 个活动：{exc}")
    keys = [draft.key for draft in drafts]
    if len(set(keys)) != len(keys):
        problems.append("有重复的 key（或同名同时间的活动）")
    if problems:
        raise EventError("\n".join(problems))
    return drafts


def import_drafts(
    session: Session,
    drafts: list[EventDraft],
    *,
    now: dt.datetime,
    default_offsets: tuple[int, ...],
    source: str = "yaml",
) -> ImportResult:
    result = ImportResult()
    for number, draft in enumerate(drafts, start=1):
        try:
            _import_one(session, draft, now, default_offsets, source, result)
        except EventError as exc:
            raise EventError(f"第 {number} 个活动：{exc}") from exc
    return result


def _import_one(
    session: Session,
    draft: EventDraft,
    now: dt.datetime,
    default_offsets: tuple[int, ...],
    source: str,
    result: ImportResult,
) -> None:
    existing = session.scalars(select(Event).where(Event.key == draft.key)).one_or_none()
    if existing is None:
        event = create_event(session, draft, now=now, default_offsets=default_offsets,
                             source=source)  # fmt: skip
        result.added.append(event.id)
        return
    if existing.status != "scheduled":
        result.skipped.append(f"{draft.key}（已取消）")
        return
    if draft.start_at != existing.start_at:
        validate(draft, now)
    changes = EventChanges(
        title=draft.title,
        start_at=draft.start_at,
        end_at=draft.end_at,
        clear_end=draft.end_at is None,
        place=draft.place,
        description=draft.description,
        audience=draft.audience,
        tags=draft.tags,
        offsets=draft.offsets if draft.offsets is not None else default_offsets,
    )
    edited = edit_event(session, existing.id, changes, now=now)
    (result.updated if edited.changed else result.unchanged).append(existing.id)
