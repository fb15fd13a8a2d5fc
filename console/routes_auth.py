"""Login and logout. The login form's CSRF token is a double-submit: a random value in an
HttpOnly SameSite=Strict cookie and the same value in the form; a session has its own token."""

from __future__ import annotations

import secrets
from urllib.parse import unquote

from itsdangerous import BadSignature
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from console import accounts, audit
from console.accounts import LoginResult
from console.web import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    Deps,
    client_address,
    forbidden,
    same_token,
    set_cookie,
)

LOGIN_TOKEN_SECONDS = 3600
MESSAGES = {
    LoginResult.WRONG: "用户名或密码不对。",
    LoginResult.LOCKED: "失败次数太多，这个账号已暂时锁定，请 15 分钟后再试，或联系管理员。",
    LoginResult.RATE_LIMITED: "这台电脑的登录尝试太多，请稍后再试。",
}


def _next(value: str | None) -> str:
    """Only a path on this site (no //host or scheme) may be the page after login."""
    value = unquote(value or "/")
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def routes(deps: Deps) -> list[Route]:
    def form(next_url: str, error: str | None = None, status: int = 200) -> Response:
        token = secrets.token_urlsafe(32)
        response = deps.html(
            "login.html", status, login_token=token, next_url=next_url, error=error
        )
        set_cookie(response, deps, LOGIN_COOKIE, token, LOGIN_TOKEN_SECONDS)
        return response

    async def login_page(request: Request) -> Response:
        return form(_next(request.query_params.get("next")))

    async def login_post(request: Request) -> Response:
        data = await request.form()
        fields = {k: v for k, v in data.items() if isinstance(v, str)}
        if not same_token(fields.get("csrf"), request.cookies.get(LOGIN_COOKIE)):
            return forbidden(deps, "请求缺少有效的安全令牌（CSRF）。请重新打开登录页。")
        name, password = fields.get("name", ""), fields.get("password", "")
        address = client_address(request)
        result, token = await run_in_threadpool(_check, deps, name, password, address)
        next_url = _next(fields.get("next"))
        if result is not LoginResult.OK or token is None:
            status = 429 if result is LoginResult.RATE_LIMITED else 401
            return form(next_url, MESSAGES[result], status)
        response = RedirectResponse(next_url, status_code=303)
        signed = deps.signer.sign(token).decode()
        max_age = int(deps.config.session_lifetime.total_seconds())
        set_cookie(response, deps, SESSION_COOKIE, signed, max_age)
        response.delete_cookie(LOGIN_COOKIE, path="/")
        return response

    async def logout(request: Request) -> Response:
        data = await request.form()
        raw = request.cookies.get(SESSION_COOKIE, "")
        ended = await run_in_threadpool(
            _logout, deps, raw, str(data.get("csrf", "")), client_address(request)
        )
        if ended is False:
            return forbidden(deps, "请求缺少有效的安全令牌（CSRF）。请回到页面刷新后再提交。")
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return [
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login_post, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
    ]


def _check(deps: Deps, name: str, password: str, address: str) -> tuple[LoginResult, str | None]:
    now = deps.clock.now()
    with deps.uow() as session:
        result, user = accounts.login(session, deps.config, name, password, address, now)
        actor = user.name if user else "（未知用户名）"
        user_id = user.id if user else None
        if result is LoginResult.OK and user is not None:
            audit.record(session, actor=actor, action="login", now=now, user_id=user_id,
                         address=address)  # fmt: skip
            return result, accounts.open_session(session, user, deps.config, now)
        action = "login_locked" if result is LoginResult.LOCKED else "login_failed"
        audit.record(session, actor=actor, action=action, now=now, user_id=user_id,
                     detail=result.value, address=address)  # fmt: skip
    return result, None


def _logout(deps: Deps, raw: str, csrf: str, address: str) -> bool | None:
    """End the session. True: ended; None: there was no live session; False: the CSRF token
    did not match (nothing is changed)."""
    max_age = int(deps.config.session_lifetime.total_seconds())
    try:
        token = deps.signer.unsign(raw, max_age=max_age).decode()
    except BadSignature:
        return None
    now = deps.clock.now()
    with deps.uow() as session:
        found = accounts.find_session(session, token, now)
        if found is None:
            return None
        if not same_token(csrf, found[1]):
            return False
        viewer = found[0]
        accounts.close_session(session, token)
        audit.record(session, actor=viewer.name, action="logout", now=now, user_id=viewer.id,
                     address=address)  # fmt: skip
    return True
