"""The plumbing every page shares: templates, who is logged in, CSRF, roles, flash messages.

A page is a plain function `(Req) -> Response` run in a worker thread (database work never
blocks the event loop the assistant may share); `guard` wraps it into a Starlette endpoint that
first checks the session cookie, the role and, for every POST, the CSRF token (403 without).
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from itsdangerous import BadSignature, TimestampSigner
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.clock import Clock
from console import accounts, audit
from console.accounts import Viewer
from console.config import ConsoleConfig
from handoff.notices import Outcome
from storage.db import UnitOfWork

log = logging.getLogger(__name__)
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
SESSION_COOKIE = "ca_session"
LOGIN_COOKIE = "ca_login"
FLASH_COOKIE = "ca_flash"
Deliver = Callable[[Outcome], Awaitable[None]]
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]  # fmt: skip


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "svg"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["urlq"] = lambda value: quote(str(value), safe="")
    return env


@dataclass
class Deps:
    """What every page can use; made once by `app.create_app`."""

    config: ConsoleConfig
    uow: UnitOfWork
    clock: Clock
    env: Environment
    deliver: Deliver | None = None

    @property
    def signer(self) -> TimestampSigner:
        return TimestampSigner(self.config.secret, salt="courier-aid-console")

    def html(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        values: dict[str, Any] = {"viewer": None, "flash": None, "path": "", "csrf": "",
                                  "local": self.local}  # fmt: skip
        values.update(context)
        body = self.env.get_template(template).render(**values)
        return HTMLResponse(body, status_code=status)

    def local(self, value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        return value.astimezone(self.config.zone).strftime(fmt) if value else "—"


@dataclass
class Req:
    """One request as a page sees it."""

    deps: Deps
    viewer: Viewer
    csrf: str
    path: str
    query: Mapping[str, str]
    form: Mapping[str, str]
    params: Mapping[str, Any]
    address: str
    now: dt.datetime
    flash: str | None = None
    multi: Mapping[str, list[str]] = field(default_factory=dict)
    outbox: list[Outcome] = field(default_factory=list)

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return self.deps.html(
            template, status, viewer=self.viewer, csrf=self.csrf, flash=self.flash,
            path=self.path, **context,
        )  # fmt: skip

    def redirect(self, url: str, flash: str | None = None) -> Response:
        response = RedirectResponse(url, status_code=303)
        if flash:
            set_cookie(response, self.deps, FLASH_COOKIE, flash_value(self.deps, flash), 60)
        return response

    def audit(self, session: Session, action: str, target: str = "", detail: str = "") -> None:
        audit.record(
            session, actor=self.viewer.name, action=action, now=self.now,
            user_id=self.viewer.id, target=target, detail=detail, address=self.address,
        )  # fmt: skip

    def int_param(self, name: str) -> int:
        return int(self.params[name])


def set_cookie(response: Response, deps: Deps, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", httponly=True, samesite="strict",
        secure=deps.config.secure_cookies,
    )  # fmt: skip


def flash_value(deps: Deps, text: str) -> str:
    return deps.signer.sign(quote(text, safe="")).decode()


def read_flash(deps: Deps, request: Request) -> str | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        return unquote(deps.signer.unsign(raw, max_age=120).decode())
    except BadSignature:
        return None


def client_address(request: Request) -> str:
    """The peer address (behind the reverse proxy uvicorn's --proxy-headers sets it)."""
    return request.client.host if request.client else "unknown"


def forbidden(
    deps: Deps, reason: str, viewer: Viewer | None = None, csrf: str = ""
) -> HTMLResponse:
    return deps.html("error.html", 403, title="禁止操作", message=reason, viewer=viewer, csrf=csrf)


def not_found(deps: Deps) -> HTMLResponse:
    return deps.html("error.html", 404, title="找不到", message="没有这个页面或记录。")


def same_token(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def _session_of(deps: Deps, request: Request) -> tuple[str, Viewer, str] | None:
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    max_age = int(deps.config.session_lifetime.total_seconds())
    try:
        token = deps.signer.unsign(raw, max_age=max_age).decode()
    except BadSignature:
        return None
    with deps.uow() as session:
        found = accounts.find_session(session, token, deps.clock.now())
    return (token, *found) if found else None


Page = Callable[[Req], Response]


class NotFound(Exception):
    """Raised by a page for an id that does not exist: answered with 404."""


def guard(
    deps: Deps, page: Page, *, role: str = "viewer"
) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint for `page`: logged in, at least `role`, CSRF-checked on POST."""

    async def endpoint(request: Request) -> Response:
        found = await run_in_threadpool(_session_of, deps, request)
        form: dict[str, str] = {}
        multi: dict[str, list[str]] = {}
        if request.method == "POST":
            data = await request.form()
            for key, value in data.multi_items():
                if isinstance(value, str):
                    form[key] = value
                    multi.setdefault(key, []).append(value)
        if found is None:
            if request.method == "POST":
                return forbidden(deps, "登录已过期，请重新登录后再试。")
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        _token, viewer, csrf = found
        if request.method == "POST" and not same_token(form.get("csrf"), csrf):
            return forbidden(
                deps, "请求缺少有效的安全令牌（CSRF）。请回到页面刷新后再提交。", viewer, csrf
            )
        if not viewer.can(role):
            return forbidden(deps, f"你的角色（{viewer.role_label}）不能做这件事。", viewer, csrf)
        req = Req(
            deps=deps, viewer=viewer, csrf=csrf, path=request.url.path,
            query=dict(request.query_params), form=form, params=dict(request.path_params),
            address=client_address(request), now=deps.clock.now(),
            flash=read_flash(deps, request), multi=multi,
        )  # fmt: skip
        try:
            response = await run_in_threadpool(page, req)
        except NotFound:
            return not_found(deps)
        if req.flash:
            response.delete_cookie(FLASH_COOKIE, path="/")
        await _deliver(deps, req.outbox)
        return response

    return endpoint


async def _deliver(deps: Deps, outbox: list[Outcome]) -> None:
    if deps.deliver is None:
        return
    for outcome in outbox:
        try:
            await deps.deliver(outcome)
        except Exception:
            log.error("could not deliver the notices of a console action", exc_info=True)


class SecurityHeaders:
    """Adds the CSP and friends to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)
