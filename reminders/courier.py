"""What couriers do with events, as replies any channel can format: /events, /subscribe (tag
buttons), /unsubscribe, and the personal deadline reminder offered after some answers.

Button data starts with `ev:` (the dialogue's own buttons are one letter and a colon):
`ev:on:<tag>`, `ev:off:<tag>`, `ev:stop`, `ev:pr:<kind>` (offer accepted: ask for the date).
"""

from __future__ import annotations

from dataclasses import dataclass

from common.clock import Clock
from common.replies import Choice, Reply
from reminders.config import ReminderConfig
from reminders.events import upcoming_events
from reminders.personal import (
    RULES,
    TOPIC_DEADLINES,
    DeadlineKind,
    DeadlinePlan,
    cn_date,
    plan_deadline,
    save_plan,
)
from reminders.subscriptions import (
    active_tags,
    available_tags,
    mark_active,
    mark_inactive,
    subscribe,
    unsubscribe,
    unsubscribe_all,
)
from reminders.texts import Texts
from reminders.zh_dates import parse_zh_date
from storage.db import UnitOfWork
from storage.repositories import Users

PREFIX = "ev:"
STALE = "这个按钮已经失效了。发“订阅”重新选择就好。"
BAD_DATE = (
    "没看懂这个日期😅 可以这样说：“2026年3月5日”“3月5号”“上个月5号”“前天”。"
    "不想设提醒的话，直接问别的问题就行。"
)
FUTURE_DATE = "这个日期还没到哦，麻烦再确认一下是哪天。"


@dataclass(frozen=True, slots=True)
class DeadlineAnswer:
    reply: Reply
    done: bool  # False: the date was not understood, keep waiting for it
    plan: DeadlinePlan | None = None


def is_event_button(data: str | None) -> bool:
    return bool(data) and str(data).startswith(PREFIX)


class CourierEvents:
    def __init__(
        self, uow: UnitOfWork, clock: Clock, config: ReminderConfig, texts: Texts | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._config = config
        self._texts = texts or Texts(config.timezone, config.campaign)

    def events(self, limit: int = 5) -> Reply:
        """/events: what is coming up."""
        with self._uow() as session:
            rows = upcoming_events(session, now=self._clock.now(), limit=limit)
            return Reply(blocks=(self._texts.events_list(rows),))

    def subscribe_menu(self, channel: str, external_ref: str) -> Reply:
        """/subscribe: one button per tag, ✅ on those subscribed; a button to stop everything."""
        now = self._clock.now()
        with self._uow() as session:
            user = Users(session).get_or_create(channel, external_ref, now)
            mine = active_tags(session, user.id)
            tags = available_tags(session, now, self._config.tags)
        choices = [
            Choice(f"✅ {tag}", f"{PREFIX}off:{tag}")
            if tag in mine
            else Choice(f"⬜ {tag}", f"{PREFIX}on:{tag}")
            for tag in tags
        ]
        if mine:
            choices.append(Choice("全部退订", f"{PREFIX}stop"))
        active = [tag for tag in tags if tag in mine] + sorted(mine - set(tags))
        return Reply(blocks=(self._texts.subscribe_menu(active),), choices=tuple(choices))

    def unsubscribe_all(self, channel: str, external_ref: str) -> Reply:
        """/unsubscribe: stop every event reminder and personal reminder at once."""
        now = self._clock.now()
        with self._uow() as session:
            user = Users(session).get_or_create(channel, external_ref, now)
            stopped = unsubscribe_all(session, user.id, now)
        if stopped.tags == 0 and stopped.personal == 0:
            return Reply(blocks=("你现在没有订阅任何提醒，不会收到活动消息。",))
        return Reply(
            blocks=(
                "好的，已经全部退订，之后不会再给你发活动和截止日期提醒。"
                "想重新订阅，随时发“订阅”。",
            )
        )

    def handle_button(self, channel: str, external_ref: str, data: str) -> Reply:
        """A pressed `ev:` button; the subscription menu comes back updated."""
        _, _, rest = data.partition(PREFIX)
        action, _, arg = rest.partition(":")
        if action == "stop":
            return self.unsubscribe_all(channel, external_ref)
        if action == "pr" and arg in {kind.value for kind in DeadlineKind}:
            return self.deadline_question(DeadlineKind(arg))
        if action not in ("on", "off"):
            return Reply(blocks=(STALE,), stale=True)
        now = self._clock.now()
        with self._uow() as session:
            if action == "on" and arg not in available_tags(session, now, self._config.tags):
                return Reply(blocks=(STALE,), stale=True)
            user = Users(session).get_or_create(channel, external_ref, now)
            if action == "on":
                subscribe(session, user.id, arg, now)
                mark_active(session, user.id)
            else:
                unsubscribe(session, user.id, arg, now)
        return self.subscribe_menu(channel, external_ref)

    def set_tag(self, channel: str, external_ref: str, tag: str, on: bool) -> Reply:
        """“订阅 青年服务月” / “退订 青年服务月” in words: the tag and its state (repeating is
        harmless); an unknown tag gets the list of tags there are."""
        now = self._clock.now()
        tag = tag.strip()
        with self._uow() as session:
            tags = available_tags(session, now, self._config.tags)
            user = Users(session).get_or_create(channel, external_ref, now)
            if tag not in tags and (on or tag not in active_tags(session, user.id)):
                listed = "、".join(tags) or "（暂时没有）"
                return Reply(blocks=(f"没有“{tag}”这个提醒。现在可以订阅的有：{listed}。",))
            if on:
                subscribe(session, user.id, tag, now)
                mark_active(session, user.id)
            else:
                unsubscribe(session, user.id, tag, now)
        return Reply(blocks=(f"{'已订阅' if on else '已退订'}：{tag}",))

    def seen(self, channel: str, external_ref: str) -> None:
        """The courier wrote to us: if they had blocked the bot, they no longer do."""
        with self._uow() as session:
            user = Users(session).get(channel, external_ref)
            if user is not None:
                mark_active(session, user.id)

    def left(self, channel: str, external_ref: str, reason: str = "unfollowed") -> None:
        """The courier left (unfollowed the service account): no reminder goes to them until
        they come back (`seen`)."""
        with self._uow() as session:
            user = Users(session).get(channel, external_ref)
            if user is not None:
                mark_inactive(session, user.id, reason, self._clock.now())

    # --- personal deadline reminders --------------------------------------------------------

    @staticmethod
    def deadline_offer(topic: str | None) -> Choice | None:
        """A button to add under an answer about `topic`, when it has a deadline."""
        kind = TOPIC_DEADLINES.get(topic or "")
        if kind is None:
            return None
        return Choice(f"⏰ {RULES[kind].label}截止前提醒我", f"{PREFIX}pr:{kind.value}")

    @staticmethod
    def deadline_question(kind: DeadlineKind) -> Reply:
        rule = RULES[kind]
        return Reply(blocks=(f"{rule.intro}\n\n{rule.question}",))

    def deadline_answer(
        self, channel: str, external_ref: str, kind: DeadlineKind, text: str
    ) -> DeadlineAnswer:
        """The courier's answer to `deadline_question`: compute the deadline, store reminders."""
        now = self._clock.now()
        tz = self._config.timezone
        today = now.astimezone(tz).date()
        basis = parse_zh_date(text, today)
        if basis is None:
            return DeadlineAnswer(Reply(blocks=(BAD_DATE,)), done=False)
        if basis > today:
            return DeadlineAnswer(Reply(blocks=(FUTURE_DATE,)), done=False)
        plan = plan_deadline(kind, basis, today)
        rule = RULES[kind]
        if plan.passed:
            return DeadlineAnswer(Reply(blocks=(rule.late,)), done=True, plan=plan)
        with self._uow() as session:
            user = Users(session).get_or_create(channel, external_ref, now)
            save_plan(session, user.id, plan, now=now, tz=tz)
        days = "、".join(cn_date(day) for day in plan.remind_on)
        when = f"我会在 {days} 上午 10 点提醒你。" if days else "时间很紧了，请尽快去办。"
        text_out = (
            f"好的，记下了。按 {cn_date(basis)} 算，{rule.rule}大约到 "
            f"<b>{cn_date(plan.deadline)}</b>，还剩 {plan.days_left} 天。{when}\n\n"
            f"{rule.advice}\n不想要提醒了，发“退订”。"
        )
        return DeadlineAnswer(Reply(blocks=(text_out,)), done=True, plan=plan)
