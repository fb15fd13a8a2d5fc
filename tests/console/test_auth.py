"""Login, lockout, rate limit, sessions, logout, CSRF on the login and logout forms."""

from __future__ import annotations

from sqlalchemy import select
from starlette.testclient import TestClient

from common.clock import FixedClock
from console.web import SESSION_COOKIE
from storage.console_models import ConsoleAudit, ConsoleUser
from storage.db import UnitOfWork
from tests.console.conftest import PASSWORD, csrf_of, login, page_csrf


def test_pages_need_a_login(app_client: TestClient) -> None:
    response = app_client.get("/")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/"


def test_login_sets_a_signed_httponly_strict_expiring_cookie(
    app_client: TestClient, users: dict[str, str]
) -> None:
    response = login(app_client, "admin1")
    assert response.status_code == 303
    cookie = next(
        v for k, v in response.headers.multi_items() if k == "set-cookie" and SESSION_COOKIE in v
    )
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=strict" in lowered and "max-age=28800" in lowered
    assert "." in cookie.split("=", 1)[1]  # token.timestamp.signature
    assert app_client.get("/").status_code == 200


def test_passwords_are_argon2_hashes(uow: UnitOfWork, users: dict[str, str]) -> None:
    with uow() as session:
        hashes = list(session.scalars(select(ConsoleUser.password_hash)))
    assert hashes and all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)


def test_login_without_its_csrf_token_is_refused(
    app_client: TestClient, users: dict[str, str]
) -> None:
    app_client.get("/login")
    response = app_client.post("/login", data={"name": "admin1", "password": PASSWORD})
    assert response.status_code == 403
    assert app_client.get("/").status_code == 303


def test_wrong_password_and_unknown_name_read_the_same(
    app_client: TestClient, users: dict[str, str]
) -> None:
    wrong = login(app_client, "admin1", "not-the-password")
    unknown = login(app_client, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码不对" in wrong.text and "用户名或密码不对" in unknown.text


def test_five_failures_lock_the_account_for_fifteen_minutes(
    app_client: TestClient, users: dict[str, str], clock: FixedClock, uow: UnitOfWork
) -> None:
    for _ in range(4):
        assert login(app_client, "coord1", "wrong-password").status_code == 401
    locked = login(app_client, "coord1", "wrong-password")
    assert "暂时锁定" in locked.text
    assert "暂时锁定" in login(app_client, "coord1").text  # the right password does not help
    clock.advance(minutes=16)
    assert login(app_client, "coord1").status_code == 303
    with uow() as session:
        actions = list(session.scalars(select(ConsoleAudit.action).order_by(ConsoleAudit.id)))
    assert actions.count("login_failed") == 4 and "login_locked" in actions
    assert actions[-1] == "login"


def test_one_address_is_rate_limited_across_names(
    app_client: TestClient, users: dict[str, str]
) -> None:
    for number in range(20):
        assert login(app_client, f"guess{number}", "wrong-password").status_code == 401
    limited = login(app_client, "admin1")
    assert limited.status_code == 429
    assert "尝试太多" in limited.text


def test_session_expires_on_the_server(
    app_client: TestClient, users: dict[str, str], clock: FixedClock
) -> None:
    login(app_client, "view1")
    assert app_client.get("/").status_code == 200
    clock.advance(hours=8, minutes=1)
    assert app_client.get("/").status_code == 303


def test_a_tampered_cookie_is_not_a_session(app_client: TestClient, users: dict[str, str]) -> None:
    login(app_client, "admin1")
    value = app_client.cookies[SESSION_COOKIE]
    app_client.cookies.set(SESSION_COOKIE, "x" + value)
    assert app_client.get("/").status_code == 303


def test_logout_needs_the_token_and_ends_the_session(
    app_client: TestClient, users: dict[str, str]
) -> None:
    login(app_client, "admin1")
    assert app_client.post("/logout", data={}).status_code == 403
    assert app_client.get("/").status_code == 200
    kept = app_client.cookies[SESSION_COOKIE]
    response = app_client.post("/logout", data={"csrf": page_csrf(app_client)})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    app_client.cookies.set(SESSION_COOKIE, kept)  # the old cookie is worth nothing now
    assert app_client.get("/").status_code == 303


def test_next_page_stays_on_this_site(app_client: TestClient, users: dict[str, str]) -> None:
    page = app_client.get("/login")
    response = app_client.post(
        "/login",
        data={"csrf": csrf_of(page.text), "name": "admin1", "password": PASSWORD,
              "next": "//evil.example/"},
    )  # fmt: skip
    assert response.headers["location"] == "/"


def test_security_headers(app_client: TestClient) -> None:
    headers = app_client.get("/login").headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
