"""Every route: a login first, a CSRF token on every POST, roles on every change."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from common.clock import FixedClock
from console.app import create_app
from console.config import ConsoleConfig
from storage.db import UnitOfWork
from tests.console.conftest import page_csrf
from tests.helpers.console_seed import seed

OPEN = {"/login", "/logout"}


def _routes(config: ConsoleConfig, uow: UnitOfWork, clock: FixedClock) -> list[Route]:
    app = create_app(config, uow, clock)
    return [r for r in app.routes if isinstance(r, Route) and r.path not in OPEN]


def _url(path: str, ids: dict[str, int]) -> str:
    url = re.sub(r"\{id:int\}", str(ids["claimed"]) if "cases" in path else "1", path)
    return url.replace("{key}", "roles")


@pytest.fixture
def ids(uow: UnitOfWork, clock: FixedClock) -> dict[str, int]:
    with uow() as session:
        return seed(session, clock.now())


def test_every_page_needs_a_login(
    app_client: TestClient, config: ConsoleConfig, uow: UnitOfWork, clock: FixedClock,
    ids: dict[str, int],
) -> None:  # fmt: skip
    for route in _routes(config, uow, clock):
        for method in route.methods or ():
            if method == "HEAD":
                continue
            response = app_client.request(method, _url(route.path, ids), data={})
            assert response.status_code in (303, 403), (method, route.path)
            if method == "GET":
                assert response.headers["location"].startswith("/login")


def test_every_post_needs_its_csrf_token(
    as_admin: TestClient, config: ConsoleConfig, uow: UnitOfWork, clock: FixedClock,
    ids: dict[str, int],
) -> None:  # fmt: skip
    posts = [r for r in _routes(config, uow, clock) if "POST" in (r.methods or ())]
    assert len(posts) >= 8
    for route in posts:
        response = as_admin.post(_url(route.path, ids), data={"note": "x"})
        assert response.status_code == 403, route.path
        assert "安全令牌" in response.text


def test_a_viewer_changes_nothing(
    as_viewer: TestClient, config: ConsoleConfig, uow: UnitOfWork, clock: FixedClock,
    ids: dict[str, int],
) -> None:  # fmt: skip
    csrf = page_csrf(as_viewer)
    for route in _routes(config, uow, clock):
        if "POST" in (route.methods or ()):
            response = as_viewer.post(_url(route.path, ids), data={"csrf": csrf, "note": "x"})
            assert response.status_code == 403, route.path
            assert "不能做这件事" in response.text
