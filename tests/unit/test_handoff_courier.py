"""The courier's side: cancel a waiting case, stale buttons, the same person within seven days."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from common.clock import FixedClock
from handoff.notices import ChatRef
from storage.models import HandoffCase
from tests.helpers.handoff import GROUP, claim_by, make_desk, open_for


def test_cancel_while_waiting_but_not_once_claimed(tmp_path: Path, clock: FixedClock) -> None:
    desk = make_desk(tmp_path, clock)
    desk.channel.run(desk.service.cancel(desk.courier))
    assert "没有在等待" in (desk.channel.last(desk.courier).html or "")
    case_id = open_for(desk)
    desk.channel.tick()
    desk.channel.run(desk.service.cancel(desk.courier))
    assert "已经取消等待" in (desk.channel.last(desk.courier).html or "")
    (edit,) = desk.channel.edits
    assert edit.chat == GROUP and "取消了等待" in edit.html and edit.buttons == ()
    assert claim_by(desk, desk.li, case_id).toast == f"#{case_id} 已经取消了"
    assert not desk.channel.courier_says(desk.courier, "你好").handled  # the bot is back
    second = open_for(desk)
    claim_by(desk, desk.li, second)
    desk.channel.press(desk.courier, f"xx:{second}")
    assert "小李 已经在和你对话了" in (desk.channel.last(desk.courier).html or "")
    with desk.uow() as session:
        case = session.get(HandoffCase, second)
        assert case is not None and case.status == "claimed"


def test_buttons_of_other_couriers_or_old_cases_do_nothing(
    tmp_path: Path, clock: FixedClock
) -> None:
    desk = make_desk(tmp_path, clock)
    case_id = open_for(desk)
    claim_by(desk, desk.li, case_id)
    desk.channel.command(desk.li, "close", "好了")
    intruder = ChatRef("telegram", "66")
    assert desk.channel.press(intruder, f"xr:{case_id}:1").toast == "这个按钮已经失效了。"
    assert desk.channel.press(desk.courier, f"xi:{case_id}:1", shown_name="x").toast == (
        "这个按钮已经失效了。"
    )
    assert desk.channel.press(desk.courier, "xr:1:9").toast == "这个按钮已经失效了。"
    with desk.uow() as session:
        case = session.get(HandoffCase, case_id)
        assert case is not None and case.satisfaction is None


def test_a_courier_back_within_seven_days_is_offered_the_same_person(
    tmp_path: Path, clock: FixedClock
) -> None:
    desk = make_desk(tmp_path, clock)
    first = open_for(desk)
    claim_by(desk, desk.wang, first)
    desk.channel.command(desk.wang, "close", "好了")
    clock.advance(days=6)
    second = open_for(desk)
    desk.channel.clear()
    desk.channel.tick()
    offer = desk.channel.last(desk.courier)
    assert "上次是 <b>小王</b> 帮你的" in (offer.html or "")
    assert offer.buttons == (f"xp:{second}:1", f"xp:{second}:0")
    desk.channel.press(desk.courier, offer.buttons[0])
    ask = desk.channel.last(desk.wang)
    assert "又来了" in (ask.html or "") and ask.buttons == (f"xc:{second}",)
    assert any("希望由 小王 接手" in e.html for e in desk.channel.edits)
    claim_by(desk, desk.wang, second)
    assert "<b>小王</b>" in (desk.channel.last(desk.courier).html or "")


def test_no_offer_after_seven_days(tmp_path: Path, clock: FixedClock) -> None:
    desk = make_desk(tmp_path, clock)
    first = open_for(desk)
    claim_by(desk, desk.wang, first)
    desk.channel.command(desk.wang, "close", "好了")
    clock.advance(days=7, minutes=1)
    open_for(desk)
    desk.channel.clear()
    desk.channel.tick()
    assert desk.channel.to(desk.courier) == []
    assert clock.now() - dt.timedelta(days=7) > dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)
