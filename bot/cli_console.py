"""`courier-aid console` (serve the web console alone) and `courier-aid console user add|list`;
registered by `bot.cli.build_parser`. Exit codes: 0 done, 2 bad arguments."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import sys

from sqlalchemy import select

from bot.settings import Settings
from common.clock import SystemClock
from storage.console_models import CONSOLE_ROLES, ConsoleUser
from storage.db import UnitOfWork, make_engine
from storage.migrate import upgrade


def _password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password 密码: ")
    second = getpass.getpass("again 再输一次: ")
    if first != second:
        print("courier-aid console user add: the two passwords differ", file=sys.stderr)
        return None
    return first


def cmd_user_add(settings: Settings, args: argparse.Namespace) -> int:
    from console.accounts import AccountError, add_user
    from console.audit import record

    password = _password(args)
    if password is None:
        return 2
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        now = SystemClock().now()
        with UnitOfWork(engine)() as session:
            try:
                user = add_user(session, name=args.name, role=args.role, password=password,
                                now=now)  # fmt: skip
            except AccountError as exc:
                print(f"courier-aid console user add: {exc}", file=sys.stderr)
                return 2
            record(session, actor="cli", action="user_add", now=now, target=user.name,
                   detail=user.role)  # fmt: skip
            print(f"added console user #{user.id}: {user.name} ({user.role})")
    finally:
        engine.dispose()
    return 0


def cmd_user_list(settings: Settings, _args: argparse.Namespace) -> int:
    from console.accounts import ROLE_LABELS

    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        with UnitOfWork(engine)() as session:
            users = list(session.scalars(select(ConsoleUser).order_by(ConsoleUser.name)))
            for user in users:
                state = "" if user.active else " (inactive)"
                print(f"#{user.id}  {user.name}  {user.role} {ROLE_LABELS[user.role]}{state}")
            if not users:
                print("no console users; add one with: courier-aid console user add ...")
    finally:
        engine.dispose()
    return 0


def cmd_console(settings: Settings, _args: argparse.Namespace) -> int:
    """Serve the console alone until Ctrl-C or SIGTERM."""
    from console.app import serve_console  # starlette and uvicorn only for this command

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_console(settings))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `console` (and `console user add|list`) to the `courier-aid` command."""
    console = sub.add_parser("console", help="the web console for the union office")
    console.set_defaults(func=cmd_console)
    parts = console.add_subparsers(dest="console_part")
    user = parts.add_parser("user", help="console accounts").add_subparsers(
        dest="console_user", required=True
    )
    add = user.add_parser("add", help="create a console account (the password is asked twice)")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=CONSOLE_ROLES)
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from one line of standard input (for scripts)",
    )
    add.set_defaults(func=cmd_user_add)
    user.add_parser("list", help="list console accounts").set_defaults(func=cmd_user_list)
