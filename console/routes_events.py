"""Events: list, create, edit, cancel through `reminders.commands` (the same rules and the same
notices as `courier-aid event ...`), a preview of each reminder as couriers will see it, and the
delivery report of each broadcast."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from common.replies import to_plain
from console.web import Deps, NotFound, Req, guard
from reminders.commands import STATE_LABELS as REMINDER_STATES
from reminders.commands import CommandError, Context, Output, run
from reminders.events import EventError, get_event
from reminders.offsets import format_offset, format_offsets
from reminders.texts import Texts
from reminders.times import format_local
from storage.event_models import Event, EventReminder

FIELDS = ("title", "start", "end", "place", "description", "audience", "remind")
DELIVERY_LABELS = (
    ("sent", "已送达"), ("failed", "失败"), ("undeliverable", "该渠道无法送达"),
    ("blocked", "已屏蔽/退订"), ("unknown", "不确定"), ("pending", "待发"),
    ("sending", "发送中"), ("withdrawn", "撤回"), ("expired", "过期"),
)  # fmt: skip
STATUS_LABELS = {"scheduled": "已排期", "cancelled": "已取消"}
KIND_LABELS = {
    "offset": "提前提醒",
    "change": "变动通知",
    "cancel": "取消通知",
    "campaign": "青年服务月",
}


def _context(req: Req) -> Context:
    return Context(req.deps.uow, req.deps.clock, req.deps.config.reminders, source="console",
                   actor=f"console:{req.viewer.name}")  # fmt: skip


def _time(value: str) -> str:
    """A datetime-local field ('2026-12-05T14:00') as the commands read it."""
    return value.strip().replace("T", " ")


def _tags(req: Req) -> str:
    chosen = [t for t in req.multi.get("tags", []) if t.strip()]
    return ",".join([*chosen, req.form.get("more_tags", "")])


def _namespace(action: str, **values: Any) -> argparse.Namespace:
    return argparse.Namespace(event_action=action, json=False, **values)


def preview(deps: Deps, event: Event) -> list[tuple[str, str]]:
    """Each offset reminder of `event` as couriers will read it, with when it goes out."""
    texts = Texts(deps.config.reminders.timezone)
    out = []
    for minutes in event.remind_offsets:
        fire = event.start_at - dt.timedelta(minutes=minutes)
        reminder = EventReminder(kind="offset", key=f"r{event.revision}:{minutes}m",
                                 revision=event.revision, fire_at=fire)  # fmt: skip
        when = (
            f"{format_local(fire, deps.config.reminders.timezone)}（提前 {format_offset(minutes)}）"
        )
        out.append((when, to_plain(texts.for_reminder(event, reminder, fire))))
    return out


def routes(deps: Deps) -> list[Route]:
    tags = deps.config.reminders.tags

    def listing(req: Req) -> Response:
        show_all = req.query.get("all") == "1"
        out = run(_namespace("list", all=show_all), _context(req))
        return req.render("events.html", events=out.data, show_all=show_all,
                          status_labels=STATUS_LABELS)  # fmt: skip

    def form_page(req: Req, *, values: dict[str, str], error: str | None, event_id: int | None,
                  chosen: list[str], status: int = 200) -> Response:  # fmt: skip
        return req.render("event_form.html", status, values=values, error=error,
                          event_id=event_id, tags=tags, chosen=chosen)  # fmt: skip

    def new_page(req: Req) -> Response:
        values = dict.fromkeys(FIELDS, "")
        values["remind"] = format_offsets(deps.config.reminders.default_offsets)
        return form_page(req, values=values, error=None, event_id=None, chosen=[])

    def create(req: Req) -> Response:
        values = {name: req.form.get(name, "") for name in FIELDS}
        try:
            out: Output = run(
                _namespace(
                    "add", title=values["title"], start=_time(values["start"]),
                    end=_time(values["end"]) or None, tags=_tags(req), place=values["place"],
                    description=values["description"], audience=values["audience"],
                    remind=values["remind"].strip() or None, key=None,
                ),
                _context(req),
            )  # fmt: skip
        except (CommandError, EventError) as exc:
            return form_page(req, values=values, error=str(exc), event_id=None,
                             chosen=req.multi.get("tags", []), status=400)  # fmt: skip
        event_id = int(out.data["id"])
        with deps.uow() as session:
            req.audit(session, "event_add", f"活动 #{event_id}", out.data["title"])
        return req.redirect(f"/events/{event_id}", out.text)

    def detail(req: Req) -> Response:
        event_id = req.int_param("id")
        try:
            report = run(_namespace("report", id=event_id), _context(req))
        except EventError:
            raise NotFound from None
        with deps.uow() as session:
            event = get_event(session, event_id)
            values = {
                "title": event.title, "place": event.place, "description": event.description,
                "audience": event.audience, "remind": format_offsets(event.remind_offsets),
                "start": _field_time(deps, event.start_at), "end": _field_time(deps, event.end_at),
            }  # fmt: skip
            shown = preview(deps, event) if event.status == "scheduled" else []
            chosen = list(event.tags)
        return req.render(
            "event.html", event=report.data["event"], reminders=report.data["reminders"],
            values=values, preview=shown, tags=tags, chosen=chosen, error=None,
            labels=DELIVERY_LABELS, status_labels=STATUS_LABELS, event_id=event_id,
            kind_labels=KIND_LABELS, state_labels=REMINDER_STATES,
        )  # fmt: skip

    def edit(req: Req) -> Response:
        event_id = req.int_param("id")
        values = {name: req.form.get(name, "") for name in FIELDS}
        end = _time(values["end"])
        try:
            out = run(
                _namespace(
                    "edit", id=event_id, title=values["title"], start=_time(values["start"]),
                    end=end or None, no_end=not end, place=values["place"],
                    description=values["description"], audience=values["audience"],
                    tags=_tags(req), remind=values["remind"].strip() or None,
                ),
                _context(req),
            )  # fmt: skip
        except (CommandError, EventError) as exc:
            return req.redirect(f"/events/{event_id}", f"没有修改：{exc}")
        with deps.uow() as session:
            req.audit(session, "event_edit", f"活动 #{event_id}", out.text.splitlines()[0])
        return req.redirect(f"/events/{event_id}", out.text)

    def cancel(req: Req) -> Response:
        event_id = req.int_param("id")
        try:
            out = run(_namespace("cancel", id=event_id), _context(req))
        except (CommandError, EventError) as exc:
            return req.redirect(f"/events/{event_id}", str(exc))
        with deps.uow() as session:
            req.audit(session, "event_cancel", f"活动 #{event_id}", out.data["title"])
        return req.redirect(f"/events/{event_id}", out.text)

    return [
        Route("/events", guard(deps, listing), methods=["GET"]),
        Route("/events/new", guard(deps, new_page, role="coordinator"), methods=["GET"]),
        Route("/events/new", guard(deps, create, role="coordinator"), methods=["POST"]),
        Route("/events/{id:int}", guard(deps, detail), methods=["GET"]),
        Route("/events/{id:int}/edit", guard(deps, edit, role="coordinator"), methods=["POST"]),
        Route("/events/{id:int}/cancel", guard(deps, cancel, role="coordinator"), methods=["POST"]),
    ]


def _field_time(deps: Deps, value: dt.datetime | None) -> str:
    """A time as a datetime-local field wants it, in Beijing time."""
    return (
        value.astimezone(deps.config.reminders.timezone).strftime("%Y-%m-%dT%H:%M") if value else ""
    )
