"""Storage on both databases: migrations, idempotent recording, forgetting, knowledge loading."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import Engine, inspect, select

from common.clock import FixedClock
from handoff.cases import open_case
from knowledge.loader import load_entries
from knowledge.store import load_into_db, read_from_db
from storage.db import UnitOfWork
from storage.migrate import downgrade, upgrade
from storage.models import HandoffCase, Message
from storage.repositories import Messages, Users

pytestmark = pytest.mark.integration


def test_migrations_go_up_and_down(engine: Engine) -> None:
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"users", "messages", "knowledge_entries", "handoff_cases", "dialogue_states"} <= tables
    upgrade(engine)  # idempotent
    downgrade(engine, "base")
    assert "users" not in set(inspect(engine).get_table_names())


def test_timestamps_come_back_in_utc(engine: Engine, clock: FixedClock) -> None:
    upgrade(engine)
    uow = UnitOfWork(engine)
    shanghai = clock.now().astimezone(dt.timezone(dt.timedelta(hours=8)))
    with uow() as session:
        Users(session).get_or_create("terminal", "u1", shanghai)
    with uow() as session:
        user = Users(session).get("terminal", "u1")
        assert user is not None
        assert user.created_at == clock.now()
        assert user.created_at.utcoffset() == dt.timedelta(0)


def test_recording_is_idempotent(engine: Engine, clock: FixedClock) -> None:
    upgrade(engine)
    uow = UnitOfWork(engine)
    with uow() as session:
        user = Users(session).get_or_create("telegram", "42", clock.now())
        assert Messages(session).record(user, "in", "工资", clock.now(), dedupe_key="tg:1")
        assert Messages(session).record(user, "in", "工资", clock.now(), dedupe_key="tg:1") is None
        # Without a key nothing is deduplicated; the row goes with the unit of work.
        assert Messages(session).record(user, "out", "答", clock.now()) is not None
        assert Messages(session).record(user, "out", "答", clock.now()) is not None
    with uow() as session:
        assert len(session.scalars(select(Message)).all()) == 3
    with uow() as session:  # a key recorded in an earlier transaction
        user = Users(session).get_or_create("telegram", "42", clock.now())
        assert Messages(session).record(user, "in", "工资", clock.now(), dedupe_key="tg:1") is None
        assert Messages(session).record(user, "in", "又问", clock.now(), dedupe_key="tg:2")
    with uow() as session:
        assert len(session.scalars(select(Message)).all()) == 4


def test_concurrent_get_or_create_makes_one_user(engine: Engine, clock: FixedClock) -> None:
    upgrade(engine)
    uow = UnitOfWork(engine)
    ids: list[int] = []
    errors: list[BaseException] = []

    def create() -> None:
        try:
            with uow() as session:
                ids.append(Users(session).get_or_create("telegram", "7", clock.now()).id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(ids)) == 1


def test_forget_deletes_the_user_messages_and_cases(engine: Engine, clock: FixedClock) -> None:
    upgrade(engine)
    uow = UnitOfWork(engine)
    with uow() as session:
        user = Users(session).get_or_create("telegram", "9", clock.now())
        Messages(session).record(user, "in", "我的手机号13812345678", clock.now())
        Messages(session).record(user, "out", "好的", clock.now())
        open_case(session, user, reason="button", role="legal", now=clock.now())
    with uow() as session:
        user = Users(session).get("telegram", "9")
        assert user is not None
        assert Users(session).forget(user) == 2
    with uow() as session:
        assert Users(session).get("telegram", "9") is None
        assert session.scalars(select(Message)).all() == []
        assert session.scalars(select(HandoffCase)).all() == []


def test_an_open_case_is_reused_and_made_urgent(engine: Engine, clock: FixedClock) -> None:
    upgrade(engine)
    uow = UnitOfWork(engine)
    with uow() as session:
        user = Users(session).get_or_create("telegram", "5", clock.now())
        first = open_case(session, user, reason="asked", now=clock.now())
        second = open_case(
            session,
            user,
            reason="crisis:self_harm",
            urgent=True,
            role="counselling",
            now=clock.now(),
        )
        assert first.id == second.id and second.urgent and second.role == "counselling"
    with pytest.raises(ValueError), uow() as session:
        open_case(
            session,
            Users(session).get_or_create("t", "6", clock.now()),
            reason="x",
            role="boss",
            now=clock.now(),
        )


def test_knowledge_load_is_idempotent(engine: Engine, clock: FixedClock) -> None:
    upgrade(engine)
    uow = UnitOfWork(engine)
    entries = list(load_entries().values())
    first = load_into_db(entries, uow, clock.now())
    assert first.changed == len(entries) and first.unchanged == 0
    again = load_into_db(entries, uow, clock.now())
    assert again.changed == 0 and again.unchanged == len(entries)
    fewer = load_into_db(entries[1:], uow, clock.now())
    assert fewer.removed == 1
    assert {e.topic for e in read_from_db(uow)} == {e.topic for e in entries[1:]}
    assert read_from_db(uow)[0] in entries
