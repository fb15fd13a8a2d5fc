"""The staff registry: add, update, list, remove; roles and aliases checked; all audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from common.clock import FixedClock
from handoff.notices import ChatRef
from handoff.staff import (
    StaffError,
    active_staff,
    add_staff,
    by_alias,
    coordinators,
    list_staff,
    remove_staff,
)
from storage.handoff_models import StaffAudit
from tests.helpers.handoff import sqlite_uow

LI = ChatRef("telegram", "501")
WANG = ChatRef("telegram", "502")


def test_add_update_list_remove(tmp_path: Path, clock: FixedClock) -> None:
    _engine, uow = sqlite_uow(tmp_path)
    now = clock.now()
    with uow() as session:
        li, created = add_staff(session, LI, role="legal", alias=" 小李 ", now=now, actor="cli")
        assert created and li.alias == "小李" and li.active
        add_staff(session, WANG, role="coordinator", alias="小王", now=now, actor="cli")
    with uow() as session:
        again, created = add_staff(session, LI, role="union", alias="李姐", now=now, actor="cli")
        assert not created and again.role == "union" and again.alias == "李姐"
        assert [s.alias for s in list_staff(session)] == ["小王", "李姐"]
        assert [s.alias for s in coordinators(session)] == ["小王"]
    with uow() as session:
        removed = remove_staff(session, LI, now=now, actor="cli")
        assert removed is not None and not removed.active
        assert remove_staff(session, LI, now=now, actor="cli") is None  # already gone
        assert active_staff(session, LI) is None and by_alias(session, "李姐") is None
        assert [s.alias for s in list_staff(session, include_removed=True)] == ["小王", "李姐"]
    with uow() as session:  # re-adding brings the same row back
        back, created = add_staff(session, LI, role="legal", alias="小李", now=now, actor="cli")
        assert not created and back.active and back.removed_at is None
        actions = list(session.scalars(select(StaffAudit.action).order_by(StaffAudit.id)))
    assert actions == ["staff_add", "staff_add", "staff_update", "staff_remove", "staff_update"]


@pytest.mark.parametrize(
    ("role", "alias", "message"),
    [("boss", "小李", "unknown role"), ("legal", "  ", "empty"), ("legal", "x" * 17, "longer"),
     ("legal", "<b>李</b>", "may not contain")],
)  # fmt: skip
def test_bad_roles_and_aliases_are_refused(
    tmp_path: Path, clock: FixedClock, role: str, alias: str, message: str
) -> None:
    _engine, uow = sqlite_uow(tmp_path)
    with pytest.raises(StaffError, match=message), uow() as session:
        add_staff(session, LI, role=role, alias=alias, now=clock.now(), actor="cli")


def test_an_alias_belongs_to_one_active_person(tmp_path: Path, clock: FixedClock) -> None:
    _engine, uow = sqlite_uow(tmp_path)
    with uow() as session:
        add_staff(session, LI, role="legal", alias="小李", now=clock.now(), actor="cli")
    with pytest.raises(StaffError, match="already used"), uow() as session:
        add_staff(session, WANG, role="legal", alias="小李", now=clock.now(), actor="cli")
    with uow() as session:  # once the first is removed, the alias is free again
        remove_staff(session, LI, now=clock.now(), actor="cli")
        add_staff(session, WANG, role="legal", alias="小李", now=clock.now(), actor="cli")
