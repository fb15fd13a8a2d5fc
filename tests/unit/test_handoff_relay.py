"""Relay: courier <-> staff copies (photos too), reply mapping, several cases, privacy."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from common.clock import FixedClock
from handoff.buttons import Press
from handoff.notices import ChatRef
from storage.models import HandoffCase, Message
from tests.helpers.handoff import GROUP, Desk, claim_by, make_desk, open_for


def _claimed(tmp_path: Path, clock: FixedClock) -> tuple[Desk, int]:
    desk = make_desk(tmp_path, clock)
    case_id = open_for(desk)
    desk.channel.tick()
    claim_by(desk, desk.li, case_id)
    desk.channel.clear()
    return desk, case_id


def test_messages_sent_while_waiting_reach_the_claimer_after_the_brief(
    tmp_path: Path, clock: FixedClock
) -> None:
    desk = make_desk(tmp_path, clock)
    case_id = open_for(desk)
    desk.channel.tick()
    text = desk.channel.courier_says(desk.courier, "他们还扣了我押金")
    text_ref = desk.channel.last_in
    photo = desk.channel.courier_says(desk.courier, "工资条", kind="photo")
    photo_ref = desk.channel.last_in
    assert text.handled and photo.handled
    (ack,) = desk.channel.to(desk.courier)  # acknowledged once, not per message
    assert "不用再重复" in (ack.html or "")
    clock.advance(minutes=3)
    claim_by(desk, desk.li, case_id)
    brief, first, second = desk.channel.to(desk.li)
    html = brief.html or ""
    assert "你接手了案件 #" in html and "等了 3 分钟" in html and "138****5678" in html
    assert "可以先和站点协商" in html  # what the bot answered
    assert "13812345678" not in html  # no phone
    assert re.search(r"(?<!\d)42(?!\d)", html) is None  # no account (a pseudonym may hold 142)
    assert first.copy_of == (desk.courier, text_ref) and second.copy_of == (desk.courier, photo_ref)
    claimed = desk.channel.last(desk.courier).html or ""
    assert "<b>小李</b>（法律援助）" in claimed and "501" not in claimed
    assert desk.channel.toasts == [f"你接手了 #{case_id}，请到和我的私聊里回复"]


def test_relay_both_ways_with_photos_and_reply_mapping(tmp_path: Path, clock: FixedClock) -> None:
    desk, case_id = _claimed(tmp_path, clock)
    ch = desk.channel
    ch.courier_says(desk.courier, "这是合同", kind="photo")
    photo_copy = ch.last(desk.li)
    assert photo_copy.copy_of is not None and photo_copy.copy_of[0] == desk.courier
    clock.advance(minutes=1)
    ch.staff_says(desk.li, "收到，我看看", reply_to=photo_copy.message_ref)
    answer = ch.last(desk.courier)
    assert answer.copy_of is not None and answer.copy_of[0] == desk.li
    assert answer.reply_to == photo_copy.copy_of[1]  # threads under the courier's own photo
    ch.staff_says(desk.li, None, kind="sticker")
    ch.courier_says(desk.courier, "好的谢谢", reply_to=answer.message_ref)
    back = ch.last(desk.li)
    assert back.reply_to == answer.copy_of[1]  # threads under the staff member's message
    ch.courier_says(desk.courier, None, kind="voice")
    ch.courier_says(desk.courier, "合同", kind="document")
    assert [s.copy_of is not None for s in ch.to(desk.li)] == [True] * 4
    with desk.uow() as session:
        case = session.get(HandoffCase, case_id)
        assert case is not None and case.first_staff_reply_at == clock.now()
        texts = [m.text for m in session.scalars(
            select(Message).where(Message.action.in_(("relay", "staff"))).order_by(Message.id)
        )]  # fmt: skip
    assert texts == [
        "[图片] 这是合同",
        "收到，我看看",
        "[表情]",
        "好的谢谢",
        "[语音]",
        "[文件] 合同",
    ]


def test_a_redelivered_message_is_relayed_once(tmp_path: Path, clock: FixedClock) -> None:
    desk, _ = _claimed(tmp_path, clock)
    desk.channel.courier_says(desk.courier, "在吗", dedupe_key="tg:77")
    desk.channel.courier_says(desk.courier, "在吗", dedupe_key="tg:77")
    desk.channel.staff_says(desk.li, "在", dedupe_key="tg:78")
    desk.channel.staff_says(desk.li, "在", dedupe_key="tg:78")
    assert len(desk.channel.to(desk.li)) == 1 and len(desk.channel.to(desk.courier)) == 1


def test_several_cases_switching_and_replies(tmp_path: Path, clock: FixedClock) -> None:
    desk = make_desk(tmp_path, clock)
    ch = desk.channel
    other = ChatRef("telegram", "43")
    first = open_for(desk)
    second = open_for(desk, ref="43")
    ch.tick()
    claim_by(desk, desk.li, first)
    claim_by(desk, desk.li, second)  # the newest claim becomes the current case
    ch.clear()
    ch.staff_says(desk.li, "你好")
    assert ch.to(other) and not ch.to(desk.courier)
    ch.courier_says(desk.courier, "我是第一个")  # from the case not in focus: a header first
    header, copy = ch.to(desk.li)
    assert f"#{first}" in (header.html or "") and copy.copy_of == (desk.courier, ch.last_in)
    ch.staff_says(desk.li, "回第一个", reply_to=copy.message_ref)  # a reply finds its case
    assert ch.last(desk.courier).copy_of is not None
    ch.staff_says(desk.li, "回你的页眉", reply_to=header.message_ref)
    assert len(ch.to(desk.courier)) == 2
    ch.clear()
    ch.press(desk.li, Press("switch", first).encode())
    assert "之后你的消息会发给" in (ch.last(desk.li).html or "")
    ch.staff_says(desk.li, "现在发给第一个")
    assert len(ch.to(desk.courier)) == 1 and not ch.to(other)
    ch.command(desk.li, "close", "已解答")
    ch.command(desk.li, "switch", "#99")
    assert "没有找到 #99" in (ch.last(desk.li).html or "")
    ch.clear()
    ch.staff_says(desk.li, "剩下一个就发给它")
    assert len(ch.to(other)) == 1


def test_staff_without_a_clear_case_are_asked_to_choose(tmp_path: Path, clock: FixedClock) -> None:
    desk = make_desk(tmp_path, clock)
    ch = desk.channel
    ch.staff_says(desk.li, "有人吗")
    assert "没有进行中的案件" in (ch.last(desk.li).html or "") and not ch.to(desk.courier)
    first, second, third = (open_for(desk, ref=ref) for ref in ("42", "43", "44"))
    for case_id in (first, second, third):
        claim_by(desk, desk.li, case_id)
    ch.command(desk.li, "close", "已解答")  # the current case (#third) goes, and the focus
    ch.clear()
    ch.staff_says(desk.li, "这条发给谁？")
    ask = ch.last(desk.li)
    assert "请先选一个" in (ask.html or "") and ask.buttons == (f"xs:{first}", f"xs:{second}")
    assert [s.chat for s in ch.sent] == [desk.li]  # nothing went to a courier
    ch.press(desk.li, ask.buttons[1])
    ch.staff_says(desk.li, "发给第二个")
    assert ch.last(ChatRef("telegram", "43")).copy_of == (desk.li, ch.last_in)


def test_a_reply_to_a_closed_case_is_not_sent(tmp_path: Path, clock: FixedClock) -> None:
    desk, case_id = _claimed(tmp_path, clock)
    desk.channel.courier_says(desk.courier, "还有一件事")
    copy = desk.channel.last(desk.li)
    desk.channel.command(desk.li, "close", "已解答")
    desk.channel.clear()
    desk.channel.staff_says(desk.li, "补充一句", reply_to=copy.message_ref)
    assert desk.channel.to(desk.courier) == []
    assert f"#{case_id} 已结束，这条消息没有发出" in (desk.channel.last(desk.li).html or "")


def test_crisis_during_a_case_shows_hotlines_and_alerts_staff(
    tmp_path: Path, clock: FixedClock
) -> None:
    desk, case_id = _claimed(tmp_path, clock)
    desk.channel.courier_says(desk.courier, "我不想活了", crisis_kind="self_harm")
    hotlines = desk.channel.last(desk.courier).html or ""
    assert "12356" in hotlines and "110" in hotlines and "120" in hotlines
    alert, copy = desk.channel.to(desk.li)
    assert "危机信号" in (alert.html or "") and copy.copy_of is not None
    with desk.uow() as session:
        case = session.get(HandoffCase, case_id)
        assert case is not None and case.urgent and case.reason == "crisis:self_harm"


def test_crisis_while_waiting_makes_the_case_urgent_and_announces_it(
    tmp_path: Path, clock: FixedClock
) -> None:
    desk = make_desk(tmp_path, clock)
    open_for(desk, role="legal")
    desk.channel.tick()
    desk.channel.courier_says(desk.courier, "他拿刀威胁我", crisis_kind="violence")
    assert "110" in (desk.channel.last(desk.courier).html or "")
    desk.channel.tick()
    cards = desk.channel.to(GROUP)
    assert (
        len(cards) == 2
        and "紧急" in (cards[-1].html or "")
        and "正在发生的暴力" in (cards[-1].html or "")
    )


def test_without_a_case_the_dialogue_answers(tmp_path: Path, clock: FixedClock) -> None:
    desk = make_desk(tmp_path, clock)
    assert not desk.channel.courier_says(desk.courier, "你好").handled
    assert not desk.channel.staff_says(desk.courier, "你好").handled  # not staff
    assert desk.channel.sent == []
    assert not desk.service.has_open_case(desk.courier)
    open_for(desk)
    assert desk.service.has_open_case(desk.courier) and desk.service.is_staff(desk.li)
    assert not desk.service.is_staff(desk.courier)
