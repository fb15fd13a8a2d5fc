"""The dialogue core on a real SQLite file, with a scripted NLU (the real Rasa path is in
tests/integration/test_rasa_pipeline.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import make_policy
from bot.core.dialogue import Dialogue, PromptHandler, UserRef
from bot.core.understanding import Understanding
from bot.settings import Settings
from common.clock import FixedClock
from common.replies import Action, Choice, Reply
from knowledge.catalog import Catalog
from knowledge.render import Renderer
from storage.db import UnitOfWork, make_engine
from storage.migrate import upgrade
from storage.models import HandoffCase, Message
from tests.helpers.fakes import ExplodingParser, ScriptedParser

WHO = UserRef("terminal", "courier-1")


def make_dialogue(
    tmp_path: Path, catalog: Catalog, clock: FixedClock, parser: object
) -> tuple[Dialogue, UnitOfWork]:
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    upgrade(engine)
    uow = UnitOfWork(engine)
    understanding = Understanding(parser, make_policy(Settings(), catalog))  # type: ignore[arg-type]
    return Dialogue(
        catalog=catalog, understanding=understanding, renderer=Renderer(), uow=uow, clock=clock
    ), uow


async def test_answers_with_short_answer_steps_and_source(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    parser = ScriptedParser(
        {"老板拖了两个月工资": [("wages.arrears", 0.93), ("rights.inspection", 0.03)]}
    )
    dialogue, uow = make_dialogue(tmp_path, catalog, clock, parser)
    reply = await dialogue.handle_text(WHO, "老板拖了两个月工资")
    assert reply is not None and reply.action is Action.ANSWER and reply.topic == "wages.arrears"
    text = reply.plain()
    assert "怎么做" in text and "劳动合同法" in text
    assert [c.label for c in reply.choices] == ["详细说明", "有帮助", "没帮助", "找真人"]
    with uow() as session:
        rows = session.scalars(select(Message).order_by(Message.id)).all()
        assert [(m.direction, m.topic) for m in rows] == [
            ("in", "wages.arrears"),
            ("out", "wages.arrears"),
        ]


async def test_crisis_never_waits_for_nlu_and_opens_an_urgent_case(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    dialogue, uow = make_dialogue(tmp_path, catalog, clock, ExplodingParser())
    reply = await dialogue.handle_text(WHO, "我真的不想活了")
    assert reply is not None and reply.action is Action.CRISIS
    for number in ("12356", "12355", "110", "120"):
        assert number in reply.plain()
    with uow() as session:
        case = session.scalars(select(HandoffCase)).one()
        assert case.urgent and case.role == "counselling"


async def test_redelivered_update_is_handled_once(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    parser = ScriptedParser({"你好": [("meta.greeting", 0.97)]})
    dialogue, _ = make_dialogue(tmp_path, catalog, clock, parser)
    assert await dialogue.handle_text(WHO, "你好", dedupe_key="tg:100") is not None
    assert await dialogue.handle_text(WHO, "你好", dedupe_key="tg:100") is None
    assert parser.calls == ["你好"]


@pytest.mark.parametrize("text", ["", "   ", "😭😭😭", "？？？"])
async def test_empty_or_emoji_only_gets_a_kind_word(
    tmp_path: Path, catalog: Catalog, clock: FixedClock, text: str
) -> None:
    parser = ScriptedParser()
    dialogue, _ = make_dialogue(tmp_path, catalog, clock, parser)
    reply = await dialogue.handle_text(WHO, text)
    assert reply is not None and reply.action is Action.FALLBACK
    assert "文字" in reply.plain() or "打字" in reply.plain()
    assert parser.calls == []


async def test_huge_message_is_capped_before_nlu(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    parser = ScriptedParser()
    dialogue, _ = make_dialogue(tmp_path, catalog, clock, parser)
    reply = await dialogue.handle_text(WHO, "工资" * 20_000)
    assert reply is not None
    assert len(parser.calls[0]) == 1000


async def test_crisis_at_the_end_of_a_long_message_is_caught(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    dialogue, _ = make_dialogue(tmp_path, catalog, clock, ExplodingParser())
    reply = await dialogue.handle_text(WHO, "今天派件很多。" * 400 + "我不想活了")
    assert reply is not None and reply.action is Action.CRISIS


async def test_close_topics_offer_a_choice_and_the_button_answers(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    parser = ScriptedParser({"扣钱": [("wages.deductions", 0.45), ("complaint.malicious", 0.40)]})
    dialogue, _ = make_dialogue(tmp_path, catalog, clock, parser)
    reply = await dialogue.handle_text(WHO, "扣钱")
    assert reply is not None and reply.action is Action.CLARIFY
    picked = await dialogue.handle_button(WHO, reply.choices[0].data)
    assert picked.action is Action.ANSWER and picked.topic == "wages.deductions"


async def test_forged_button_data_changes_nothing(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    dialogue, uow = make_dialogue(tmp_path, catalog, clock, ScriptedParser())
    for data in ("a:drop.table", "h:boss", "zzz", None):
        reply = await dialogue.handle_button(WHO, data)
        assert "失效" in reply.plain()
    with uow() as session:
        assert session.scalars(select(HandoffCase)).all() == []


async def test_asking_for_a_person_lets_the_courier_pick_a_role(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    parser = ScriptedParser({"转人工": [("meta.human", 0.96)]})
    dialogue, uow = make_dialogue(tmp_path, catalog, clock, parser)
    reply = await dialogue.handle_text(WHO, "转人工")
    assert reply is not None and reply.action is Action.HANDOFF
    assert [c.data for c in reply.choices] == ["h:legal", "h:counselling", "h:union"]
    confirmed = await dialogue.handle_button(WHO, "h:legal")
    assert "法律援助" in confirmed.plain()
    with uow() as session:
        case = session.scalars(select(HandoffCase)).one()
        assert case.role == "legal" and not case.urgent


async def test_detail_button_shows_evidence_and_review_date(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    dialogue, _ = make_dialogue(tmp_path, catalog, clock, ScriptedParser())
    reply = await dialogue.handle_button(WHO, "d:wages.arrears")
    assert "证据" in reply.plain() and "内容核对于" in reply.plain()


async def test_calculator_survives_a_restart(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    dialogue, _ = make_dialogue(tmp_path, catalog, clock, ScriptedParser())
    first = await dialogue.handle_text(WHO, "帮我算经济补偿")
    assert first is not None and "工资" in first.plain()
    await dialogue.handle_text(WHO, "五千")
    # a new process on the same database picks up where the courier was
    restarted, _ = make_dialogue(tmp_path, catalog, clock, ScriptedParser())
    done = await restarted.handle_text(WHO, "1年半")
    assert done is not None
    assert "10,000.00" in done.plain() and "第四十七条" in done.plain()


async def test_crisis_interrupts_a_calculator(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    dialogue, _ = make_dialogue(tmp_path, catalog, clock, ExplodingParser())
    await dialogue.handle_text(WHO, "算加班费")
    reply = await dialogue.handle_text(WHO, "算了 活着没意思 不想活了")
    assert reply is not None and reply.action is Action.CRISIS
    assert "12356" in reply.plain()


async def test_calculator_button_starts_the_flow(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    parser = ScriptedParser({"赔偿怎么算": [("contract.compensation", 0.9)]})
    dialogue, _ = make_dialogue(tmp_path, catalog, clock, parser)
    answer = await dialogue.handle_text(WHO, "赔偿怎么算")
    assert answer is not None
    calc = next(c for c in answer.choices if c.data == "c:compensation")
    started = await dialogue.handle_button(WHO, calc.data)
    assert "工资" in started.plain()
    second = await dialogue.handle_text(WHO, "4500")
    assert second is not None and "干了多久" in second.plain()


async def test_stored_messages_have_phone_numbers_masked(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    dialogue, uow = make_dialogue(tmp_path, catalog, clock, ScriptedParser())
    await dialogue.handle_text(WHO, "老板电话13812345678 一直不接")
    with uow() as session:
        stored = session.scalars(select(Message).where(Message.direction == "in")).one()
        assert "13812345678" not in stored.text and "138****5678" in stored.text


async def test_a_named_county_gets_its_local_office_line(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    parser = ScriptedParser({"我在襄垣送件 老板欠薪": [("wages.arrears", 0.9)]})
    dialogue, _ = make_dialogue(tmp_path, catalog, clock, parser)
    reply = await dialogue.handle_text(WHO, "我在襄垣送件 老板欠薪")
    assert reply is not None and "你在襄垣县" in reply.plain() and "襄垣县人社局" in reply.plain()


async def test_two_answers_that_did_not_help_bring_an_offer_of_a_person(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    parser = ScriptedParser({"老板拖了两个月工资": [("wages.arrears", 0.93)]})
    dialogue, uow = make_dialogue(tmp_path, catalog, clock, parser)
    await dialogue.handle_text(WHO, "老板拖了两个月工资")
    first = await dialogue.handle_button(WHO, "n:wages.arrears")
    assert [c.data for c in first.choices] == ["h"]  # rephrase, or ask for a person
    second = await dialogue.handle_button(WHO, "n:wages.arrears")
    assert "工作人员" in second.plain()
    assert [c.data for c in second.choices] == ["o:legal", "o:counselling", "o:union"]
    accepted = await dialogue.handle_button(WHO, "o:legal")
    assert accepted.action is Action.HANDOFF and "法律援助" in accepted.plain()
    with uow() as session:
        case = session.scalars(select(HandoffCase)).one()
        assert (case.reason, case.role, case.topic) == ("offer", "legal", "wages.arrears")


async def test_unhelpful_presses_long_ago_do_not_count(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    dialogue, _ = make_dialogue(tmp_path, catalog, clock, ScriptedParser())
    await dialogue.handle_button(WHO, "n:wages.arrears")
    clock.advance(hours=3)
    again = await dialogue.handle_button(WHO, "n:wages.arrears")
    assert [c.data for c in again.choices] == ["h"]


async def test_a_low_confidence_turn_offers_a_person(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    parser = ScriptedParser({"那个事咋整": [("wages.arrears", 0.05)]})
    dialogue, uow = make_dialogue(tmp_path, catalog, clock, parser)
    reply = await dialogue.handle_text(WHO, "那个事咋整")
    assert reply is not None and reply.action is Action.FALLBACK
    assert [c.data for c in reply.choices] == ["o"]
    roles = await dialogue.handle_button(WHO, "o")
    assert [c.data for c in roles.choices] == ["o:legal", "o:counselling", "o:union"]
    await dialogue.handle_button(WHO, "o:union")
    with uow() as session:
        case = session.scalars(select(HandoffCase)).one()
        assert (case.reason, case.role) == ("offer", "union")


class _DateAnswer:
    """A prompt handler's answer (what reminders.courier.DeadlineAnswer provides)."""

    def __init__(self, reply: Reply, done: bool) -> None:
        self.reply, self.done = reply, done


def _date_prompt(calls: list[tuple[str, str]]) -> PromptHandler:
    def handle(who: UserRef, text: str, arg: str) -> _DateAnswer:
        calls.append((text, arg))
        done = text.startswith("3月")
        return _DateAnswer(Reply(blocks=("记下了" if done else "没看懂日期",)), done)

    return handle


async def test_extra_buttons_go_under_answers_of_their_topic(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    parser = ScriptedParser({"老板拖了两个月工资": [("wages.arrears", 0.93)]})
    dialogue, _ = make_dialogue(tmp_path, catalog, clock, parser)
    dialogue.offer_under_answers(
        lambda topic: (Choice("⏰ 提醒我", "ev:pr:x"),) if topic == "wages.arrears" else ()
    )
    reply = await dialogue.handle_text(WHO, "老板拖了两个月工资")
    assert reply is not None
    assert [c.label for c in reply.choices] == [
        "⏰ 提醒我",
        "详细说明",
        "有帮助",
        "没帮助",
        "找真人",
    ]


async def test_a_prompt_takes_the_next_text_until_done(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    parser = ScriptedParser()
    dialogue, _ = make_dialogue(tmp_path, catalog, clock, parser)
    calls: list[tuple[str, str]] = []
    dialogue.add_prompt("date", _date_prompt(calls))
    dialogue.expect(WHO, "date", "work_injury")
    first = await dialogue.handle_text(WHO, "不记得了")
    assert first is not None and first.plain() == "没看懂日期"
    done = await dialogue.handle_text(WHO, "３月５号")  # normalised (full width folded) first
    assert done is not None and done.plain() == "记下了"
    assert calls == [("不记得了", "work_injury"), ("3月5号", "work_injury")]
    assert parser.calls == []
    await dialogue.handle_text(WHO, "3月6号")  # the prompt is over: NLU answers
    assert parser.calls == ["3月6号"] and len(calls) == 2


async def test_a_prompt_gives_way_to_a_crisis_and_to_a_second_unusable_text(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    parser = ScriptedParser({"工伤怎么认定": [("injury.recognition", 0.9)]})
    dialogue, _ = make_dialogue(tmp_path, catalog, clock, parser)
    calls: list[tuple[str, str]] = []
    dialogue.add_prompt("date", _date_prompt(calls))
    dialogue.expect(WHO, "date")
    crisis = await dialogue.handle_text(WHO, "我真的不想活了")
    assert crisis is not None and crisis.action is Action.CRISIS and calls == []
    await dialogue.handle_text(WHO, "3月5号")  # the crisis ended the prompt
    assert calls == [] and parser.calls == ["3月5号"]

    dialogue.expect(WHO, "date")
    await dialogue.handle_text(WHO, "嗯")
    moved_on = await dialogue.handle_text(WHO, "工伤怎么认定")
    assert moved_on is not None and moved_on.topic == "injury.recognition"
    assert [text for text, _ in calls] == ["嗯", "工伤怎么认定"]


async def test_thanks_and_goodbye_do_not_trip_the_models_low_crisis_floor(
    tmp_path: Path, catalog: Catalog, clock: FixedClock
) -> None:
    """The model ranks psych.crisis first at 0.2 for both: a bare goodbye gets a goodbye, a
    goodbye with more words stays with the recall-first floor."""
    ranking = [("psych.crisis", 0.2), ("meta.thanks", 0.18), ("psych.stress", 0.1)]
    parser = ScriptedParser({"谢啦 拜拜": ranking, "谢谢你 以后就这样了": ranking})
    dialogue, _uow = make_dialogue(tmp_path, catalog, clock, parser)
    closing = await dialogue.handle_text(WHO, "谢啦 拜拜")
    assert closing is not None and closing.action is not Action.CRISIS
    farewell = await dialogue.handle_text(WHO, "谢谢你 以后就这样了")
    assert farewell is not None and farewell.action is Action.CRISIS


@pytest.mark.parametrize(
    ("text", "role"),
    [("我想找个律师问问", "legal"), ("能帮我找工会的人吗", "union"), ("给我找个真人", None)],
)
async def test_asking_for_a_kind_of_person_asks_for_that_kind(
    tmp_path: Path, catalog: Catalog, clock: FixedClock, text: str, role: str | None
) -> None:
    parser = ScriptedParser({text: [("meta.human", 0.9), ("rights.legal_aid", 0.05)]})
    dialogue, uow = make_dialogue(tmp_path, catalog, clock, parser)
    reply = await dialogue.handle_text(WHO, text)
    assert reply is not None and reply.action is Action.HANDOFF
    with uow() as session:
        assert session.scalars(select(HandoffCase.role)).one() == role
    assert ("已经帮你请" in reply.plain()) is (role is not None)
    assert [c.label for c in reply.choices] == ["法律援助", "心理支持", "工会帮助"]  # to switch
