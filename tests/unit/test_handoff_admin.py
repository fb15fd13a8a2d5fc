"""handoff/admin.py: a coordinator's close and reassign of a case they do not hold."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from handoff.admin import CaseActionError, close_case, reassign_case
from handoff.config import HandoffConfig
from handoff.context import Ctx
from handoff.duty import DutyHours
from handoff.notices import Notice
from handoff.render import HandoffText
from storage.db import UnitOfWork
from storage.handoff_models import Staff, StaffAudit
from storage.migrate import upgrade
from storage.models import HandoffCase, User

NOW = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def uow(engine: Engine) -> UnitOfWork:
    upgrade(engine)
    uow = UnitOfWork(engine)
    with uow() as session:
        user = User(channel="telegram", external_ref="77", created_at=NOW)
        staff = Staff(channel="telegram", external_ref="5", role="legal", alias="小李",
                      added_at=NOW)  # fmt: skip
        session.add_all([user, staff])
        session.flush()
        session.add(HandoffCase(user_id=user.id, role="legal", reason="asked", status="claimed",
                                created_at=NOW, claimed_by=staff.id, claimed_at=NOW,
                                pseudonym="海豚100", share_identity=False))  # fmt: skip
    return uow


def _ctx(session: object) -> Ctx:
    config = HandoffConfig(duty=DutyHours.parse("09:00-21:00"))
    return Ctx(session, config, HandoffText(), NOW)  # type: ignore[arg-type]


def test_close_asks_the_courier_for_a_rating_and_tells_the_holder(uow: UnitOfWork) -> None:
    with uow() as session:
        outcome = close_case(_ctx(session), 1, "已解决", actor="console:王主任")
        case = session.get(HandoffCase, 1)
        assert case is not None and case.status == "closed" and case.closed_at == NOW
        audit = session.scalars(select(StaffAudit)).one()
        assert (audit.actor, audit.action, audit.case_id) == ("console:王主任", "close", 1)
    notices = [s for s in outcome.sends if isinstance(s, Notice)]
    assert [n.to.ref for n in notices] == ["77", "5"]
    assert len(notices[0].buttons) == 5
    with uow() as session, pytest.raises(CaseActionError, match="已经结束"):
        close_case(_ctx(session), 1, "again", actor="x")


def test_close_needs_a_note(uow: UnitOfWork) -> None:
    with uow() as session, pytest.raises(CaseActionError, match="结束说明"):
        close_case(_ctx(session), 1, "  ", actor="x")


def test_reassign_to_a_role_or_a_person(uow: UnitOfWork) -> None:
    with uow() as session:
        reassign_case(_ctx(session), 1, actor="console:a", role="union")
        case = session.get(HandoffCase, 1)
        assert case is not None
        assert (case.status, case.role, case.claimed_by, case.last_announced_at) == (
            "waiting", "union", None, None)  # fmt: skip
        reassign_case(_ctx(session), 1, actor="console:a", staff_id=1)
        assert case.preferred_staff_id == 1 and case.role == "legal"
        with pytest.raises(CaseActionError):
            reassign_case(_ctx(session), 1, actor="console:a", staff_id=99)
        with pytest.raises(CaseActionError):
            reassign_case(_ctx(session), 1, actor="console:a", role="boss")
        with pytest.raises(CaseActionError, match="没有编号"):
            reassign_case(_ctx(session), 42, actor="console:a", role="legal")
