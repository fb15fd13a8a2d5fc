"""Events through the console: the CLI's rules and notices, preview, delivery report, roles."""

from __future__ import annotations

from httpx import Response
from sqlalchemy import select
from starlette.testclient import TestClient

from common.clock import FixedClock
from storage.console_models import ConsoleAudit
from storage.db import UnitOfWork
from storage.event_models import Event
from tests.console.conftest import page_csrf
from tests.helpers.console_seed import seed

FORM = {
    "title": "工伤维权讲座", "start": "2026-12-05T14:00", "end": "2026-12-05T16:00",
    "place": "长治市总工会三楼", "description": "律师讲工伤认定", "audience": "",
    "tags": ["法律讲座"], "more_tags": "", "remind": "24h,1h",
}  # fmt: skip


def _create(client: TestClient, **changes: object) -> Response:
    data = {**FORM, **changes, "csrf": page_csrf(client, "/events/new")}
    return client.post("/events/new", data=data)


def _events(uow: UnitOfWork) -> list[Event]:
    with uow() as session:
        return list(session.scalars(select(Event).order_by(Event.id)))


def test_create_shows_the_cli_notice_the_preview_and_the_list(
    as_coordinator: TestClient, uow: UnitOfWork
) -> None:
    response = _create(as_coordinator)
    assert response.status_code == 303
    (event,) = _events(uow)
    assert response.headers["location"] == f"/events/{event.id}"
    assert event.source == "console" and event.remind_offsets == [1440, 60]
    page = as_coordinator.get(f"/events/{event.id}").text
    assert f"已添加活动 #{event.id}" in page and "运行中的机器人会在 1 分钟内收到" in page
    assert "活动提醒" in page and "还有约 24 小时开始" in page and "长治市总工会三楼" in page
    assert "<b>" not in page.split("提醒预览")[1].split("发送情况")[0]  # shown as plain text
    listing = as_coordinator.get("/events").text
    assert "工伤维权讲座" in listing and f'href="/events/{event.id}"' in listing


def test_same_rules_as_the_cli(as_coordinator: TestClient, uow: UnitOfWork) -> None:
    past = _create(as_coordinator, start="2026-11-01T10:00", end="")
    assert past.status_code == 400
    assert "开始时间已经过去了" in past.text
    untagged = _create(as_coordinator, tags=[], more_tags="")
    assert "至少要有一个标签" in untagged.text
    assert 'value="工伤维权讲座"' in untagged.text  # kept
    assert _events(uow) == []


def test_edit_and_cancel(as_coordinator: TestClient, uow: UnitOfWork) -> None:
    _create(as_coordinator)
    (event,) = _events(uow)
    url = f"/events/{event.id}"
    moved = {**FORM, "start": "2026-12-06T14:00", "end": "2026-12-06T16:00",
             "csrf": page_csrf(as_coordinator, url)}  # fmt: skip
    response = as_coordinator.post(f"{url}/edit", data=moved)
    assert response.status_code == 303
    page = as_coordinator.get(url).text
    assert "已收到提醒的人会收到变动通知" in page and "2026-12-06 14:00" in page
    assert _events(uow)[0].revision == 2
    response = as_coordinator.post(f"{url}/cancel", data={"csrf": page_csrf(as_coordinator, url)})
    assert "已取消活动" in as_coordinator.get(url).text
    assert _events(uow)[0].status == "cancelled"
    with uow() as session:
        actions = list(session.scalars(select(ConsoleAudit.action).order_by(ConsoleAudit.id)))
    assert actions[-3:] == ["event_add", "event_edit", "event_cancel"]


def test_without_csrf_nothing_is_created(as_coordinator: TestClient, uow: UnitOfWork) -> None:
    response = as_coordinator.post("/events/new", data=FORM)
    assert response.status_code == 403
    wrong = as_coordinator.post("/events/new", data={**FORM, "csrf": "forged"})
    assert wrong.status_code == 403
    assert _events(uow) == []


def test_a_viewer_sees_but_cannot_change(
    as_viewer: TestClient, uow: UnitOfWork, clock: FixedClock
) -> None:
    with uow() as session:
        ids = seed(session, clock.now())
    url = f"/events/{ids['event']}"
    page = as_viewer.get(url).text
    assert "劳动法小课堂" in page and "保存修改" not in page and "取消这个活动" not in page
    assert as_viewer.get("/events/new").status_code == 403
    csrf = page_csrf(as_viewer, url)
    assert as_viewer.post("/events/new", data={**FORM, "csrf": csrf}).status_code == 403
    assert as_viewer.post(f"{url}/cancel", data={"csrf": csrf}).status_code == 403
    assert [e.status for e in _events(uow)] == ["scheduled"]


def test_delivery_report(as_viewer: TestClient, uow: UnitOfWork, clock: FixedClock) -> None:
    with uow() as session:
        ids = seed(session, clock.now())
    page = as_viewer.get(f"/events/{ids['event']}").text
    row = page.split("发送情况")[1].split("</tbody>")[0]
    cells = [c.split("</td>")[0] for c in row.split('<td class="num">')[1:]]
    assert cells[:4] == ["5", "3", "1", "0"]  # total, sent, failed, undeliverable
    assert cells[4] == "1"  # blocked


def test_unknown_event_is_404(as_viewer: TestClient) -> None:
    assert as_viewer.get("/events/999").status_code == 404
