"""Cases in the console: queue order, masked transcript, pseudonyms only, close and reassign by a
coordinator (audited), nothing for a viewer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from common.clock import FixedClock
from console.app import create_app
from console.config import ConsoleConfig
from handoff.notices import Notice, Outcome
from storage.console_models import ConsoleAudit
from storage.db import UnitOfWork
from storage.handoff_models import StaffAudit
from storage.models import HandoffCase
from tests.console.conftest import login, page_csrf
from tests.helpers.console_seed import COURIER_PHONE, COURIER_REF, seed


@pytest.fixture
def ids(uow: UnitOfWork, clock: FixedClock) -> dict[str, int]:
    with uow() as session:
        return seed(session, clock.now())


def _case(uow: UnitOfWork, case_id: int) -> HandoffCase:
    with uow() as session:
        case = session.get(HandoffCase, case_id)
        assert case is not None
        return case


def test_queue_urgent_first_and_only_pseudonyms(as_viewer: TestClient, ids: dict[str, int]) -> None:
    page = as_viewer.get("/cases").text
    waiting = page.split("等待中")[1].split("处理中")[0]
    assert waiting.index(f"#{ids['waiting_urgent']}") < waiting.index(f"#{ids['waiting']}")
    assert "海豚105" in waiting and "正在发生的暴力" in waiting
    assert COURIER_REF not in page and COURIER_PHONE not in page


def test_transcript_is_masked_and_its_reading_audited(
    as_coordinator: TestClient, ids: dict[str, int], uow: UnitOfWork
) -> None:
    page = as_coordinator.get(f"/cases/{ids['closed']}").text
    assert "138****5678" in page and COURIER_PHONE not in page and COURIER_REF not in page
    assert "来访者" in page and "海豚100" in page and "小李" in page
    with uow() as session:
        row = session.scalars(select(ConsoleAudit).order_by(ConsoleAudit.id.desc())).first()
    assert row is not None and row.action == "transcript_view" and row.actor == "coord1"


def test_a_viewer_sees_the_case_but_not_the_transcript(
    as_viewer: TestClient, ids: dict[str, int]
) -> None:
    page = as_viewer.get(f"/cases/{ids['closed']}").text
    assert "海豚100" in page and "138****5678" not in page and "只有协调员和管理员能看" in page


def test_coordinator_closes_a_case_audited(
    as_coordinator: TestClient, ids: dict[str, int], uow: UnitOfWork
) -> None:
    url = f"/cases/{ids['claimed']}"
    empty = as_coordinator.post(f"{url}/close", data={"csrf": page_csrf(as_coordinator, url),
                                                      "note": "  "})  # fmt: skip
    assert empty.status_code == 303 and _case(uow, ids["claimed"]).status == "claimed"
    response = as_coordinator.post(
        f"{url}/close",
        data={"csrf": page_csrf(as_coordinator, url), "note": "电话 13900001111 已联系"},
    )
    assert response.status_code == 303
    case = _case(uow, ids["claimed"])
    assert case.status == "closed" and case.close_note == "电话 139****1111 已联系"
    assert "通知未发出" in as_coordinator.get(url).text
    with uow() as session:
        staff_row = session.scalars(select(StaffAudit).order_by(StaffAudit.id.desc())).first()
        console_row = session.scalars(
            select(ConsoleAudit).where(ConsoleAudit.action == "case_close")
        ).first()
    assert staff_row is not None and staff_row.actor == "console:coord1"
    assert staff_row.action == "close" and staff_row.case_id == ids["claimed"]
    assert console_row is not None and console_row.target == f"个案 #{ids['claimed']}"


def test_reassign_puts_the_case_back_for_the_next_tick(
    as_coordinator: TestClient, ids: dict[str, int], uow: UnitOfWork
) -> None:
    url = f"/cases/{ids['claimed']}"
    as_coordinator.post(f"{url}/reassign", data={"csrf": page_csrf(as_coordinator, url),
                                                 "target": "role:union"})  # fmt: skip
    case = _case(uow, ids["claimed"])
    assert (case.status, case.role, case.claimed_by) == ("waiting", "union", None)
    assert case.last_announced_at is None  # the assistant posts a new card
    assert "协调员在控制台转交给 工会帮助" in as_coordinator.get(url).text


def test_viewer_cannot_act(as_viewer: TestClient, ids: dict[str, int], uow: UnitOfWork) -> None:
    url = f"/cases/{ids['claimed']}"
    page = as_viewer.get(url).text
    assert "结束个案" not in page
    csrf = page_csrf(as_viewer, url)
    assert as_viewer.post(f"{url}/close", data={"csrf": csrf, "note": "x"}).status_code == 403
    moved = as_viewer.post(f"{url}/reassign", data={"csrf": csrf, "target": "role:legal"})
    assert moved.status_code == 403
    assert _case(uow, ids["claimed"]).status == "claimed"


@pytest.fixture
def delivered(
    uow: UnitOfWork, clock: FixedClock, config: ConsoleConfig, users: dict[str, str]
) -> Iterator[tuple[TestClient, list[Outcome]]]:
    sent: list[Outcome] = []

    async def deliver(outcome: Outcome) -> None:
        sent.append(outcome)

    app = create_app(config, uow, clock, deliver=deliver)
    with TestClient(app, follow_redirects=False) as client:
        login(client, "coord1")
        yield client, sent


def test_with_a_channel_the_courier_is_asked_for_a_rating(
    delivered: tuple[TestClient, list[Outcome]], ids: dict[str, int]
) -> None:
    client, sent = delivered
    url = f"/cases/{ids['claimed']}"
    client.post(f"{url}/close", data={"csrf": page_csrf(client, url), "note": "已解决"})
    notices = [n for o in sent for n in o.sends if isinstance(n, Notice)]
    to_courier = [n for n in notices if n.buttons]
    assert len(to_courier) == 1 and "满意" in to_courier[0].html
    assert "通知未发出" not in client.get(url).text
