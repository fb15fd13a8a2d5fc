"""The console in a real browser: Debian's Chromium driven by Playwright (never a downloaded
browser). Log in, see the charts, create an event and find it in the list, post a form without
its CSRF token, a viewer who cannot edit, log out. Screenshots go to build/artifacts/console/."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from common.clock import FixedClock
from console.accounts import add_user
from console.app import create_app
from storage.db import UnitOfWork, make_engine
from storage.migrate import upgrade
from tests.console.conftest import PASSWORD, make_config
from tests.helpers.console_seed import COURIER_PHONE, COURIER_REF, seed
from tests.helpers.services import free_port

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "artifacts" / "console"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
NOW = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)

pytestmark = [pytest.mark.browser, pytest.mark.integration]

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail("CI: /usr/bin/chromium is required (apt-get install chromium fonts-noto-cjk)",
                    pytrace=False)  # fmt: skip
    pytest.skip(
        "no /usr/bin/chromium: run scripts/setup.sh as root, or apt-get install chromium "
        "fonts-noto-cjk", allow_module_level=True,
    )  # fmt: skip
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The console on a SQLite file with a month of conversations, cases and an event."""
    db = tmp_path_factory.mktemp("browser") / "console.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    uow = UnitOfWork(engine)
    with uow() as session:
        seed(session, NOW)
        add_user(session, name="admin1", role="admin", password=PASSWORD, now=NOW)
        add_user(session, name="view1", role="viewer", password=PASSWORD, now=NOW)
    port = free_port()
    app = create_app(make_config(), uow, FixedClock(NOW))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the console did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _shot(page: Any, name: str, *, full: bool = True) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def _login(page: Any, base_url: str, name: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}/")


def test_an_administrator_walks_through(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(base_url)
    assert "/login" in page.url
    _shot(page, "login")
    _login(page, base_url, "admin1")
    charts = page.locator("section.chart svg")
    assert charts.count() == 7
    assert page.locator("section.chart svg rect").count() > 10  # bars were drawn
    assert page.get_by_role("heading", name="转人工（按类别）").is_visible()
    _shot(page, "dashboard")
    body = page.content()
    assert COURIER_REF not in body and COURIER_PHONE not in body

    page.get_by_role("link", name="活动").first.click()
    page.get_by_role("link", name="＋ 新建活动").click()
    page.get_by_label("标题").fill("快递员体检日")
    page.get_by_label("开始（北京时间）").fill("2026-12-10T09:00")
    page.get_by_label("地点").fill("长治市人民医院")
    page.get_by_label("健康体检").check()
    _shot(page, "event-new")
    page.get_by_role("button", name="保存活动").click()
    assert page.get_by_text("已添加活动").is_visible()
    assert page.locator(".preview").first.inner_text().startswith("⏰ 活动提醒")
    _shot(page, "event")
    page.get_by_role("link", name="← 全部活动").click()
    assert page.get_by_role("link", name="快递员体检日").is_visible()
    _shot(page, "events")

    # The same form without its CSRF token is refused.
    page.goto(f"{base_url}/events/new")
    page.eval_on_selector("form[action='/events/new'] input[name=csrf]", "n => n.remove()")
    page.get_by_label("标题").fill("没有令牌的活动")
    page.get_by_label("开始（北京时间）").fill("2026-12-11T09:00")
    page.get_by_label("健康体检").check()
    with page.expect_response(lambda r: r.url.endswith("/events/new")) as answer:
        page.get_by_role("button", name="保存活动").click()
    assert answer.value.status == 403
    assert page.get_by_text("安全令牌").is_visible()
    _shot(page, "csrf-refused")

    for path, name in (("/cases", "cases"), ("/staff", "staff"), ("/knowledge", "knowledge"),
                       ("/audit", "audit")):  # fmt: skip
        page.goto(f"{base_url}{path}")
        _shot(page, name)
    page.goto(f"{base_url}/cases")
    page.locator("a[href^='/cases/']").first.click()
    assert "138****5678" in page.content() and COURIER_PHONE not in page.content()
    _shot(page, "case")

    page.get_by_role("button", name="退出").click()
    page.wait_for_url(f"{base_url}/login")
    page.goto(f"{base_url}/events")
    assert "/login" in page.url
    context.close()


def test_a_viewer_on_a_phone_cannot_edit(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                  device_scale_factor=2, is_mobile=True)  # fmt: skip
    page = context.new_page()
    _login(page, base_url, "view1")
    _shot(page, "dashboard-phone")
    page.locator("#h-gaps").scroll_into_view_if_needed()
    _shot(page, "dashboard-phone-chart", full=False)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the page is {width}px wide on a 390px phone"
    page.get_by_role("link", name="活动").first.click()
    page.get_by_role("link", name="劳动法小课堂").click()
    assert page.get_by_role("button", name="保存修改").count() == 0
    assert page.get_by_role("button", name="取消这个活动").count() == 0
    _shot(page, "event-viewer-phone")
    response = page.goto(f"{base_url}/events/new")
    assert response is not None and response.status == 403
    assert page.get_by_text("不能做这件事").is_visible()
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(f"{base_url}/login")
    context.close()
