"""Messages about events, rendered through Jinja2 (Telegram HTML subset, everything escaped)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from knowledge.render import make_environment
from reminders.config import CampaignConfig
from reminders.deliveries import Progress
from reminders.personal import RULES, DeadlineKind, cn_date
from reminders.times import format_day, format_span, format_until
from storage.event_models import Event, EventReminder

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
FOOTER = "不想收到这类提醒？发“订阅”调整，或发“退订”全部退订。"


class Texts:
    def __init__(self, tz: ZoneInfo, campaign: CampaignConfig | None = None) -> None:
        self.tz = tz
        self.campaign = campaign
        self._env = make_environment(TEMPLATES_DIR, trim_blocks=True, lstrip_blocks=True)

    def render(self, name: str, **context: object) -> str:
        return self._env.get_template(name).render(**context).strip()

    def when(self, event: Event) -> str:
        if event.source == "campaign" and event.end_at is not None:  # whole days
            last = event.end_at - dt.timedelta(seconds=1)
            return f"{format_day(event.start_at, self.tz)}至{format_day(last, self.tz)}"
        return format_span(event.start_at, event.end_at, self.tz)

    def for_reminder(self, event: Event, reminder: EventReminder, now: dt.datetime) -> str:
        """The message a reminder sends, frozen when its broadcast starts."""
        common = {"title": event.title, "when": self.when(event), "place": event.place}
        if reminder.kind == "change":
            return self.render("change.html", **common)
        if reminder.kind == "cancel":
            return self.render("cancel.html", **common)
        if reminder.kind == "campaign":
            text = self.campaign.text if self.campaign else event.description
            return self.render("campaign.html", **common, text=text, footer=FOOTER)
        return self.render(
            "reminder.html",
            **common,
            until=format_until(event.start_at - now),
            description=event.description,
            footer=FOOTER,
        )

    def events_list(self, events: list[Event]) -> str:
        rows = [
            {
                "title": event.title,
                "when": self.when(event),
                "place": event.place,
                "tags": "、".join(event.tags),
                "audience": event.audience,
            }
            for event in events
        ]
        return self.render("events.html", events=rows)

    def subscribe_menu(self, active: list[str]) -> str:
        return self.render("subscribe.html", active="、".join(active))

    def report(self, event: Event, reminder: EventReminder, progress: Progress) -> str:
        """The delivery report administrators get (also while a broadcast runs)."""
        headline = {
            "broadcasting": "正在发送",
            "done": "发送完成",
        }.get(progress.state, f"发送状态 {progress.state}")
        kind = {"change": "（变动通知）", "cancel": "（取消通知）", "campaign": "（青年服务月）"}
        other = progress.get("withdrawn") + progress.get("expired")
        return self.render(
            "report.html",
            headline=headline,
            title=f"#{event.id} {event.title}{kind.get(reminder.kind, '')}",
            total=progress.total,
            sent=progress.get("sent"),
            failed=progress.get("failed"),
            blocked=progress.get("blocked"),
            unknown=progress.get("unknown"),
            undeliverable=progress.get("undeliverable"),
            pending=progress.get("pending") + progress.get("sending"),
            other=other,
        )


def personal_reminder(texts: Texts, kind: str, basis: dt.date, deadline: dt.date,
                      today: dt.date) -> str:  # fmt: skip
    """The message a personal deadline reminder sends."""
    rule = RULES[DeadlineKind(kind)]
    return texts.render(
        "personal.html",
        label=rule.label,
        basis=cn_date(basis),
        rule=rule.rule,
        deadline=cn_date(deadline),
        days_left=max(0, (deadline - today).days),
        advice=rule.advice,
        source=rule.source,
    )
