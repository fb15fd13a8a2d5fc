"""Handoff test helpers: a service on a SQLite file, and a fake channel that carries out
`Outcome`s the way the Telegram layer must (numbering sent messages, reporting tracked ones)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from common.clock import FixedClock
from handoff.config import HandoffConfig
from handoff.duty import DutyHours
from handoff.notices import ChatRef, CopyMessage, EditCard, Incoming, Notice, Outcome
from handoff.service import HandoffService
from handoff.staff import add_staff
from storage.db import UnitOfWork, make_engine
from storage.handoff_models import Staff
from storage.migrate import upgrade
from storage.models import User
from storage.repositories import Messages, Users

GROUP = ChatRef("telegram", "-1001")
ALWAYS = "00:00-24:00"


def sqlite_uow(tmp_path: Path) -> tuple[Engine, UnitOfWork]:
    engine = make_engine(f"sqlite:///{tmp_path / 'handoff.db'}")
    upgrade(engine)
    return engine, UnitOfWork(engine)


def make_config(hours: str = ALWAYS, days: str = "1-7", **kwargs: object) -> HandoffConfig:
    return HandoffConfig(duty=DutyHours.parse(hours, days), staff_chat=GROUP, **kwargs)  # type: ignore[arg-type]


def register(uow: UnitOfWork, ref: str, role: str, alias: str, now: dt.datetime) -> int:
    with uow() as session:
        staff, _ = add_staff(
            session, ChatRef("telegram", ref), role=role, alias=alias, now=now, actor="test"
        )
        return staff.id


def chat_with_bot(
    uow: UnitOfWork, ref: str, lines: list[tuple[str, str, str | None]], now: dt.datetime
) -> User:
    """Record a conversation: (direction, text, action) rows, one second apart, up to `now`."""
    with uow() as session:
        user = Users(session).get_or_create("telegram", ref, now)
        for n, (direction, text, action) in enumerate(lines, start=1 - len(lines)):
            Messages(session).record(
                user, direction, text, now + dt.timedelta(seconds=n), action=action
            )
        return user


@dataclass
class Sent:
    chat: ChatRef
    message_ref: str
    html: str | None  # None for a copy
    buttons: tuple[str, ...] = ()  # callback data
    copy_of: tuple[ChatRef, str] | None = None
    reply_to: str | None = None


@dataclass
class FakeChannel:
    """Carries out outcomes: every send gets the next message id in its chat."""

    service: HandoffService
    sent: list[Sent] = field(default_factory=list)
    edits: list[EditCard] = field(default_factory=list)
    toasts: list[str] = field(default_factory=list)
    last_in: str = ""  # the id of the last message a person "typed"
    _next: dict[ChatRef, int] = field(default_factory=lambda: defaultdict(lambda: 1000))

    def new_id(self, chat: ChatRef) -> str:
        self._next[chat] += 1
        return str(self._next[chat])

    def run(self, outcome: Outcome) -> Outcome:
        for item in outcome.sends:
            if isinstance(item, EditCard):
                self.edits.append(item)
                continue
            ref = self.new_id(item.to)
            if isinstance(item, Notice):
                self.sent.append(
                    Sent(item.to, ref, item.html, tuple(b.data for b in item.buttons),
                         reply_to=item.reply_to)
                )  # fmt: skip
            else:
                assert isinstance(item, CopyMessage)
                self.sent.append(
                    Sent(item.to, ref, None, copy_of=(item.source, item.message_ref),
                         reply_to=item.reply_to)
                )  # fmt: skip
            if item.track is not None:
                self.service.record_sent(item.track, item.to, ref)
        if outcome.toast:
            self.toasts.append(outcome.toast)
        return outcome

    def to(self, chat: ChatRef) -> list[Sent]:
        return [s for s in self.sent if s.chat == chat]

    def last(self, chat: ChatRef) -> Sent:
        return self.to(chat)[-1]

    def clear(self) -> None:
        self.sent.clear()
        self.edits.clear()
        self.toasts.clear()

    # what the person types or presses, as the channel would pass it on
    def courier_says(
        self, chat: ChatRef, text: str | None = None, *, kind: str = "text", **kw: object
    ) -> Outcome:
        self.last_in = self.new_id(chat)
        incoming = Incoming(chat, self.last_in, kind=kind, text=text, **kw)  # type: ignore[arg-type]
        return self.run(self.service.courier_message(incoming))

    def staff_says(
        self, chat: ChatRef, text: str | None = None, *, kind: str = "text", **kw: object
    ) -> Outcome:
        self.last_in = self.new_id(chat)
        incoming = Incoming(chat, self.last_in, kind=kind, text=text, **kw)  # type: ignore[arg-type]
        return self.run(self.service.staff_message(incoming))

    def press(self, chat: ChatRef, data: str, **kw: str) -> Outcome:
        return self.run(self.service.press(chat, data, **kw))

    def command(self, chat: ChatRef, name: str, arg: str = "") -> Outcome:
        return self.run(self.service.staff_command(chat, name, arg))

    def tick(self) -> Outcome:
        return self.run(self.service.tick())


@dataclass
class Desk:
    """One courier, two staff and a coordinator around a service."""

    service: HandoffService
    uow: UnitOfWork
    clock: FixedClock
    channel: FakeChannel
    courier: ChatRef
    li: ChatRef
    wang: ChatRef
    boss: ChatRef
    staff_ids: dict[str, int]

    def staff_row(self, alias: str) -> Staff:
        with self.uow() as session:
            row = session.get(Staff, self.staff_ids[alias])
            assert row is not None
            return row


def make_desk(tmp_path: Path, clock: FixedClock, config: HandoffConfig | None = None) -> Desk:
    _engine, uow = sqlite_uow(tmp_path)
    service = HandoffService(uow=uow, clock=clock, config=config or make_config())
    now = clock.now()
    ids = {
        "小李": register(uow, "501", "legal", "小李", now),
        "小王": register(uow, "502", "legal", "小王", now),
        "老张": register(uow, "503", "coordinator", "老张", now),
    }
    return Desk(
        service, uow, clock, FakeChannel(service), ChatRef("telegram", "42"),
        ChatRef("telegram", "501"), ChatRef("telegram", "502"), ChatRef("telegram", "503"), ids,
    )  # fmt: skip


def open_for(
    desk: Desk,
    *,
    role: str | None = "legal",
    reason: str = "button",
    urgent: bool = False,
    topic: str | None = "wages.arrears",
    ref: str = "42",
) -> int:
    """Open a case the way the dialogue core does (a short conversation first)."""
    from handoff.cases import open_case

    now = desk.clock.now()
    chat_with_bot(desk.uow, ref, [
        ("in", "老板拖欠工资两个月了，我电话13812345678", "answer"),
        ("out", "可以先和站点协商，保留工资记录。", "answer"),
        ("in", "我想找人帮忙", "handoff"),
    ], now)  # fmt: skip
    with desk.uow() as session:
        user = Users(session).get("telegram", ref)
        assert user is not None
        case = open_case(session, user, reason=reason, role=role, urgent=urgent, topic=topic,
                         now=now)  # fmt: skip
        return case.id


def claim_by(desk: Desk, staff: ChatRef, case_id: int) -> Outcome:
    from handoff.buttons import Press

    return desk.channel.press(staff, Press("claim", case_id).encode())
