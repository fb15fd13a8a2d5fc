"""The `event` admin commands, shared by the CLI (`courier-aid event ...`) and Telegram
(`/event ...` from an administrator): add, edit, cancel, list, import, report.

Times are Asia/Shanghai, "YYYY-MM-DD HH:MM". Output is plain text (or JSON with --json);
`run_admin_text` escapes it for Telegram HTML.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy import select

from common.clock import Clock
from reminders.config import ReminderConfig, split_list
from reminders.deliveries import progress
from reminders.events import (
    EventChanges,
    EventDraft,
    EventError,
    cancel_event,
    create_event,
    edit_event,
    get_event,
    list_events,
)
from reminders.importer import import_drafts, parse_yaml
from reminders.offsets import format_offset, format_offsets, parse_offsets
from reminders.times import format_local, parse_local
from storage.db import UnitOfWork
from storage.event_models import Event, EventReminder

STATE_LABELS = {
    "scheduled": "待发送",
    "broadcasting": "发送中",
    "done": "已完成",
    "withdrawn": "已撤回",
    "missed": "错过（活动已开始，未发）",
    "superseded": "未发（已有更近的一条）",
}
COUNT_LABELS = (
    ("sent", "成功"), ("failed", "失败"), ("blocked", "已屏蔽"), ("unknown", "不确定"),
    ("pending", "待发"), ("sending", "发送中"), ("withdrawn", "撤回"), ("expired", "过期"),
)  # fmt: skip


class CommandError(Exception):
    """A mistake in the command; the message says what to fix."""


class _Parser(argparse.ArgumentParser):
    """Raises instead of exiting, so Telegram can answer with the message."""

    def error(self, message: str) -> NoReturn:
        raise CommandError(f"{message}\n{self.format_usage()}")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise CommandError(message or self.format_help())


@dataclass(frozen=True, slots=True)
class Context:
    uow: UnitOfWork
    clock: Clock
    config: ReminderConfig
    source: str  # cli or telegram
    actor: str | None = None


@dataclass(frozen=True, slots=True)
class Output:
    text: str
    data: Any


def add_subcommands(sub: Any, *, allow_import: bool = True) -> None:
    """Add add/edit/cancel/list/import/report to an argparse subparsers object."""
    add = sub.add_parser("add", help="add an event")
    add.add_argument("--title", required=True)
    add.add_argument("--start", required=True, help='"YYYY-MM-DD HH:MM" (Asia/Shanghai)')
    add.add_argument("--tags", required=True, help="comma list, e.g. 法律讲座,工会活动")
    add.add_argument("--end", help='"YYYY-MM-DD HH:MM"')
    add.add_argument("--place", default="")
    add.add_argument("--description", default="")
    add.add_argument("--audience", default="")
    add.add_argument("--remind", help="offsets before the start, e.g. 24h,1h,30m,2d")
    add.add_argument("--key", help="a stable name (as in YAML imports)")
    edit = sub.add_parser("edit", help="change an event (moving it tells those reminded)")
    edit.add_argument("id", type=int)
    for name in ("title", "start", "end", "place", "description", "audience", "tags", "remind"):
        edit.add_argument(f"--{name}")
    edit.add_argument("--no-end", action="store_true", help="remove the end time")
    cancel = sub.add_parser("cancel", help="cancel an event (tells those reminded)")
    cancel.add_argument("id", type=int)
    listing = sub.add_parser("list", help="upcoming events")
    listing.add_argument("--all", action="store_true", help="past and cancelled ones too")
    if allow_import:
        imp = sub.add_parser("import", help="add or update events from a YAML file")
        imp.add_argument("file")
    report = sub.add_parser("report", help="reminders of an event and their deliveries")
    report.add_argument("id", type=int)
    for parser in sub.choices.values():
        parser.add_argument("--json", action="store_true", help="print JSON")


def build_admin_parser(prog: str = "/event") -> argparse.ArgumentParser:
    parser = _Parser(prog=prog, description="活动管理", add_help=True)
    sub = parser.add_subparsers(dest="event_action", required=True, parser_class=_Parser)
    add_subcommands(sub, allow_import=False)
    return parser


def run_admin_text(text: str, ctx: Context) -> str:
    """One Telegram admin command (the words after /event); the answer as escaped HTML."""
    try:
        args = build_admin_parser().parse_args(shlex.split(text))
        out = run(args, ctx).text
    except ValueError as exc:  # shlex: unbalanced quotes
        out = f"命令格式有误：{exc}"
    except (CommandError, EventError) as exc:
        out = str(exc)
    return html.escape(out, quote=False)


def run(args: argparse.Namespace, ctx: Context) -> Output:
    """Run one parsed `event` command. EventError/CommandError carry what to fix."""
    action = args.event_action
    tz = ctx.config.timezone
    with ctx.uow() as session:
        now = ctx.clock.now()
        if action == "add":
            draft = EventDraft(
                title=args.title,
                start_at=_time(args.start, ctx),
                end_at=_time(args.end, ctx) if args.end else None,
                tags=split_list(args.tags),
                place=args.place,
                description=args.description,
                audience=args.audience,
                offsets=_offsets(args.remind),
                key=args.key,
            )
            event = create_event(
                session,
                draft,
                now=now,
                default_offsets=ctx.config.default_offsets,
                source=ctx.source,
                created_by=ctx.actor,
            )
            return Output(f"已添加活动 #{event.id}\n{_describe(event, ctx)}\n"
                          "运行中的机器人会在 1 分钟内收到。", _data(event, ctx))  # fmt: skip
        if action == "edit":
            changes = EventChanges(
                title=args.title,
                start_at=_time(args.start, ctx) if args.start else None,
                end_at=_time(args.end, ctx) if args.end else None,
                clear_end=args.no_end,
                place=args.place,
                description=args.description,
                audience=args.audience,
                tags=split_list(args.tags) if args.tags is not None else None,
                offsets=_offsets(args.remind),
            )
            result = edit_event(session, args.id, changes, now=now)
            note = "没有改动。" if not result.changed else "已修改：" + "、".join(result.changed)
            if result.moved:
                note += "\n时间或地点改了：未发的提醒按新时间重排，已收到提醒的人会收到变动通知。"
            return Output(f"活动 #{args.id}：{note}\n{_describe(result.event, ctx)}",
                          _data(result.event, ctx))  # fmt: skip
        if action == "cancel":
            event = cancel_event(session, args.id, now=now)
            return Output(
                f"已取消活动 #{event.id}：{event.title}\n"
                "未发的提醒已撤回；已收到提醒的人会收到取消通知（1 分钟内）。",
                _data(event, ctx),
            )
        if action == "list":
            events = list_events(session, now=now, include_past=args.all,
                                 include_cancelled=args.all)  # fmt: skip
            lines = [_line(event, ctx) for event in events] or ["（没有活动）"]
            return Output("\n".join(lines), [_data(event, ctx) for event in events])
        if action == "import":
            drafts = parse_yaml(_read(args.file), tz)
            imported = import_drafts(session, drafts, now=now,
                                   default_offsets=ctx.config.default_offsets)  # fmt: skip
            text = (f"导入完成：新增 {len(imported.added)}，更新 {len(imported.updated)}，"
                    f"未变 {len(imported.unchanged)}")  # fmt: skip
            if imported.skipped:
                text += "\n跳过：" + "、".join(imported.skipped)
            return Output(
                text,
                {
                    "added": imported.added,
                    "updated": imported.updated,
                    "unchanged": imported.unchanged,
                    "skipped": imported.skipped,
                },
            )
        if action == "report":
            return _report(session, args.id, ctx)
    raise CommandError(f"unknown action {action!r}")


def _time(text: str, ctx: Context) -> dt.datetime:
    try:
        return parse_local(text, ctx.config.timezone)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


def _offsets(text: str | None) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        return parse_offsets(text)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"读不了文件 {path}：{exc.strerror}") from exc


def _span(event: Event, ctx: Context) -> str:
    tz = ctx.config.timezone
    start = format_local(event.start_at, tz)
    return f"{start} – {format_local(event.end_at, tz)}" if event.end_at else start


def _describe(event: Event, ctx: Context) -> str:
    tz = ctx.config.timezone
    reminders = "，".join(
        f"{format_local(event.start_at - _minutes(m), tz)}（提前 {format_offset(m)}）"
        for m in event.remind_offsets
    )
    return "\n".join([
        f"标题：{event.title}",
        f"时间：{_span(event, ctx)}（北京时间）",
        f"地点：{event.place or '未填'}",
        f"标签：{'、'.join(event.tags)}",
        f"提醒：{reminders or '无'}",
    ])  # fmt: skip


def _minutes(value: int) -> dt.timedelta:
    return dt.timedelta(minutes=value)


def _line(event: Event, ctx: Context) -> str:
    status = "" if event.status == "scheduled" else f"（{event.status}）"
    return (f"#{event.id}  {_span(event, ctx)}  {event.title}  [{','.join(event.tags)}]  "
            f"提醒 {format_offsets(event.remind_offsets) or '-'}{status}")  # fmt: skip


def _data(event: Event, ctx: Context) -> dict[str, Any]:
    tz = ctx.config.timezone
    return {
        "id": event.id,
        "key": event.key,
        "title": event.title,
        "start": format_local(event.start_at, tz),
        "end": format_local(event.end_at, tz) if event.end_at else None,
        "place": event.place,
        "tags": list(event.tags),
        "remind": format_offsets(event.remind_offsets),
        "status": event.status,
        "revision": event.revision,
    }


def _report(session: Any, event_id: int, ctx: Context) -> Output:
    event = get_event(session, event_id)
    reminders = session.scalars(
        select(EventReminder)
        .where(EventReminder.event_id == event_id)
        .order_by(EventReminder.fire_at, EventReminder.id)
    ).all()
    lines = [f"活动 #{event.id} {event.title}（{_span(event, ctx)}，{event.status}）"]
    data = []
    for reminder in reminders:
        counts = progress(session, reminder.id)
        label = STATE_LABELS.get(reminder.state, reminder.state)
        figures = "，".join(
            f"{name} {counts.get(state)}" for state, name in COUNT_LABELS if counts.get(state)
        )
        lines.append(
            f"- {format_local(reminder.fire_at, ctx.config.timezone)} {_kind(reminder)}："
            f"{label}" + (f"；共 {counts.total}：{figures}" if counts.total else "")
        )
        data.append({
            "id": reminder.id, "key": reminder.key, "kind": reminder.kind,
            "fire_at": format_local(reminder.fire_at, ctx.config.timezone),
            "state": reminder.state, "total": counts.total, "counts": counts.counts,
        })  # fmt: skip
    if not reminders:
        lines.append("（还没有生成提醒：机器人运行时 1 分钟内生成）")
    return Output("\n".join(lines), {"event": _data(event, ctx), "reminders": data})


def _kind(reminder: EventReminder) -> str:
    if reminder.kind == "offset":
        minutes = int(reminder.key.rsplit(":", 1)[-1].rstrip("m"))
        return f"提前 {format_offset(minutes)} 的提醒"
    return {"change": "变动通知", "cancel": "取消通知", "campaign": "青年服务月消息"}.get(
        reminder.kind, reminder.kind
    )


def dump(out: Output, as_json: bool) -> str:
    return json.dumps(out.data, ensure_ascii=False) if as_json else out.text
