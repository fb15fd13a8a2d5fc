"""Staff through the console (admins only change it) and the audit logs."""

from __future__ import annotations

from sqlalchemy import select
from starlette.testclient import TestClient

from common.clock import FixedClock
from storage.console_models import ConsoleAudit
from storage.db import UnitOfWork
from storage.handoff_models import Staff, StaffAudit
from storage.models import HandoffCase
from tests.console.conftest import page_csrf
from tests.helpers.console_seed import seed


def _staff(uow: UnitOfWork) -> list[Staff]:
    with uow() as session:
        return list(session.scalars(select(Staff).order_by(Staff.id)))


def test_admin_adds_changes_and_removes(as_admin: TestClient, uow: UnitOfWork) -> None:
    csrf = page_csrf(as_admin, "/staff")
    form = {"csrf": csrf, "telegram_id": "424242", "role": "legal", "alias": "小陈"}
    assert as_admin.post("/staff/add", data=form).status_code == 303
    page = as_admin.get("/staff").text
    assert "已添加工作人员" in page and "小陈" in page and "424242" in page and "法律援助" in page
    (row,) = _staff(uow)
    as_admin.post(f"/staff/{row.id}/role", data={"csrf": csrf, "role": "union"})
    assert _staff(uow)[0].role == "union"
    as_admin.post(f"/staff/{row.id}/remove", data={"csrf": csrf})
    assert _staff(uow)[0].active is False
    with uow() as session:
        staff_actions = list(session.scalars(select(StaffAudit.action).order_by(StaffAudit.id)))
        console = list(session.scalars(select(ConsoleAudit.action).order_by(ConsoleAudit.id)))
    assert staff_actions == ["staff_add", "staff_update", "staff_remove"]
    assert console[-3:] == ["staff_add", "staff_update", "staff_remove"]
    assert "console:admin1" in as_admin.get("/audit").text


def test_bad_input_is_explained(as_admin: TestClient, uow: UnitOfWork) -> None:
    csrf = page_csrf(as_admin, "/staff")
    as_admin.post("/staff/add", data={"csrf": csrf, "telegram_id": "abc", "role": "legal",
                                      "alias": "小陈"})  # fmt: skip
    assert "Telegram 用户 id 是一个正整数" in as_admin.get("/staff").text
    as_admin.post("/staff/add", data={"csrf": csrf, "telegram_id": "7", "role": "boss",
                                      "alias": "小陈"})  # fmt: skip
    assert "unknown role" in as_admin.get("/staff").text
    assert _staff(uow) == []


def test_removing_staff_returns_their_cases(
    as_admin: TestClient, uow: UnitOfWork, clock: FixedClock
) -> None:
    with uow() as session:
        ids = seed(session, clock.now())
    as_admin.post(f"/staff/{ids['staff_legal']}/remove",
                  data={"csrf": page_csrf(as_admin, "/staff")})  # fmt: skip
    with uow() as session:
        case = session.get(HandoffCase, ids["claimed"])
        assert case is not None and case.status == "waiting"


def test_only_admins_change_staff(as_coordinator: TestClient, uow: UnitOfWork) -> None:
    page = as_coordinator.get("/staff").text
    assert "添加或更新工作人员" not in page and "09:00-21:00" in page
    csrf = page_csrf(as_coordinator, "/staff")
    form = {"csrf": csrf, "telegram_id": "424242", "role": "legal", "alias": "小陈"}
    assert as_coordinator.post("/staff/add", data=form).status_code == 403
    assert _staff(uow) == []
    assert as_coordinator.get("/audit").status_code == 200


def test_viewer_sees_no_audit_log(as_viewer: TestClient) -> None:
    assert as_viewer.get("/audit").status_code == 403
    assert "审计日志" not in as_viewer.get("/staff").text
