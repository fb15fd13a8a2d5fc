"""Claiming is atomic: of several staff pressing at once, exactly one gets the case, the others
learn who has it. Real threads, one session each, released together by a barrier, on SQLite and
PostgreSQL (the `engine` fixture), many times over."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, func, select

from common.clock import FixedClock
from handoff.cases import claim, open_case
from handoff.config import HandoffConfig
from handoff.duty import DutyHours
from handoff.notices import ChatRef
from handoff.service import HandoffService
from handoff.staff import add_staff
from storage.db import UnitOfWork
from storage.handoff_models import Staff, StaffAudit
from storage.migrate import upgrade
from storage.models import HandoffCase
from storage.repositories import Users

ROUNDS = 25
CLAIMERS = 4


def _staff(uow: UnitOfWork, clock: FixedClock) -> list[int]:
    ids = []
    with uow() as session:
        for n in range(CLAIMERS):
            row, _ = add_staff(
                session, ChatRef("telegram", str(700 + n)), role="legal", alias=f"员{n}",
                now=clock.now(), actor="test",
            )  # fmt: skip
            ids.append(row.id)
    return ids


def _new_case(uow: UnitOfWork, clock: FixedClock, n: int) -> int:
    with uow() as session:
        user = Users(session).get_or_create("telegram", f"c{n}", clock.now())
        return open_case(session, user, reason="button", role="legal", now=clock.now()).id


def _race(
    uow: UnitOfWork, clock: FixedClock, case_id: int, staff_ids: list[int]
) -> dict[int, tuple[bool, int | None]]:
    """Every staff member claims `case_id` at once; (won, holder id) for each."""
    barrier = threading.Barrier(len(staff_ids))
    results: dict[int, tuple[bool, int | None]] = {}
    errors: list[BaseException] = []

    def attempt(staff_id: int) -> None:
        try:
            barrier.wait(timeout=10)
            with uow() as session:
                staff = session.get(Staff, staff_id)
                assert staff is not None
                result = claim(session, case_id, staff, clock.now())
                holder = result.holder.id if result.holder else None
            results[staff_id] = (result.won, holder)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(sid,)) for sid in staff_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return results


def test_exactly_one_of_concurrent_claims_wins(engine: Engine, clock: FixedClock) -> None:
    upgrade(engine)
    uow = UnitOfWork(engine)
    staff_ids = _staff(uow, clock)
    for n in range(ROUNDS):
        case_id = _new_case(uow, clock, n)
        results = _race(uow, clock, case_id, staff_ids)
        winners = [sid for sid, (won, _) in results.items() if won]
        assert len(winners) == 1, results
        # every loser was told who holds it: the winner
        assert {holder for _, holder in results.values()} == {winners[0]}
        with uow() as session:
            case = session.get(HandoffCase, case_id)
            assert case is not None
            assert (case.status, case.claimed_by) == ("claimed", winners[0])


def test_concurrent_presses_through_the_service(engine: Engine, clock: FixedClock) -> None:
    """The button path: one toast says "you have it", the others name the holder; audited."""
    upgrade(engine)
    uow = UnitOfWork(engine)
    _staff(uow, clock)
    config = HandoffConfig(
        duty=DutyHours.parse("00:00-24:00"), staff_chat=ChatRef("telegram", "-1")
    )
    service = HandoffService(uow=uow, clock=clock, config=config)
    case_id = _new_case(uow, clock, 0)
    barrier = threading.Barrier(CLAIMERS)
    toasts: dict[str, str | None] = {}

    def press(ref: str) -> None:
        barrier.wait(timeout=10)
        toasts[ref] = service.press(ChatRef("telegram", ref), f"xc:{case_id}").toast

    threads = [threading.Thread(target=press, args=(str(700 + n),)) for n in range(CLAIMERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    won = [ref for ref, toast in toasts.items() if toast and toast.startswith("你接手了")]
    assert len(won) == 1
    winner_alias = f"员{int(won[0]) - 700}"
    lost = [toast for ref, toast in toasts.items() if ref != won[0]]
    assert lost == [f"#{case_id} 已由 {winner_alias} 接手"] * (CLAIMERS - 1)
    with uow() as session:
        actions = session.scalars(select(StaffAudit.action).where(StaffAudit.case_id == case_id))
        assert sorted(actions) == ["claim"] + ["claim_lost"] * (CLAIMERS - 1)


def test_claiming_a_closed_or_missing_case_changes_nothing(
    engine: Engine, clock: FixedClock
) -> None:
    upgrade(engine)
    uow = UnitOfWork(engine)
    staff_ids = _staff(uow, clock)
    case_id = _new_case(uow, clock, 0)
    with uow() as session:
        case = session.get(HandoffCase, case_id)
        assert case is not None
        case.status = "cancelled"
    with uow() as session:
        staff = session.get(Staff, staff_ids[0])
        assert staff is not None
        result = claim(session, case_id, staff, clock.now())
        assert not result.won and result.holder is None
        assert result.case is not None and result.case.status == "cancelled"
        missing = claim(session, 999, staff, clock.now())
        assert not missing.won and missing.case is None
        claimed = session.scalar(
            select(func.count()).select_from(HandoffCase).where(HandoffCase.claimed_by.is_not(None))
        )
        assert claimed == 0


@pytest.mark.parametrize("role", ["boss", ""])
def test_roles_are_checked_by_the_database_too(
    engine: Engine, clock: FixedClock, role: str
) -> None:
    from sqlalchemy.exc import IntegrityError

    upgrade(engine)
    uow = UnitOfWork(engine)
    with pytest.raises(IntegrityError), uow() as session:
        session.add(
            Staff(channel="telegram", external_ref="9", role=role, alias="x", active=True,
                  added_at=clock.now())
        )  # fmt: skip
        session.flush()
