"""Fixtures for the console: a migrated database of each kind, the app on it, logged-in clients."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from httpx import Response
from sqlalchemy import Engine
from starlette.testclient import TestClient

from bot.settings import Settings
from common.clock import FixedClock
from console.accounts import add_user
from console.app import create_app
from console.config import ConsoleConfig
from handoff.config import HandoffConfig
from knowledge.loader import load_topics
from reminders.config import ReminderConfig
from storage.db import UnitOfWork
from storage.migrate import upgrade

PASSWORD = "correct-horse-9"
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


def make_config(**changes: object) -> ConsoleConfig:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    topics = {t.id: t.zh for t in load_topics().values()}
    values: dict[str, object] = {
        "secret": b"test-secret-not-for-production",
        "handoff": HandoffConfig.from_settings(settings, topic_titles=topics),
        "reminders": ReminderConfig.from_settings(settings),
        "topic_titles": topics,
        "duty_text": "09:00-21:00（星期 1-7）",
    }
    values.update(changes)
    return ConsoleConfig(**values)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id still, at test cost: the production parameters take ~0.2 s a hash here."""
    monkeypatch.setattr(
        "console.accounts.HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def uow(engine: Engine) -> UnitOfWork:
    upgrade(engine)
    return UnitOfWork(engine)


@pytest.fixture
def clock() -> FixedClock:
    # 2026-11-30 10:00 in Beijing
    return FixedClock(dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC))


@pytest.fixture
def config() -> ConsoleConfig:
    return make_config()


@pytest.fixture
def app_client(uow: UnitOfWork, clock: FixedClock, config: ConsoleConfig) -> Iterator[TestClient]:
    app = create_app(config, uow, clock)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as client:
        yield client


@pytest.fixture
def users(uow: UnitOfWork, clock: FixedClock) -> dict[str, str]:
    """One account of each role; name -> role."""
    roles = {"admin1": "admin", "coord1": "coordinator", "view1": "viewer"}
    with uow() as session:
        for name, role in roles.items():
            add_user(session, name=name, role=role, password=PASSWORD, now=clock.now())
    return roles


def csrf_of(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> Response:
    page = client.get("/login")
    return client.post(
        "/login", data={"csrf": csrf_of(page.text), "name": name, "password": password,
                        "next": "/"},
    )  # fmt: skip


@pytest.fixture
def as_admin(app_client: TestClient, users: dict[str, str]) -> TestClient:
    assert login(app_client, "admin1").status_code == 303
    return app_client


@pytest.fixture
def as_coordinator(app_client: TestClient, users: dict[str, str]) -> TestClient:
    assert login(app_client, "coord1").status_code == 303
    return app_client


@pytest.fixture
def as_viewer(app_client: TestClient, users: dict[str, str]) -> TestClient:
    assert login(app_client, "view1").status_code == 303
    return app_client


def page_csrf(client: TestClient, path: str = "/") -> str:
    return csrf_of(client.get(path).text)
