"""The callables APScheduler stores: module-level, with simple arguments, as a persistent job
store requires. They find the running service through `install` (the service itself holds an
engine, a sender and tasks, none of which can be pickled into the job store)."""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger(__name__)


class JobTarget(Protocol):
    async def sync(self) -> None: ...

    async def fire(self) -> None: ...


_target: JobTarget | None = None


def install(target: JobTarget) -> None:
    global _target
    _target = target


def uninstall(target: JobTarget) -> None:
    global _target
    if _target is target:
        _target = None


def _current() -> JobTarget | None:
    if _target is None:
        log.warning("a reminder job ran while no reminder service is installed; skipped")
    return _target


async def sync() -> None:
    """Every `sync_seconds`: pick up changed events, update the job store, send what is due."""
    target = _current()
    if target is not None:
        await target.sync()


async def fire_event_reminder(reminder_id: int) -> None:
    """At a reminder's time. What exactly is due is decided from the database, not from here."""
    target = _current()
    if target is not None:
        log.debug("job for event reminder %s", reminder_id)
        await target.fire()


async def fire_personal_reminder(reminder_id: int) -> None:
    target = _current()
    if target is not None:
        log.debug("job for personal reminder %s", reminder_id)
        await target.fire()
