"""Events, YAML import, subscriptions and the reconcile step, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, inspect, select, update

from common.clock import FixedClock
from reminders.deliveries import open_broadcast
from reminders.events import (
    EventChanges,
    EventDraft,
    EventError,
    cancel_event,
    create_event,
    edit_event,
    list_events,
    upcoming_events,
)
from reminders.importer import import_drafts, parse_yaml
from reminders.reconcile import reconcile
from reminders.subscriptions import (
    active_tags,
    available_tags,
    subscribe,
    unsubscribe,
    unsubscribe_all,
)
from storage.db import UnitOfWork
from storage.event_models import Delivery, Event, EventReminder, Subscription
from storage.migrate import downgrade, upgrade
from storage.repositories import Users

TZ = ZoneInfo("Asia/Shanghai")
# PostgreSQL runs with the integration tests (`make test`); `make test-unit` needs only SQLite.
DATABASES = pytest.mark.parametrize(
    "engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)], indirect=True
)
H = dt.timedelta(hours=1)


@pytest.fixture
def uow(engine: Engine) -> UnitOfWork:
    upgrade(engine)
    return UnitOfWork(engine)


def draft(clock: FixedClock, **changes: object) -> EventDraft:
    values: dict[str, object] = {
        "title": "劳动法律讲座",
        "start_at": clock.now() + 48 * H,
        "tags": ("法律讲座",),
        "place": "市总工会",
    }
    values.update(changes)
    return EventDraft(**values)  # type: ignore[arg-type]


def add(uow: UnitOfWork, clock: FixedClock, **changes: object) -> int:
    with uow() as session:
        event = create_event(
            session, draft(clock, **changes), now=clock.now(), default_offsets=(1440, 60),
            source="cli",
        )  # fmt: skip
        return event.id


@DATABASES
def test_create_validates(uow: UnitOfWork, clock: FixedClock) -> None:
    event_id = add(uow, clock, title="  劳动法律讲座 ", offsets=None)
    with uow() as session:
        event = session.get(Event, event_id)
        assert event is not None
        assert (event.title, event.remind_offsets, event.revision) == (
            "劳动法律讲座",
            [1440, 60],
            1,
        )
    cases: list[tuple[dict[str, Any], str]] = [
        ({"start_at": clock.now() - H}, "已经过去"),
        ({"end_at": clock.now() + H}, "结束时间"),
        ({"tags": ()}, "至少要有一个标签"),
        ({"tags": ("a:b",)}, "冒号"),
        ({"title": " "}, "不能为空"),
        ({"title": "讲" * 121}, "太长"),
    ]
    for bad, message in cases:
        with pytest.raises(EventError, match=message), uow() as session:
            create_event(session, draft(clock, **bad), now=clock.now(), default_offsets=(60,),
                         source="cli")  # fmt: skip


@DATABASES
def test_moving_bumps_the_revision_other_edits_do_not(uow: UnitOfWork, clock: FixedClock) -> None:
    event_id = add(uow, clock)
    with uow() as session:
        result = edit_event(session, event_id, EventChanges(title="新标题"), now=clock.now())
        assert result.changed == ("title",) and not result.moved
        assert result.event.revision == 1
        moved = edit_event(
            session, event_id, EventChanges(start_at=clock.now() + 72 * H), now=clock.now()
        )
        assert moved.moved and moved.event.revision == 2
        same = edit_event(session, event_id, EventChanges(place="市总工会"), now=clock.now())
        assert same.changed == () and same.event.revision == 2
        with pytest.raises(EventError, match="已经过去"):
            edit_event(session, event_id, EventChanges(start_at=clock.now() - H), now=clock.now())
        cancelled = cancel_event(session, event_id, now=clock.now())
        assert cancelled.status == "cancelled" and cancelled.revision == 3
        with pytest.raises(EventError, match="已经取消"):
            cancel_event(session, event_id, now=clock.now())
        with pytest.raises(EventError, match="没有编号"):
            edit_event(session, 999, EventChanges(title="x"), now=clock.now())


@DATABASES
def test_lists(uow: UnitOfWork, clock: FixedClock) -> None:
    later = add(uow, clock, start_at=clock.now() + 72 * H)
    sooner = add(uow, clock, start_at=clock.now() + 2 * H)
    gone = add(uow, clock)
    with uow() as session:
        cancel_event(session, gone, now=clock.now())
    with uow() as session:
        assert [e.id for e in upcoming_events(session, now=clock.now())] == [sooner, later]
        assert [e.id for e in list_events(session, now=clock.now())] == [sooner, later]
        assert len(list_events(session, now=clock.now(), include_cancelled=True)) == 3


YAML = """
events:
  - key: talk-1
    title: 快递员劳动法律讲座
    start: "2026-12-05 14:00"
    end: "2026-12-05 16:00"
    place: 市总工会
    tags: [法律讲座, 工会活动]
    remind: 24h,1h
  - title: 健康体检
    start: "2026-12-10 09:00"
    tags: 健康体检
"""


@DATABASES
def test_yaml_import_is_all_or_nothing_and_idempotent(uow: UnitOfWork, clock: FixedClock) -> None:
    drafts = parse_yaml(YAML, TZ)
    assert drafts[0].start_at == dt.datetime(2026, 12, 5, 6, 0, tzinfo=dt.UTC)
    assert drafts[1].key is not None and drafts[1].key.startswith("yaml:")
    with uow() as session:
        first = import_drafts(session, drafts, now=clock.now(), default_offsets=(60,))
    assert len(first.added) == 2
    with uow() as session:
        again = import_drafts(session, parse_yaml(YAML, TZ), now=clock.now(), default_offsets=(60,))
    assert again.added == [] and len(again.unchanged) == 2
    moved = YAML.replace('"2026-12-05 14:00"', '"2026-12-05 15:00"')
    with uow() as session:
        third = import_drafts(
            session, parse_yaml(moved, TZ), now=clock.now(), default_offsets=(60,)
        )
        assert third.updated == first.added[:1]
        assert session.get(Event, first.added[0]).revision == 2  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("events: []", "没有活动"),
        ("events:\n  - title: x\n    start: 2026-12-05 14:00\n", "缺少 tags"),
        ('events:\n  - {title: x, start: "tomorrow", tags: a}\n', "时间格式"),
        ('events:\n  - {title: x, start: "2026-12-05 14:00", tags: a, colour: red}\n', "colour"),
        ('events:\n  - {title: x, start: "2026-12-05 14:00", tags: a, remind: 5x}\n', "5x"),
        ("events: [", "YAML"),
    ],
)
def test_yaml_errors_name_the_item(text: str, message: str) -> None:
    with pytest.raises(EventError, match=message):
        parse_yaml(text, TZ)


@DATABASES
def test_a_bad_item_imports_nothing(uow: UnitOfWork, clock: FixedClock) -> None:
    past = YAML + '  - {title: 旧的, start: "2020-01-01 09:00", tags: a}\n'
    with pytest.raises(EventError, match="第 3 个活动"), uow() as session:
        import_drafts(session, parse_yaml(past, TZ), now=clock.now(), default_offsets=(60,))
    with uow() as session:
        assert session.scalars(select(Event)).all() == []


@DATABASES
def test_subscriptions_keep_consent_times(uow: UnitOfWork, clock: FixedClock) -> None:
    with uow() as session:
        user = Users(session).get_or_create("telegram", "7", clock.now())
        assert subscribe(session, user.id, "法律讲座", clock.now())
        assert not subscribe(session, user.id, "法律讲座", clock.now())
        assert subscribe(session, user.id, "工会活动", clock.now())
        assert active_tags(session, user.id) == {"法律讲座", "工会活动"}
        clock.advance(hours=1)
        assert unsubscribe(session, user.id, "法律讲座", clock.now())
        assert not unsubscribe(session, user.id, "法律讲座", clock.now())
        clock.advance(hours=1)
        assert subscribe(session, user.id, "法律讲座", clock.now())
        row = session.scalars(select(Subscription).where(Subscription.tag == "法律讲座")).one()
        assert row.subscribed_at == clock.now() and row.revoked_at is None
        stopped = unsubscribe_all(session, user.id, clock.now())
        assert stopped.tags == 2 and active_tags(session, user.id) == set()


@DATABASES
def test_available_tags_add_those_of_upcoming_events(uow: UnitOfWork, clock: FixedClock) -> None:
    add(uow, clock, tags=("法律讲座", "夜校"))
    with uow() as session:
        assert available_tags(session, clock.now(), ("青年服务月", "法律讲座")) == (
            "青年服务月",
            "法律讲座",
            "夜校",
        )


def _reminders(uow: UnitOfWork, event_id: int) -> dict[str, str]:
    with uow() as session:
        rows = session.scalars(select(EventReminder).where(EventReminder.event_id == event_id))
        return {row.key: row.state for row in rows}


@DATABASES
def test_reconcile_adds_withdraws_and_is_idempotent(uow: UnitOfWork, clock: FixedClock) -> None:
    event_id = add(uow, clock)
    with uow() as session:
        result = reconcile(session, clock.now(), tz=TZ, campaign=None)
    assert result.created == 2
    assert _reminders(uow, event_id) == {"r1:1440m": "scheduled", "r1:60m": "scheduled"}
    with uow() as session:
        assert reconcile(session, clock.now(), tz=TZ, campaign=None).created == 0
        edit_event(session, event_id, EventChanges(offsets=(60, 10)), now=clock.now())
    with uow() as session:
        reconcile(session, clock.now(), tz=TZ, campaign=None)
    assert _reminders(uow, event_id) == {
        "r1:1440m": "withdrawn",
        "r1:60m": "scheduled",
        "r1:10m": "scheduled",
    }
    with uow() as session:  # moved before anyone was reminded: no notice, new times
        edit_event(session, event_id, EventChanges(start_at=clock.now() + 5 * H), now=clock.now())
    with uow() as session:
        result = reconcile(session, clock.now(), tz=TZ, campaign=None)
    assert result.notices == 0
    states = _reminders(uow, event_id)
    assert states["r2:60m"] == "scheduled" and states["r1:60m"] == "withdrawn"


@DATABASES
def test_moving_after_a_reminder_went_out_adds_one_notice(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    event_id = add(uow, clock)
    with uow() as session:
        user = Users(session).get_or_create("telegram", "1", clock.now())
        subscribe(session, user.id, "法律讲座", clock.now())
        reconcile(session, clock.now(), tz=TZ, campaign=None)
        first = session.scalars(select(EventReminder).where(EventReminder.key == "r1:1440m")).one()
        assert open_broadcast(session, first.id, text="x", now=clock.now(),
                              channels=("telegram",)) == 1  # fmt: skip
        assert open_broadcast(session, first.id, text="x", now=clock.now(),
                              channels=("telegram",)) is None  # fmt: skip
    with uow() as session:  # nobody reminded yet: cancelling sends no notice
        cancel_event(session, add(uow, clock), now=clock.now())
        assert reconcile(session, clock.now(), tz=TZ, campaign=None).notices == 0
        session.execute(update(Delivery).values(state="sent"))
    with uow() as session:
        cancel_event(session, event_id, now=clock.now())
    with uow() as session:
        assert reconcile(session, clock.now(), tz=TZ, campaign=None).notices == 1
        assert reconcile(session, clock.now(), tz=TZ, campaign=None).notices == 0
    states = _reminders(uow, event_id)
    assert states["notice:r2"] == "scheduled"
    assert states["r1:1440m"] == "withdrawn" and states["r1:60m"] == "withdrawn"


@DATABASES
def test_migration_0006_goes_down_and_up(engine: Engine) -> None:
    tables = {"events", "subscriptions", "inactive_users", "event_reminders", "deliveries",
              "personal_reminders", "apscheduler_jobs"}  # fmt: skip
    upgrade(engine)
    assert tables <= set(inspect(engine).get_table_names())
    downgrade(engine, "0005")
    assert not tables & set(inspect(engine).get_table_names())
    assert "users" in inspect(engine).get_table_names()
    upgrade(engine)
    assert tables <= set(inspect(engine).get_table_names())
