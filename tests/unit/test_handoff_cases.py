"""Cases: opening (pseudonym, urgency), the summary staff read, queue order, the last helper."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from common.clock import FixedClock
from handoff.cases import (
    build_summary,
    open_case,
    open_case_of_chat,
    previous_helper,
    waiting_queue,
)
from handoff.notices import ChatRef
from handoff.staff import add_staff, remove_staff
from storage.repositories import Users
from tests.helpers.handoff import chat_with_bot, sqlite_uow


def test_summary_masks_numbers_and_keeps_the_bot_answer(tmp_path: Path, clock: FixedClock) -> None:
    _engine, uow = sqlite_uow(tmp_path)
    chat_with_bot(uow, "42", [
        ("in", "老板欠我三个月工资，我手机13812345678", "answer"),
        ("out", "可以先找站点协商，再去劳动监察投诉。", "answer"),
        ("in", "身份证142401199001011234也被扣了", "fallback"),
        ("out", "抱歉我没听懂。", "fallback"),
        ("in", "我要找律师", "handoff"),
    ], clock.now())  # fmt: skip
    with uow() as session:
        user = Users(session).get("telegram", "42")
        assert user is not None
        case = open_case(session, user, reason="asked:handoff.human", role="legal",
                         topic="wages.arrears", now=clock.now())  # fmt: skip
        summary = build_summary(session, case, limit=4)
    assert summary["topic"] == "wages.arrears" and summary["risk"] is None
    assert summary["bot_answer"] == "抱歉我没听懂。"
    texts = [m["text"] for m in summary["messages"]]
    assert len(texts) == 4 and texts[-1] == "我要找律师"
    assert "身份证142401********1234也被扣了" in texts
    assert "13812345678" not in str(summary) and "199001011234" not in str(summary)


def test_one_open_case_per_courier_with_a_stable_pseudonym(
    tmp_path: Path, clock: FixedClock
) -> None:
    _engine, uow = sqlite_uow(tmp_path)
    with uow() as session:
        user = Users(session).get_or_create("telegram", "42", clock.now())
        first = open_case(session, user, reason="button", role="legal", now=clock.now())
        first.last_announced_at = clock.now()
        again = open_case(session, user, reason="crisis:self_harm", urgent=True, now=clock.now())
        assert again.id == first.id and again.urgent and again.reason == "crisis:self_harm"
        assert again.last_announced_at is None  # announced again, marked urgent
        assert first.pseudonym and first.waiting_since == clock.now()
        first.status = "closed"
        later = open_case(session, user, reason="button", now=clock.now())
        assert later.id != first.id and later.pseudonym == first.pseudonym


def test_open_case_of_a_chat(tmp_path: Path, clock: FixedClock) -> None:
    """The courier's open case found by their chat alone; others' cases and closed ones not."""
    _engine, uow = sqlite_uow(tmp_path)
    with uow() as session:
        users = Users(session)
        courier = users.get_or_create("telegram", "42", clock.now())
        other = users.get_or_create("telegram", "43", clock.now())
        users.get_or_create("terminal", "42", clock.now())
        open_case(session, other, reason="button", role="legal", now=clock.now())
        assert open_case_of_chat(session, "telegram", "42") is None
        case = open_case(session, courier, reason="button", role="legal", now=clock.now())
        assert open_case_of_chat(session, "telegram", "42") is case
        assert open_case_of_chat(session, "terminal", "42") is None
        assert open_case_of_chat(session, "telegram", "44") is None  # no such courier
        case.status = "claimed"
        assert open_case_of_chat(session, "telegram", "42") is case
        case.status = "closed"
        assert open_case_of_chat(session, "telegram", "42") is None


def test_queue_puts_urgent_first_then_the_longest_waiting(
    tmp_path: Path, clock: FixedClock
) -> None:
    _engine, uow = sqlite_uow(tmp_path)
    with uow() as session:
        ids = []
        for n, (urgent, minutes_ago) in enumerate([(False, 10), (True, 1), (False, 30), (True, 5)]):
            user = Users(session).get_or_create("telegram", str(n), clock.now())
            when = clock.now() - dt.timedelta(minutes=minutes_ago)
            ids.append(open_case(session, user, reason="x", urgent=urgent, now=when).id)
        closed = open_case(session, Users(session).get_or_create("telegram", "9", clock.now()),
                           reason="x", urgent=True, now=clock.now())  # fmt: skip
        closed.status = "closed"
        assert [c.id for c in waiting_queue(session)] == [ids[3], ids[1], ids[2], ids[0]]


def test_previous_helper_within_seven_days_only(tmp_path: Path, clock: FixedClock) -> None:
    _engine, uow = sqlite_uow(tmp_path)
    week = dt.timedelta(days=7)
    with uow() as session:
        li, _ = add_staff(session, ChatRef("telegram", "501"), role="legal", alias="小李",
                          now=clock.now(), actor="t")  # fmt: skip
        user = Users(session).get_or_create("telegram", "42", clock.now())
        case = open_case(session, user, reason="button", role="legal", now=clock.now())
        case.status, case.claimed_by, case.closed_at = "closed", li.id, clock.now()
        session.flush()
        in_six_days = clock.now() + dt.timedelta(days=6)
        assert previous_helper(session, user.id, in_six_days, window=week) is li
        assert (
            previous_helper(session, user.id, clock.now() + dt.timedelta(days=8), window=week)
            is None
        )
        remove_staff(session, ChatRef("telegram", "501"), now=clock.now(), actor="t")
        assert previous_helper(session, user.id, in_six_days, window=week) is None
