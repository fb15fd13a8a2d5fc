"""Human handoff end to end: couriers, two staff and a coordinator registered with the CLI, a
staff group, the real bot over HTTP against the Bot API stand-in, and a fixed clock (ticks are
run directly after moving it, instead of waiting for the 15-second job)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import cli
from bot.channels.telegram import texts
from bot.channels.telegram.app import TelegramApp
from bot.settings import Settings
from common.clock import FixedClock
from storage.db import make_engine
from storage.handoff_models import Staff, StaffAudit
from storage.models import HandoffCase
from tests.conftest import POSTGRES_URL, _fresh_postgres
from tests.e2e.conftest import Courier, button_data, start_bot, stop_bot, text_of
from tests.standin.bot_api import BotAPIStandin, SentMessage

pytestmark = pytest.mark.integration

GROUP = -1001234567890
# Ten-digit ids that cannot hide inside a date or a message id, so a leak check finds only leaks.
ALICE, BOB, CAROL = 8612345671, 8612345672, 8612345673  # couriers
LI, WANG, ZHANG = 7770001111, 7770002222, 7770003333  # legal, union, coordinator
COURIER_NAMES = {ALICE: ("张三丰", "zsf_kuaidi"), BOB: ("欧阳锋", "oyf_peisong")}
STAFF_NAMES = {LI: ("李明律师", "li_ming_law"), WANG: ("王芳", "wang_fang_gh")}
ALIASES = {LI: "小李", WANG: "小王", ZHANG: "老张"}
ARREARS = "老板两个月没发工资了怎么办"
HOTLINES = ("12348", "12355", "12356", "110", "120")
TODAY = "2026-11-29"  # the fixed clock: 10:00 in Changzhi


@dataclass
class Desk:
    api: BotAPIStandin
    app: TelegramApp
    clock: FixedClock
    settings: Settings

    async def tick(self) -> None:
        runtime = self.app.bot_data.runtime
        assert runtime is not None
        await runtime.conversation.tick()

    async def new(self, chat_id: int, before: int, count: int = 1) -> list[SentMessage]:
        sent = await self.api.wait_for_messages(chat_id, before + count, timeout=20)
        return sent[before:]

    def count(self, chat_id: int) -> int:
        return len(self.api.sent_messages(chat_id))

    async def staff_says(self, staff_id: int, text: str, to: int) -> list[SentMessage]:
        """A staff member writes in their private chat; what reached chat `to`."""
        before = self.count(to)
        self.api.send_text(staff_id, text)
        return await self.new(to, before)

    async def open_case(self, courier: Courier, role: str) -> SentMessage:
        """/human, pick a role: the card that appears in the staff group."""
        before = self.count(GROUP)
        [roles] = await courier.say("/human")
        assert f"h:{role}" in button_data(roles)
        [queued] = await courier.press(roles, f"h:{role}")
        assert "已经帮你登记" in (queued.plain_text or "")
        [card] = await self.new(GROUP, before)
        return card

    def case(self, case_id: int) -> HandoffCase:
        engine = make_engine(self.settings.database_url)
        try:
            with Session(engine, expire_on_commit=False) as session:
                case = session.get(HandoffCase, case_id)
        finally:
            engine.dispose()
        assert case is not None
        return case


def add_staff(monkeypatch: pytest.MonkeyPatch, settings: Settings, user_id: int, role: str) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    args = ["staff", "add", "--telegram-id", str(user_id), "--role", role]
    assert cli.main([*args, "--alias", ALIASES[user_id]]) == 0


async def agree_as(api: BotAPIStandin, user_id: int) -> Courier:
    """A courier with a distinctive name and username, who has agreed to storage."""
    first, username = COURIER_NAMES.get(user_id, ("小丁", None))
    courier = Courier(api, user_id)
    api.send_text(user_id, "/start", first_name=first, username=username)
    [card] = await api.wait_for_messages(user_id, 1)
    await courier.press(card, "consent:yes")
    return courier


async def staff_start(desk: Desk, staff_id: int) -> None:
    first, username = STAFF_NAMES.get(staff_id, ("张伟", None))
    before = desk.count(staff_id)
    desk.api.send_text(staff_id, "/start", first_name=first, username=username)
    [help_text] = await desk.new(staff_id, before)
    assert "/close" in (help_text.plain_text or "")


def toasts(api: BotAPIStandin, since: int) -> list[str]:
    return [a.text or "" for a in api.answered_callbacks[since:]]


async def answered(api: BotAPIStandin, count: int) -> None:
    await api.wait_for(lambda _: len(api.answered_callbacks) >= count, timeout=20)


async def edited(api: BotAPIStandin, message: SentMessage, edits: int = 1) -> None:
    await api.wait_for(lambda _: len(message.edits) >= edits, timeout=20)


@pytest.fixture(autouse=True)
def _quiet_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """`cli.main` sets up logging for a terminal; here pytest captures the logs."""
    monkeypatch.setattr(cli, "_setup_logging", lambda *_args, **_kwargs: None)


@pytest.fixture
def handoff_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"staff_chat_id": GROUP, "duty_hours": "09:00-21:00", "unclaimed_minutes": 2.0}
    )


async def _desk(
    api: BotAPIStandin, settings: Settings, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Desk]:
    for staff_id, role in ((LI, "legal"), (WANG, "union"), (ZHANG, "coordinator")):
        add_staff(monkeypatch, settings, staff_id, role)
    app = await start_bot(settings, clock)
    desk = Desk(api, app, clock, settings)
    try:
        for staff_id in (LI, WANG):
            await staff_start(desk, staff_id)
        yield desk
    finally:
        await stop_bot(app)


@pytest.fixture
async def desk(
    api: BotAPIStandin,
    handoff_settings: Settings,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Desk]:
    async for desk in _desk(api, handoff_settings, clock, monkeypatch):
        yield desk


async def claim_from_both(desk: Desk, card: SentMessage, case_id: int) -> tuple[int, int]:
    """LI and WANG press the claim button at the same moment: (winner, loser)."""
    api = desk.api
    since = len(api.answered_callbacks)
    api.press_button(LI, card, f"xc:{case_id}")
    api.press_button(WANG, card, f"xc:{case_id}")
    await answered(api, since + 2)
    winner = {ALIASES[s]: s for s in (LI, WANG)}[_holder_alias(desk, case_id)]
    loser = WANG if winner == LI else LI
    assert sorted(toasts(api, since)) == sorted(
        [f"你接手了 #{case_id}，请到和我的私聊里回复", f"#{case_id} 已由 {ALIASES[winner]} 接手"]
    )
    await edited(api, card)
    assert f"已由 {ALIASES[winner]} 接手" in (card.plain_text or "")
    assert button_data(card) == []  # the claim button is gone
    return winner, loser


def _holder_alias(desk: Desk, case_id: int) -> str:
    engine = make_engine(desk.settings.database_url)
    try:
        with engine.connect() as conn:
            return str(
                conn.scalar(
                    select(Staff.alias)
                    .join(HandoffCase, HandoffCase.claimed_by == Staff.id)
                    .where(HandoffCase.id == case_id)
                )
            )
    finally:
        engine.dispose()


async def test_open_claim_relay_reply_mapping_close_survey_and_report(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    api = desk.api
    assert {c["command"] for c in api.commands[(f"chat:{LI}", "")]} >= {"queue", "close"}
    alice = await agree_as(api, ALICE)
    await alice.say("老板两个月没发工资了怎么办，我电话13812345678")

    # open: /human, legal; the card in the staff group names no courier
    card = await desk.open_case(alice, "legal")
    assert "案件 #1" in (card.plain_text or "") and "法律援助" in (card.plain_text or "")
    assert button_data(card) == ["xc:1"]
    before = desk.count(ALICE)
    api.send_text(ALICE, "我在长治市区送件，合同是站点签的")
    # kept for whoever claims, acknowledged once, and answered: waiting is never silence
    ack, answer = await desk.new(ALICE, before, 2)
    assert "留给接手的工作人员" in (ack.plain_text or "") and "取消" in (ack.plain_text or "")
    assert answer.plain_text and "留给接手的工作人员" not in answer.plain_text

    # someone in the group who is not staff cannot take it
    since = len(api.answered_callbacks)
    api.press_button(999, card, "xc:1")
    await answered(api, since + 1)
    assert toasts(api, since) == ["只有登记过的工作人员可以操作"]

    # both staff press claim at the same moment: exactly one gets it
    desk.clock.advance(minutes=3)
    before_alice = desk.count(ALICE)
    winner, loser = await claim_from_both(desk, card, 1)
    brief, pending = await desk.new(winner, 1, 2)  # after the /start help
    assert "你接手了案件 #1" in (brief.plain_text or "") and "拖欠工资" in (brief.plain_text or "")
    assert "138****5678" in (brief.plain_text or "")  # the summary masks numbers
    assert "13812345678" not in (brief.plain_text or "")
    assert pending.kind == "copy" and pending.plain_text == "我在长治市区送件，合同是站点签的"
    [claimed] = await desk.new(ALICE, before_alice)
    assert ALIASES[winner] in (claimed.plain_text or "")
    assert desk.count(loser) == 1  # only the help text: nothing of the case

    # relay both ways, a photo each way; the bot itself stays quiet for the courier
    before = desk.count(winner)
    api.send_text(ALICE, "站点说这个月的钱下个月一起发")
    [copy] = await desk.new(winner, before)
    assert copy.kind == "copy" and copy.plain_text == "站点说这个月的钱下个月一起发"
    [to_alice] = await desk.staff_says(winner, "好的，先把工资条拍给我看看", ALICE)
    assert to_alice.kind == "copy" and to_alice.plain_text == "好的，先把工资条拍给我看看"
    before = desk.count(winner)
    api.send_photo(ALICE, caption="这是工资条")
    [photo] = await desk.new(winner, before)
    assert photo.kind == "copy" and "photo" in photo.message
    assert photo.plain_text == "这是工资条"
    before = desk.count(ALICE)
    api.send_photo(winner, caption="这样拍就清楚")
    [photo_back] = await desk.new(ALICE, before)
    assert "photo" in photo_back.message
    before = desk.count(winner)
    api.send_voice(ALICE)
    api.send_document(ALICE, file_name="劳动合同.pdf")
    api.send_sticker(ALICE)
    media = await desk.new(winner, before, 3)
    assert [next(k for k in ("voice", "document", "sticker") if k in m.message) for m in media] == [
        "voice",
        "document",
        "sticker",
    ]

    # a second courier; the winner holds two cases, a reply finds the right one
    bob = await agree_as(api, BOB)
    desk.clock.advance(minutes=1)
    card2 = await desk.open_case(bob, "union")
    before = desk.count(winner)
    since = len(api.answered_callbacks)
    api.press_button(winner, card2, "xc:2")
    await answered(api, since + 1)
    await desk.new(winner, before)  # the brief of #2
    desk.clock.advance(minutes=1)
    before = desk.count(ALICE)
    api.reply_to(winner, "工资条收到了，我看一下", copy.message_id)
    [mapped] = await desk.new(ALICE, before)
    assert mapped.plain_text == "工资条收到了，我看一下"
    original = next(
        c.params["message_id"]
        for c in api.calls_to("copyMessage")
        if c.params.get("chat_id") == winner
        and (c.response or {}).get("result", {}).get("message_id") == copy.message_id
    )
    assert mapped.reply_to_message_id == original  # shown as a reply to her own message
    [to_bob] = await desk.staff_says(winner, "你好，我是工会的，说说情况吧", BOB)
    assert to_bob.plain_text == "你好，我是工会的，说说情况吧"  # plain messages: the latest case
    before = desk.count(winner)
    api.send_text(ALICE, "好的谢谢")
    header, from_alice = await desk.new(winner, before, 2)
    assert "#1" in (header.plain_text or "") and from_alice.plain_text == "好的谢谢"

    # staff commands
    [mine] = await desk.staff_says(winner, "/mine", winner)
    assert "#1" in (mine.plain_text or "") and "#2" in (mine.plain_text or "")
    [queue] = await desk.staff_says(winner, "/queue", winner)
    assert "没有等待" in (queue.plain_text or "")
    [canned] = await desk.staff_says(winner, "/canned evidence", BOB)
    assert "证据" in (canned.plain_text or "")
    [record] = await desk.staff_says(winner, "/transcript 1", winner)
    assert "138****5678" in (record.plain_text or "") and "13812345678" not in text_of([record])

    # close with a note: the courier rates, the bot answers again
    before_alice = desk.count(ALICE)
    [done] = await desk.staff_says(winner, "/close #1 已解答欠薪问题，建议先找站点协商", winner)
    assert "#1 已结束" in (done.plain_text or "")
    [survey] = await desk.new(ALICE, before_alice)
    assert button_data(survey) == [f"xr:1:{n}" for n in range(1, 6)]
    [thanks] = await alice.press(survey, "xr:1:4")
    assert "谢谢你的评分" in (thanks.plain_text or "")
    assert desk.case(1).satisfaction == 4 and desk.case(1).close_note
    await edited(api, card, 2)
    assert "已结束" in (card.plain_text or "")
    [answer] = await alice.say(ARREARS)
    assert "d:wages.arrears" in button_data(answer)
    carol = await agree_as(api, CAROL)  # the bot alone is enough for her
    await carol.say(ARREARS)

    # nobody's identity crossed over
    staff_side = [*api.sent_messages(LI), *api.sent_messages(WANG), *api.sent_messages(GROUP)]
    seen_by_staff = json.dumps([m.message for m in staff_side], ensure_ascii=False)
    for courier_id, names in COURIER_NAMES.items():
        for leak in (*names, str(courier_id)):
            assert leak not in seen_by_staff
    courier_side = [*api.sent_messages(ALICE), *api.sent_messages(BOB)]
    seen_by_couriers = json.dumps([m.message for m in courier_side], ensure_ascii=False)
    for staff_id, names in STAFF_NAMES.items():
        for leak in (*names, str(staff_id)):
            assert leak not in seen_by_couriers
    assert not [c for c in api.calls if c.method == "forwardMessage"]

    # the report over this run's database
    capsys.readouterr()
    assert cli.main(["report", "handoff", "--from", TODAY, "--to", TODAY, "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["cases"] == 2
    assert figures["by_role"] == {"legal": 1, "counselling": 0, "union": 1, "none": 0}
    assert figures["first_reply"] == {"count": 2, "median_minutes": 2.0, "p90_minutes": 3.0}
    assert figures["satisfaction"] == {"count": 1, "average": 4.0, "ratings": {"4": 1}}
    assert figures["bot_alone"]["resolved"] == 1
    assert cli.main(["report", "handoff", "--from", TODAY, "--to", TODAY]) == 0
    printed = capsys.readouterr().out
    assert "median 中位数 2.0 min, p90 3.0 min" in printed
    print(printed)


async def test_timeout_reannounces_and_pages_the_coordinator(desk: Desk) -> None:
    alice = await agree_as(desk.api, ALICE)
    card = await desk.open_case(alice, "legal")
    desk.clock.advance(minutes=1)
    await desk.tick()
    assert desk.count(GROUP) == 1 and desk.count(ZHANG) == 0  # not overdue yet
    desk.clock.advance(minutes=2)
    await desk.tick()
    [again] = await desk.new(GROUP, 1)
    assert "已等 3 分钟" in (again.plain_text or "") and button_data(again) == ["xc:1"]
    [page] = await desk.new(ZHANG, 0)
    assert "等了 3 分钟" in (page.plain_text or "") and button_data(page) == ["xc:1"]
    await desk.tick()
    assert desk.count(GROUP) == 2 and desk.count(ZHANG) == 1  # nothing twice for one reason

    # the coordinator takes it from the page; every card says so
    since = len(desk.api.answered_callbacks)
    desk.api.press_button(ZHANG, page, "xc:1")
    await answered(desk.api, since + 1)
    for message in (card, again, page):
        await edited(desk.api, message)
        assert "已由 老张 接手" in (message.plain_text or "")


async def test_nobody_taking_the_case_in_time_is_told_and_the_courier_chooses(
    desk: Desk,
) -> None:
    alice = await agree_as(desk.api, ALICE)
    await desk.open_case(alice, "legal")
    before = desk.count(ALICE)
    desk.clock.advance(minutes=3)
    await desk.tick()
    [told] = await desk.new(ALICE, before)
    assert "还没有工作人员接手" in (told.plain_text or "")
    assert "12348" in (told.plain_text or "") and "110" in (told.plain_text or "")
    assert button_data(told) == ["xw:1", "xx:1"]  # keep waiting, or back to the assistant
    [kept] = await alice.press(told, "xw:1")
    assert "继续帮你等" in (kept.plain_text or "")
    [back] = await alice.press(told, "xx:1")
    assert "已经取消等待" in (back.plain_text or "") and desk.case(1).status == "cancelled"


async def test_a_crisis_is_urgent_first_in_the_queue_and_pages_at_once(desk: Desk) -> None:
    alice = await agree_as(desk.api, ALICE)
    await desk.open_case(alice, "legal")
    bob = await agree_as(desk.api, BOB)
    [reply] = await bob.say("我真的不想活了，今晚就从楼上跳下去")
    for number in ("12356", "12355", "110", "120"):
        assert number in (reply.plain_text or "")
    [urgent] = await desk.new(GROUP, 1)
    assert "紧急" in (urgent.plain_text or "") and button_data(urgent) == ["xc:2"]
    [page] = await desk.new(ZHANG, 0)
    assert "紧急" in (page.plain_text or "")
    [queue] = await desk.staff_says(LI, "/queue", LI)
    lines = (queue.plain_text or "").splitlines()
    assert "#2" in lines[1] and "紧急" in lines[1] and "#1" in lines[2]
    desk.clock.advance(minutes=1)  # URGENT_UNCLAIMED_MINUTES: re-announced after a minute
    await desk.tick()
    [again] = await desk.new(GROUP, 2)
    assert "紧急" in (again.plain_text or "") and "已等 1 分钟" in (again.plain_text or "")


async def test_crisis_during_a_case_gets_the_hotlines_at_once(desk: Desk) -> None:
    alice = await agree_as(desk.api, ALICE)
    card = await desk.open_case(alice, "legal")
    since, before_alice = len(desk.api.answered_callbacks), desk.count(ALICE)
    desk.api.press_button(LI, card, "xc:1")
    await answered(desk.api, since + 1)
    await desk.new(ALICE, before_alice)  # 小李 says hello
    before_li = desk.count(LI)
    [hotlines] = await alice.say("他们又来堵我了，我不想活了")
    for number in ("12356", "110", "120"):
        assert number in (hotlines.plain_text or "")
    sent = await desk.new(LI, before_li, 2)  # the alert and the message itself
    assert "危机信号" in text_of(sent) and "我不想活了" in text_of(sent)
    assert desk.case(1).urgent


async def test_off_hours_says_when_and_gives_the_hotlines_then_cancel(
    api: BotAPIStandin,
    handoff_settings: Settings,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock.advance(hours=13, minutes=30)  # 23:30 in Changzhi; staff are on 09:00-21:00
    async for desk in _desk(api, handoff_settings, clock, monkeypatch):
        alice = await agree_as(api, ALICE)
        [roles] = await alice.say("/human")
        queued, later = await alice.press(roles, "h:counselling", expect=2)
        assert "已经帮你登记" in (queued.plain_text or "")
        assert "明天 09:00 以后" in (later.plain_text or "")
        for number in HOTLINES:
            assert number in (later.plain_text or "")
        [card] = await desk.new(GROUP, 0)
        [human_again] = await alice.say("/human")
        assert human_again.plain_text == texts.HUMAN_ALREADY
        [cancelled] = await alice.say("/cancel")
        assert "已经取消等待" in (cancelled.plain_text or "")
        await edited(api, card)
        assert "取消" in (card.plain_text or "") and button_data(card) == []
        assert desk.case(1).status == "cancelled"


async def test_asking_in_words_reaches_a_person(desk: Desk) -> None:
    alice = await agree_as(desk.api, ALICE)
    [roles] = await alice.say("找律师")
    assert {"h:legal", "h:counselling", "h:union"} <= set(button_data(roles))
    assert desk.case(1).status == "waiting"  # the case is open while she picks
    [queued] = await alice.press(roles, "h:legal")
    assert "法律援助" in (queued.plain_text or "")
    [card] = await desk.new(GROUP, 0)
    assert "法律援助" in (card.plain_text or "") and button_data(card) == ["xc:1"]
    assert desk.case(1).reason == "asked:meta.human"

    bob = await agree_as(desk.api, BOB)  # asks, and never picks a kind of staff
    [roles] = await bob.say("转人工")
    assert "h:legal" in button_data(roles) and desk.case(2).role is None
    desk.clock.advance(minutes=2)  # the time given to pick one
    await desk.tick()
    cards = await desk.new(GROUP, 1, 2)  # #1 is overdue by now, and reminded of
    [unsorted] = [c for c in cards if "案件 #2" in (c.plain_text or "")]
    assert "未选类别" in (unsorted.plain_text or "") and button_data(unsorted) == ["xc:2"]


async def test_transfer_to_another_role_puts_the_case_back_with_a_new_card(desk: Desk) -> None:
    alice = await agree_as(desk.api, ALICE)
    card = await desk.open_case(alice, "legal")
    since = len(desk.api.answered_callbacks)
    desk.api.press_button(LI, card, "xc:1")
    await answered(desk.api, since + 1)
    before_group, before_alice = desk.count(GROUP), desk.count(ALICE)
    [done] = await desk.staff_says(LI, "/transfer union 她想入会，请工会的同事来", LI)
    assert "#1 已转给 工会帮助" in (done.plain_text or "")
    [told] = await desk.new(ALICE, before_alice)
    assert "工会帮助" in (told.plain_text or "") and "不用再重复" in (told.plain_text or "")
    [new_card] = await desk.new(GROUP, before_group)
    assert "工会帮助" in (new_card.plain_text or "") and button_data(new_card) == ["xc:1"]
    assert "已转交" in (card.plain_text or "")
    since = len(desk.api.answered_callbacks)
    desk.api.press_button(WANG, new_card, "xc:1")
    await answered(desk.api, since + 1)
    [brief] = await desk.new(WANG, 1)
    assert "她想入会" in (brief.plain_text or "")  # the handover note travels with the case


async def test_staff_without_a_private_chat_is_told_to_start_one(desk: Desk) -> None:
    alice = await agree_as(desk.api, ALICE)
    card = await desk.open_case(alice, "legal")
    desk.api.block(WANG)  # as if 小王 had never opened a chat with the bot
    since = len(desk.api.answered_callbacks)
    desk.api.press_button(WANG, card, "xc:1")
    await answered(desk.api, since + 1)
    [alert] = desk.api.answered_callbacks[since:]
    assert alert.show_alert and "/start" in (alert.text or "")
    desk.api.unblock(WANG)
    [record] = await desk.staff_says(WANG, "/transcript", WANG)
    assert "案件 #1" in (record.plain_text or "")


async def test_only_staff_can_use_staff_commands(desk: Desk) -> None:
    alice = await agree_as(desk.api, ALICE)
    [reply] = await alice.say("/queue")
    assert reply.plain_text == texts.UNKNOWN_COMMAND
    engine = make_engine(desk.settings.database_url)
    try:
        with engine.connect() as conn:
            actions = set(conn.scalars(select(StaffAudit.action)))
    finally:
        engine.dispose()
    assert "denied" in actions and "staff_add" in actions


async def test_concurrent_claim_on_postgresql(
    api: BotAPIStandin,
    handoff_settings: Settings,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fresh_postgres().dispose()
    settings = handoff_settings.model_copy(update={"database_url": POSTGRES_URL})
    async for desk in _desk(api, settings, clock, monkeypatch):
        alice = await agree_as(api, ALICE)
        card = await desk.open_case(alice, "legal")
        winner, loser = await claim_from_both(desk, card, 1)
        assert desk.case(1).status == "claimed"
        [_, brief] = await desk.new(winner, 0, 2)
        assert "#1" in (brief.plain_text or "") and desk.count(loser) == 1


async def test_staff_list_shows_the_registered_staff(
    handoff_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add_staff(monkeypatch, handoff_settings, LI, "legal")
    assert cli.main(["staff", "list"]) == 0
    assert "小李" in capsys.readouterr().out
    assert cli.main(["staff", "remove", "--telegram-id", str(LI)]) == 0
    assert cli.main(["staff", "remove", "--telegram-id", str(LI)]) == 1
