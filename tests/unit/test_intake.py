"""How messages come into the core for every channel: each key once, floods slowed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.core.intake import FloodGuard, HeldQuestions, InboundLog
from storage.db import UnitOfWork, make_engine
from storage.migrate import upgrade


class _Ticker:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_each_key_is_claimed_once_per_channel(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'u.db'}")
    upgrade(engine)
    log = InboundLog(UnitOfWork(engine), lambda: dt.datetime(2026, 11, 29, tzinfo=dt.UTC))
    assert log.claim("telegram", "41") is True
    assert log.claim("telegram", "42") is True
    assert log.claim("telegram", "41") is False
    # A second process on the same database (a restart) sees the same record.
    again = InboundLog(UnitOfWork(engine), lambda: dt.datetime(2026, 11, 30, tzinfo=dt.UTC))
    assert again.claim("telegram", "42") is False
    assert again.claim("wecom", "42") is True  # keys are per channel
    engine.dispose()


def test_flood_guard_slows_then_drops_and_notifies_once_per_burst() -> None:
    ticker = _Ticker()
    guard = FloodGuard(soft=3, hard=5, window=10.0, delay=1.0, now=ticker)
    verdicts = [guard.check(1) for _ in range(7)]
    assert [v.delay for v in verdicts[:3]] == [0.0, 0.0, 0.0]
    assert verdicts[3].delay == 1.0 and verdicts[3].notify and not verdicts[3].drop
    assert not verdicts[4].notify
    assert verdicts[5].drop and verdicts[6].drop
    assert guard.check(2).delay == 0.0  # another courier is not affected
    ticker.now += 11
    assert guard.check(1) == guard.check(2).__class__(delay=0.0, notify=False, drop=False)


def test_one_held_question_per_courier_the_oldest_dropped_past_the_limit() -> None:
    held = HeldQuestions(limit=2)
    held.hold("a", "first")
    held.hold("a", "second")  # a courier's newest question replaces the older one
    held.hold("b", "b's")
    held.hold("c", "c's")  # past the limit: the courier seen longest ago is dropped
    assert "a" not in held and held.take("b") == "b's" and held.take("c") == "c's"
    assert held.take("b") is None
