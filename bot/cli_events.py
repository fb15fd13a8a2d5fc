"""`courier-aid event add|edit|cancel|list|import|report`: events for couriers (issue 6).

Registered by `bot.cli.build_parser`. The commands only change the events table; a running bot
picks the change up at its next sync (within `REMINDER_SYNC_SECONDS`, 30 s by default).
"""

from __future__ import annotations

import argparse
import sys

from bot.settings import Settings
from common.clock import SystemClock
from reminders.commands import CommandError, Context, add_subcommands, dump, run
from reminders.config import ReminderConfig
from reminders.events import EventError
from storage.db import UnitOfWork, make_engine
from storage.migrate import upgrade


def cmd_event(settings: Settings, args: argparse.Namespace) -> int:
    try:
        config = ReminderConfig.from_settings(settings)
    except ValueError as exc:
        print(f"configuration: {exc}", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        context = Context(UnitOfWork(engine), SystemClock(), config, source="cli")
        try:
            out = run(args, context)
        except (CommandError, EventError) as exc:
            print(f"courier-aid event {args.event_action}: {exc}", file=sys.stderr)
            return 2
        print(dump(out, args.json))
        return 0
    finally:
        engine.dispose()


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `event` and its subcommands to `sub`."""
    event = sub.add_parser("event", help="events and reminders for couriers")
    actions = event.add_subparsers(dest="event_action", required=True)
    add_subcommands(actions)
    event.set_defaults(func=cmd_event)
