"""The conversation core every channel shares, on a real SQLite file with a scripted NLU and a
recording outlet (the channels' own tests run it over HTTP against their stand-ins)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import make_policy
from bot.core.accounts import Accounts
from bot.core.conversation import Conversation, Inbound
from bot.core.dialogue import Dialogue, UserRef
from bot.core.dispatch import Delivery, Dispatcher, Sent
from bot.core.intake import FloodGuard, InboundLog
from bot.core.texts import WECHAT, courier_texts
from bot.core.understanding import Understanding
from bot.settings import Settings
from common.clock import FixedClock
from common.replies import Reply
from handoff.config import HandoffConfig
from handoff.duty import DutyHours
from handoff.notices import ChatRef, CopyMessage, EditCard, Notice
from handoff.service import HandoffService
from handoff.staff import add_staff
from knowledge.catalog import Catalog
from knowledge.render import Renderer
from storage.db import UnitOfWork, make_engine
from storage.migrate import upgrade
from storage.models import HandoffCase, Message
from tests.helpers.fakes import ExplodingParser, ScriptedParser

WHO = UserRef("wecom", "wm_courier")
HOTLINES = ("12356", "12355", "110", "120")


@dataclass
class RecordingOutlet:
    channel: str = "wecom"
    replies: list[tuple[str, Reply]] = field(default_factory=list)
    notices: list[Notice | CopyMessage | EditCard] = field(default_factory=list)

    async def reply(self, to: str, reply: Reply) -> Sent:
        self.replies.append((to, reply))
        return Sent(Delivery.SENT, str(len(self.replies)))

    async def notice(self, item: Notice | CopyMessage) -> Sent:
        self.notices.append(item)
        return Sent(Delivery.SENT, str(len(self.notices)))

    async def edit(self, item: EditCard) -> Sent:
        self.notices.append(item)
        return Sent(Delivery.SENT, item.message_ref)

    async def typing(self, to: str) -> None:
        return None

    def texts(self) -> list[str]:
        return [reply.plain() for _, reply in self.replies] + [
            n.html for n in self.notices if isinstance(n, Notice)
        ]


@dataclass
class Setup:
    conversation: Conversation
    outlet: RecordingOutlet
    uow: UnitOfWork
    clock: FixedClock


def make(
    tmp_path: Path, catalog: Catalog, clock: FixedClock, parser: object, hours: str = "00:00-24:00"
) -> Setup:
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    upgrade(engine)
    uow = UnitOfWork(engine)
    understanding = Understanding(parser, make_policy(Settings(), catalog))  # type: ignore[arg-type]
    dialogue = Dialogue(
        catalog=catalog, understanding=understanding, renderer=Renderer(), uow=uow, clock=clock
    )
    handoff = HandoffService(uow=uow, clock=clock, config=HandoffConfig(DutyHours.parse(hours)))
    dialogue.set_availability(handoff.can_come)
    dispatcher = Dispatcher(handoff)
    outlet = RecordingOutlet()
    dispatcher.register(outlet)
    texts = courier_texts(WECHAT)
    conversation = Conversation(
        catalog=catalog, dialogue=dialogue, understanding=understanding,
        accounts=Accounts(uow, clock), handoff=handoff, dispatcher=dispatcher,
        inbound=InboundLog(uow, clock.now), texts=lambda _channel: texts,
        flood=FloodGuard(now=lambda: 0.0),
    )  # fmt: skip
    return Setup(conversation, outlet, uow, clock)


def wages() -> ScriptedParser:
    return ScriptedParser({"老板拖了两个月工资": [("wages.arrears", 0.93)]})


async def test_a_question_before_consent_is_held_and_answered_after(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    s = make(tmp_path, catalog, clock, wages())
    await s.conversation.text(Inbound(WHO, "老板拖了两个月工资", dedupe_key="k1"))
    [(_, ask)] = s.outlet.replies
    assert [c.data for c in ask.choices] == ["consent:yes", "consent:no"]
    with s.uow() as session:
        assert session.scalars(select(Message)).all() == []  # nothing stored before consent
    await s.conversation.button(WHO, "consent:yes")
    agreed, answer = (reply for _, reply in s.outlet.replies[1:])
    assert "刚才的问题" in agreed.plain() and answer.topic == "wages.arrears"


async def test_crisis_comes_first_without_nlu_and_never_promises_a_missing_person(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    s = make(tmp_path, catalog, clock, ExplodingParser())
    await s.conversation.text(Inbound(WHO, "我不想活了"))  # before consent, NLU unreachable
    [(_, reply)] = s.outlet.replies[:1]
    assert all(number in reply.plain() for number in HOTLINES)
    assert "现在没有工作人员能马上过来" in reply.plain()  # nobody is registered
    assert "已经通知值班的工作人员" not in reply.plain()
    with s.uow() as session:
        [case] = session.scalars(select(HandoffCase)).all()
        assert case.urgent and case.role == "counselling"


async def test_a_registered_counsellor_on_duty_is_promised(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    s = make(tmp_path, catalog, clock, ExplodingParser())
    with s.uow() as session:
        add_staff(session, ChatRef("telegram", "9001"), role="counselling", alias="李老师",
                  now=clock.now(), actor="test")  # fmt: skip
    await s.conversation.text(Inbound(WHO, "我不想活了"))
    assert "已经通知值班的工作人员" in s.outlet.replies[0][1].plain()


async def test_off_duty_nobody_is_promised(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    # 02:00 UTC is 10:00 in Beijing: outside a 20:00-22:00 shift
    s = make(tmp_path, catalog, clock, ExplodingParser(), hours="20:00-22:00")
    with s.uow() as session:
        add_staff(session, ChatRef("telegram", "9001"), role="counselling", alias="李老师",
                  now=clock.now(), actor="test")  # fmt: skip
    await s.conversation.text(Inbound(WHO, "我不想活了"))
    assert "现在没有工作人员能马上过来" in s.outlet.replies[0][1].plain()


async def test_while_a_case_waits_questions_are_still_answered(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    s = make(tmp_path, catalog, clock, wages())
    await s.conversation.button(WHO, "consent:yes")
    await s.conversation.command(WHO, "human", "legal")
    handover = s.outlet.replies[-1][1]
    assert "现在没有法律援助的工作人员在值班" in handover.plain()  # honest: nobody registered
    assert any(n in handover.plain() for n in ("12348", "12333"))
    before = len(s.outlet.replies)
    await s.conversation.text(Inbound(WHO, "老板拖了两个月工资", "text", "m1", dedupe_key="k2"))
    await s.conversation.text(Inbound(WHO, "老板拖了两个月工资", "text", "m2", dedupe_key="k3"))
    answers = [r for _, r in s.outlet.replies[before:] if r.topic == "wages.arrears"]
    acks = [n for n in s.outlet.notices if isinstance(n, Notice) and "留给接手" in n.html]
    assert len(answers) == 2 and len(acks) == 1  # answered each time, told once


async def test_plain_words_work_as_commands_but_not_inside_a_question(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    parser = ScriptedParser({"公司取消了我的提成怎么办": [("wages.deductions", 0.9)]})
    s = make(tmp_path, catalog, clock, parser)
    await s.conversation.button(WHO, "consent:yes")
    await s.conversation.text(Inbound(WHO, "删除我的数据"))
    ask = s.outlet.replies[-1][1]
    assert [c.data for c in ask.choices] == ["forget:yes", "forget:no"]
    await s.conversation.text(Inbound(WHO, "公司取消了我的提成怎么办"))
    assert s.outlet.replies[-1][1].topic == "wages.deductions"
    assert parser.calls == ["公司取消了我的提成怎么办"]


@pytest.mark.parametrize("data", ["", "a:no.such.topic", "xc:notanumber", "m:nowhere", "🙂" * 40])
async def test_forged_or_stale_buttons_change_nothing(
    tmp_path: Path, catalog: Catalog, clock: FixedClock, data: str
) -> None:
    s = make(tmp_path, catalog, clock, ExplodingParser())
    pressed = await s.conversation.button(WHO, data)
    assert pressed.toast and pressed.alone and pressed.show is None and pressed.then is None
    assert s.outlet.replies == [] and not s.conversation.knows_button(data)


async def test_each_platform_message_is_handled_once(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    s = make(tmp_path, catalog, clock, ExplodingParser())
    assert s.conversation.claim("wecom", "msg-1")
    assert not s.conversation.claim("wecom", "msg-1")
    assert s.conversation.claim("telegram", "msg-1")  # keys are per channel
