"""The staff desk: close with a note, transfer, transcript, canned replies, /mine, /whois,
and only registered staff may act (every action audited)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from common.clock import FixedClock
from handoff.notices import ChatRef
from storage.handoff_models import StaffAudit
from storage.models import HandoffCase
from tests.helpers.handoff import GROUP, Desk, claim_by, make_desk, open_for


def _claimed(tmp_path: Path, clock: FixedClock) -> tuple[Desk, int]:
    desk = make_desk(tmp_path, clock)
    case_id = open_for(desk)
    desk.channel.tick()
    claim_by(desk, desk.li, case_id)
    desk.channel.clear()
    return desk, case_id


def _case(desk: Desk, case_id: int) -> HandoffCase:
    with desk.uow() as session:
        case = session.get(HandoffCase, case_id)
        assert case is not None
        return case


def test_close_needs_a_note_then_asks_the_courier_to_rate(
    tmp_path: Path, clock: FixedClock
) -> None:
    desk, case_id = _claimed(tmp_path, clock)
    desk.channel.command(desk.li, "close")
    assert "请写一句结案说明" in (desk.channel.last(desk.li).html or "")
    assert _case(desk, case_id).status == "claimed"
    desk.channel.command(desk.li, "/close", "已解答，建议 <先> 协商")
    survey = desk.channel.last(desk.courier)
    assert "满意吗" in (survey.html or "") and survey.buttons == tuple(
        f"xr:{case_id}:{n}" for n in range(1, 6)
    )
    case = _case(desk, case_id)
    assert (case.status, case.close_note, case.closed_at) == (
        "closed", "已解答，建议 <先> 协商", clock.now()
    )  # fmt: skip
    assert all("已结束" in e.html for e in desk.channel.edits)
    desk.channel.press(desk.courier, f"xr:{case_id}:4")
    assert _case(desk, case_id).satisfaction == 4
    desk.channel.press(desk.courier, f"xr:{case_id}:1")  # once only
    assert (
        _case(desk, case_id).satisfaction == 4 and desk.channel.toasts[-1] == "已经收到你的评分啦"
    )
    # the bot answers again
    assert not desk.channel.courier_says(desk.courier, "谢谢").handled


def test_transfer_to_another_role_goes_back_to_the_queue(tmp_path: Path, clock: FixedClock) -> None:
    desk, case_id = _claimed(tmp_path, clock)
    desk.channel.courier_says(desk.courier, "合同上写的是承揽")
    clock.advance(minutes=2)
    desk.channel.command(desk.li, "transfer", "union 需要工会出面协调")
    case = _case(desk, case_id)
    assert (case.status, case.role, case.claimed_by) == ("waiting", "union", None)
    assert case.waiting_since == clock.now()
    assert "转给了<b>工会帮助</b>" in (desk.channel.to(desk.courier)[0].html or "")
    new_card = desk.channel.last(GROUP)
    assert "工会帮助" in (new_card.html or "") and new_card.buttons == (f"xc:{case_id}",)
    assert any("转交" in e.html for e in desk.channel.edits)
    desk.channel.clear()
    claim_by(desk, desk.wang, case_id)
    brief = desk.channel.to(desk.wang)[0].html or ""
    assert "小李 转交：需要工会出面协调" in brief and "合同上写的是承揽" in brief
    desk.channel.staff_says(desk.li, "还在吗")  # 小李 no longer holds it
    assert "没有进行中的案件" in (desk.channel.last(desk.li).html or "")


def test_transfer_to_a_named_person_asks_them_privately(tmp_path: Path, clock: FixedClock) -> None:
    desk, case_id = _claimed(tmp_path, clock)
    for target in ("没这个人", "小李", ""):  # unknown, oneself, nobody
        desk.channel.command(desk.li, "transfer", target)
        assert "转给谁" in (desk.channel.last(desk.li).html or "")
    assert _case(desk, case_id).status == "claimed"
    desk.channel.command(desk.li, "transfer", "小王 合同纠纷他更熟")
    ask = desk.channel.last(desk.wang)
    assert "希望由 小王 接手" in (ask.html or "") and ask.buttons == (f"xc:{case_id}",)
    assert _case(desk, case_id).preferred_staff_id == desk.staff_ids["小王"]
    assert "转给了<b>小王</b>" in (desk.channel.last(desk.courier).html or "")


def test_transcript_is_masked_and_only_for_the_holder_or_coordinator(
    tmp_path: Path, clock: FixedClock
) -> None:
    desk, case_id = _claimed(tmp_path, clock)
    desk.channel.courier_says(desk.courier, "我身份证142401199001011234")
    desk.channel.staff_says(desk.li, "收到")
    desk.channel.command(desk.li, "close", "已解答")
    desk.channel.clear()
    desk.channel.command(desk.li, "transcript", str(case_id))
    text = desk.channel.last(desk.li).html or ""
    assert "138****5678" in text and "142401********1234" in text and "13812345678" not in text
    assert (
        "来访者：我想找人帮忙" in text and "工作人员：收到" in text and "结案说明：已解答" in text
    )
    desk.channel.command(desk.wang, "transcript", f"#{case_id}")
    assert "不能查看" in (desk.channel.last(desk.wang).html or "")
    desk.channel.command(desk.boss, "transcript", f"#{case_id}")
    assert "对话记录" in (desk.channel.last(desk.boss).html or "")


def test_canned_replies_mine_whois_and_help(tmp_path: Path, clock: FixedClock) -> None:
    desk, case_id = _claimed(tmp_path, clock)
    desk.channel.command(desk.li, "canned")
    assert "evidence" in (desk.channel.last(desk.li).html or "")
    desk.channel.command(desk.li, "canned", "hello")
    assert "我是小李" in (desk.channel.last(desk.courier).html or "")
    assert _case(desk, case_id).first_staff_reply_at == clock.now()
    desk.channel.command(desk.li, "canned", "nope")
    assert "没有叫" in (desk.channel.last(desk.li).html or "")
    desk.channel.command(desk.li, "mine")
    mine = desk.channel.last(desk.li)
    assert f"▶ #{case_id}" in (mine.html or "") and mine.buttons == (f"xs:{case_id}",)
    desk.channel.command(desk.li, "whois")
    question = desk.channel.to(desk.courier)[-1]
    assert "小李 想知道你的称呼" in (question.html or "")
    assert question.buttons == (f"xi:{case_id}:1", f"xi:{case_id}:0")
    desk.channel.press(desk.courier, question.buttons[0], shown_name="张三 @zhangsan")
    assert "<b>张三 @zhangsan</b>" in (desk.channel.last(desk.li).html or "")
    assert _case(desk, case_id).share_identity
    desk.channel.command(desk.li, "help")
    assert "/transfer" in (desk.channel.last(desk.li).html or "")


def test_identity_stays_hidden_when_the_courier_declines(tmp_path: Path, clock: FixedClock) -> None:
    desk, case_id = _claimed(tmp_path, clock)
    desk.channel.command(desk.li, "whois")
    desk.channel.press(desk.courier, f"xi:{case_id}:0", shown_name="张三 @zhangsan")
    staff_text = " ".join(s.html or "" for s in desk.channel.to(desk.li))
    assert "张三" not in staff_text and "不想公开身份" in staff_text
    assert not _case(desk, case_id).share_identity


def test_only_registered_staff_act_and_everything_is_audited(
    tmp_path: Path, clock: FixedClock
) -> None:
    desk = make_desk(tmp_path, clock)
    case_id = open_for(desk)
    stranger = ChatRef("telegram", "999")
    out = desk.channel.press(stranger, f"xc:{case_id}")
    assert out.toast == "只有登记过的工作人员可以操作"
    assert not desk.channel.command(stranger, "queue").handled
    assert _case(desk, case_id).status == "waiting"
    claim_by(desk, desk.li, case_id)
    desk.channel.staff_says(desk.li, "你好")
    desk.channel.command(desk.li, "close", "好了")
    with desk.uow() as session:
        rows = session.scalars(select(StaffAudit).order_by(StaffAudit.id)).all()
    actions = [(r.actor.split()[0], r.action) for r in rows if r.action != "staff_add"]
    assert actions == [
        ("telegram:unregistered", "denied"), ("telegram:unregistered", "denied"),
        (f"staff#{desk.staff_ids['小李']}", "claim"), (f"staff#{desk.staff_ids['小李']}", "relay"),
        (f"staff#{desk.staff_ids['小李']}", "close"),
    ]  # fmt: skip
    details = " ".join(r.detail for r in rows)
    assert "你好" not in details and "好了" not in details  # no courier or staff words in it
    assert "999" not in " ".join(r.actor for r in rows)  # nor a chat id that may be a courier's


def test_removing_a_staff_member_puts_their_cases_back_in_the_queue(
    tmp_path: Path, clock: FixedClock
) -> None:
    from handoff.staff import remove_staff

    desk, case_id = _claimed(tmp_path, clock)
    with desk.uow() as session:
        remove_staff(session, desk.li, now=clock.now(), actor="cli")
    case = _case(desk, case_id)
    assert (case.status, case.claimed_by) == ("waiting", None)
    assert not desk.channel.staff_says(desk.li, "还在吗").handled  # no longer staff
    desk.channel.tick()
    assert desk.channel.last(GROUP).buttons == (f"xc:{case_id}",)
