"""Bringing cases to people: cards in the staff group, off-hours notices, reminders and pages,
driven by `tick` at times set by a fixed clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from common.clock import FixedClock
from handoff.buttons import Press
from handoff.notices import ChatRef
from tests.helpers.handoff import GROUP, claim_by, make_config, make_desk, open_for


def test_a_new_case_gets_one_card_with_a_claim_button(tmp_path: Path, clock: FixedClock) -> None:
    desk = make_desk(tmp_path, clock)
    case_id = open_for(desk)
    desk.channel.tick()
    (card,) = desk.channel.to(GROUP)
    assert f"案件 #{case_id}" in (card.html or "") and "法律援助" in (card.html or "")
    assert "最后一句：我想找人帮忙" in (card.html or "")
    assert card.buttons == (Press("claim", case_id).encode(),)
    assert desk.channel.to(desk.courier) == []  # on duty: nothing extra for the courier
    desk.channel.tick()
    assert len(desk.channel.to(GROUP)) == 1  # not announced twice


def test_urgent_cases_are_marked_and_page_the_coordinator_at_once(
    tmp_path: Path, clock: FixedClock
) -> None:
    desk = make_desk(tmp_path, clock)
    other_id = open_for(desk, ref="7")
    urgent_id = open_for(desk, role="counselling", reason="crisis:self_harm", urgent=True)
    desk.channel.tick()
    cards = desk.channel.to(GROUP)
    assert len(cards) == 2
    urgent_card = next(c for c in cards if f"#{urgent_id}" in (c.html or ""))
    assert "🔴 <b>紧急</b>" in (urgent_card.html or "") and "可能自伤" in (urgent_card.html or "")
    (page,) = desk.channel.to(desk.boss)
    assert f"#{urgent_id}" in (page.html or "") and page.buttons == (f"xc:{urgent_id}",)
    desk.channel.command(desk.boss, "queue")
    queue = desk.channel.last(desk.boss)
    assert (queue.html or "").index(f"#{urgent_id}") < (queue.html or "").index(f"#{other_id}")
    assert queue.buttons == (f"xc:{urgent_id}", f"xc:{other_id}")  # urgent first


def test_unclaimed_cases_are_reannounced_and_the_coordinator_paged(
    tmp_path: Path, clock: FixedClock
) -> None:
    desk = make_desk(tmp_path, clock)
    case_id = open_for(desk)
    desk.channel.tick()
    clock.advance(minutes=4, seconds=59)
    desk.channel.tick()
    assert len(desk.channel.to(GROUP)) == 1 and desk.channel.to(desk.boss) == []
    clock.advance(seconds=1)
    desk.channel.tick()
    reminder = desk.channel.last(GROUP)
    assert "⏰ 已等 5 分钟" in (reminder.html or "") and reminder.buttons == (f"xc:{case_id}",)
    (page,) = desk.channel.to(desk.boss)
    assert "等了 5 分钟还没人接手" in (page.html or "")
    clock.advance(minutes=5)
    desk.channel.tick()
    assert len(desk.channel.to(GROUP)) == 3 and len(desk.channel.to(desk.boss)) == 1  # paged once
    claim_by(desk, desk.li, case_id)
    # every card and the page now say who has it, without a claim button
    assert len(desk.channel.edits) == 4
    assert all("已由 <b>小李</b> 接手" in e.html and e.buttons == () for e in desk.channel.edits)
    clock.advance(minutes=30)
    assert desk.channel.tick().sends == ()


def test_urgent_cases_are_escalated_after_one_minute(tmp_path: Path, clock: FixedClock) -> None:
    desk = make_desk(tmp_path, clock)
    open_for(desk, role="union", urgent=True, reason="asked:x")
    desk.channel.tick()
    assert desk.channel.to(desk.boss) == []  # urgent but not a crisis: no page yet
    clock.advance(minutes=1)
    desk.channel.tick()
    assert len(desk.channel.to(desk.boss)) == 1 and len(desk.channel.to(GROUP)) == 2


def test_off_hours_the_courier_hears_when_and_gets_the_hotlines(
    tmp_path: Path, clock: FixedClock
) -> None:
    night = FixedClock(dt.datetime(2026, 11, 29, 15, 0, tzinfo=dt.UTC))  # Sunday 23:00 Shanghai
    desk = make_desk(tmp_path, night, make_config("09:00-21:00", "1-5"))
    open_for(desk)
    desk.channel.tick()
    (notice,) = desk.channel.to(desk.courier)
    text = notice.html or ""
    assert "周一至周五 09:00-21:00" in text and "明天 09:00 以后" in text
    for line in ("12348", "12355", "12356", "110", "120"):
        assert line in text
    assert notice.buttons == ("xx:1",)  # the courier may stop waiting
    assert len(desk.channel.to(GROUP)) == 1  # the card is there for whoever comes first
    night.advance(hours=9)  # Monday 08:00: still off duty, no reminders at night
    desk.channel.tick()
    assert len(desk.channel.to(GROUP)) == 1 and desk.channel.to(desk.boss) == []
    night.advance(hours=1, minutes=5)  # 09:05
    desk.channel.tick()
    assert len(desk.channel.to(GROUP)) == 2 and len(desk.channel.to(desk.boss)) == 1


def test_a_case_without_role_waits_briefly_for_the_choice(
    tmp_path: Path, clock: FixedClock
) -> None:
    desk = make_desk(tmp_path, clock)
    open_for(desk, role=None, reason="asked:handoff.human")
    desk.channel.tick()
    assert desk.channel.to(GROUP) == []
    clock.advance(minutes=2)
    desk.channel.tick()
    assert "未选类别" in (desk.channel.last(GROUP).html or "")


def test_without_a_staff_group_coordinators_are_still_paged(
    tmp_path: Path, clock: FixedClock
) -> None:
    from handoff.config import HandoffConfig
    from handoff.duty import DutyHours

    desk = make_desk(tmp_path, clock, HandoffConfig(duty=DutyHours.parse("00:00-24:00")))
    open_for(desk)
    desk.channel.tick()
    clock.advance(minutes=5)
    desk.channel.tick()
    staff_side = [s.chat for s in desk.channel.sent if s.chat != desk.courier]
    assert staff_side == [ChatRef("telegram", "503")]


def test_a_case_nobody_takes_in_time_is_told_to_the_courier_honestly(
    tmp_path: Path, clock: FixedClock
) -> None:
    desk = make_desk(tmp_path, clock)
    case_id = open_for(desk)
    desk.channel.tick()
    assert desk.channel.to(desk.courier) == []  # within its time: nothing to say yet
    clock.advance(minutes=5)
    desk.channel.tick()
    (told,) = desk.channel.to(desk.courier)
    assert "还没有工作人员接手" in (told.html or "") and "5 分钟" in (told.html or "")
    assert "不能保证马上有人" in (told.html or "")  # no promise of a person
    assert told.buttons == (Press("wait", case_id).encode(), Press("cancel", case_id).encode())
    clock.advance(minutes=5)
    desk.channel.tick()
    assert len(desk.channel.to(desk.courier)) == 1  # told once, though reminded again
    kept = desk.channel.press(desk.courier, Press("wait", case_id).encode())
    assert kept.toast == "好的" and "继续帮你等" in (desk.channel.last(desk.courier).html or "")
    desk.channel.press(desk.courier, Press("cancel", case_id).encode())
    assert "已经取消等待" in (desk.channel.last(desk.courier).html or "")
    stale = desk.channel.press(desk.courier, Press("wait", case_id).encode())
    assert stale.toast == "这个按钮已经失效了。"
