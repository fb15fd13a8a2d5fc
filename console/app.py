"""The console's composition: `create_app` builds the Starlette app from a config, a unit of work
and a clock (nothing at import time); `serve_console` runs it with uvicorn in the current loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from bot.settings import Settings
from common.clock import Clock, SystemClock
from console import (
    routes_auth,
    routes_cases,
    routes_dashboard,
    routes_events,
    routes_knowledge,
    routes_staff,
)
from console.accounts import count_users
from console.config import ConsoleConfig, config_from_settings
from console.web import Deliver, Deps, SecurityHeaders, make_environment
from storage.db import UnitOfWork, make_engine
from storage.migrate import upgrade

log = logging.getLogger(__name__)


class _EmbeddedServer(uvicorn.Server):
    """uvicorn without its signal handlers: the process that runs the loop owns SIGINT and
    SIGTERM (the assistant stops the console by cancelling its task)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


STATIC_DIR = Path(__file__).resolve().parent / "static"
FIRST_USER_COMMAND = "courier-aid console user add --name 你的名字 --role admin"


def create_app(
    config: ConsoleConfig,
    uow: UnitOfWork,
    clock: Clock,
    *,
    deliver: Deliver | None = None,
) -> Starlette:
    """The console as an ASGI app. `deliver` sends the notices of case actions (a channel in
    the same process); without it, couriers are not told when the console closes a case."""
    deps = Deps(config=config, uow=uow, clock=clock, env=make_environment(), deliver=deliver)
    routes: list[BaseRoute] = [
        *routes_auth.routes(deps),
        *routes_dashboard.routes(deps),
        *routes_events.routes(deps),
        *routes_cases.routes(deps),
        *routes_staff.routes(deps),
        *routes_knowledge.routes(deps),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)])


def startup_message(config: ConsoleConfig, uow: UnitOfWork) -> str:
    """What `courier-aid run` prints: the address, and how to make the first user if none."""
    return _banner(config.address, uow)


def console_banner(settings: Settings, uow: UnitOfWork) -> str:
    """`startup_message` from the settings alone (reads no secret, builds no app)."""
    return _banner(f"http://{settings.console_host}:{settings.console_port}/", uow)


def _banner(address: str, uow: UnitOfWork) -> str:
    with uow() as session:
        users = count_users(session)
    lines = [f"控制台 console: {address}"]
    if users == 0:
        lines.append(f"还没有控制台账号。先创建第一个 (no console user yet): {FIRST_USER_COMMAND}")
    return "\n".join(lines)


async def serve_console(
    settings: Settings,
    *,
    uow: UnitOfWork | None = None,
    clock: Clock | None = None,
    deliver: Deliver | None = None,
    announce: bool = True,
) -> None:
    """Serve the console on CONSOLE_HOST:CONSOLE_PORT in the running event loop until cancelled.

    `uow`: the assistant's unit of work (else one is made on DATABASE_URL, migrated first).
    """
    engine = None
    if uow is None:
        engine = make_engine(settings.database_url)
        upgrade(engine)
        uow = UnitOfWork(engine)
    config = config_from_settings(settings)
    app = create_app(config, uow, clock or SystemClock(), deliver=deliver)
    if announce:
        print(startup_message(config, uow), flush=True)
    server = _EmbeddedServer(
        uvicorn.Config(
            app,
            host=config.host,
            port=config.port,
            log_level="warning",
            proxy_headers=True,
            forwarded_allow_ips="127.0.0.1",
            server_header=False,
            lifespan="off",
        )
    )
    try:
        await server.serve()
    except asyncio.CancelledError:
        server.should_exit = True
        await server.shutdown()
        raise
    finally:
        if engine is not None:
            engine.dispose()
