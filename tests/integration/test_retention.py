"""Retention on SQLite and PostgreSQL with a stepped clock: what is older than the period is
reduced, what is younger and every open case are untouched, the handoff report and the reminder
delivery counts are the same before and after, a second run finds nothing, a dry run changes
nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, select

from common.clock import FixedClock
from handoff.cases import open_case
from handoff.report import build_report
from reminders.deliveries import progress
from storage.db import UnitOfWork
from storage.event_models import Delivery, Event, EventReminder, PersonalReminder, Subscription
from storage.handoff_models import CaseCard, RelayLink, Staff, StaffFocus
from storage.migrate import upgrade
from storage.models import Base, DialogueState, HandoffCase, Message, ProcessedUpdate, User
from storage.repositories import Messages, Users
from storage.retention import ANONYMOUS_PREFIX, PURGED_TEXT, PurgeCounts, purge, run_purge

pytestmark = pytest.mark.integration

T0 = dt.datetime(2026, 1, 10, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
DAY0 = dt.date(2026, 1, 10)
PERIOD = dt.timedelta(days=180)
T1 = T0 + dt.timedelta(days=100)
DAY1 = dt.date(2026, 4, 20)
WORDS = "我在长治路口摔伤了腿，电话13912345678"  # what must not outlive the period
ANSWER = "工伤认定这样办……"
NOTE = "腿伤已就医，建议申请工伤认定"


def _write(session: Any, ref: str, at: dt.datetime, *actions: str, consent: bool = True) -> User:
    user = Users(session).get_or_create("telegram", ref, at)
    if consent and user.consented_at is None:
        user.consented_at = at
    for action in actions:
        Messages(session).record(user, "in", WORDS, at, topic="injury.work", action=action)
        if action == "answer":
            Messages(session).record(user, "out", ANSWER, at, topic="injury.work", action="answer")
    return user


def _summary(at: dt.datetime) -> dict[str, Any]:
    return {
        "topic": "injury.work",
        "messages": [{"from": "courier", "text": WORDS, "at": at.isoformat()}],
        "opened_at": at.isoformat(),
    }


def _case(
    session: Any,
    user: User,
    at: dt.datetime,
    *,
    status: str,
    closed: dt.datetime | None,
    staff: Staff,
    reason: str = "asked:injury.work",
    rating: int | None = None,
) -> HandoffCase:
    case = open_case(
        session, user, reason=reason, role="legal", now=at, urgent=reason.startswith("crisis")
    )
    case.summary = _summary(at - dt.timedelta(minutes=5))
    case.status, case.closed_at = status, closed
    if status != "waiting":
        case.claimed_by, case.claimed_at = staff.id, at + dt.timedelta(minutes=1)
        case.first_staff_reply_at = at + dt.timedelta(minutes=3)
    case.close_note = NOTE if status == "closed" else None
    case.satisfaction = rating
    session.add_all(
        [
            RelayLink(
                case_id=case.id,
                direction="to_staff",
                source_channel="telegram",
                source_chat=user.external_ref,
                source_message="7",
                target_channel="telegram",
                target_chat=staff.external_ref,
                target_message=f"m{case.id}",
                created_at=at,
            ),
            CaseCard(
                case_id=case.id,
                channel="telegram",
                chat_ref="-1001",
                message_ref=f"c{case.id}",
                posted_at=at,
            ),
        ]
    )
    return case


def _old_data(uow: UnitOfWork, now: dt.datetime) -> dict[str, int]:
    """Everything written `now` (T0, a day in January); returns ids the test looks at again."""
    ids: dict[str, int] = {}
    with uow() as session:
        staff = Staff(
            channel="telegram",
            external_ref="900",
            role="legal",
            alias="小王",
            active=True,
            added_at=now,
        )
        session.add(staff)
        session.flush()
        for n in range(3):
            _write(session, f"a{n}", now, "answer")
        _write(session, "f", now, "fallback")
        c1 = _write(session, "c1", now - dt.timedelta(minutes=5), "answer", "handoff")
        ids["closed"] = _case(
            session,
            c1,
            now,
            status="closed",
            staff=staff,
            rating=5,
            closed=now + dt.timedelta(hours=1),
        ).id
        Messages(session).record(c1, "in", WORDS, now + dt.timedelta(minutes=2), action="relay")
        Messages(session).record(
            c1, "out", "您好，我是小王", now + dt.timedelta(minutes=3), action="staff"
        )
        session.add(StaffFocus(staff_id=staff.id, case_id=ids["closed"], updated_at=now))
        c2 = _write(session, "c2", now, "handoff")
        ids["cancelled"] = _case(
            session, c2, now, status="cancelled", staff=staff, closed=now + dt.timedelta(minutes=5)
        ).id
        waiting = _write(session, "w", now, "crisis")
        ids["waiting"] = _case(
            session,
            waiting,
            now,
            status="waiting",
            staff=staff,
            closed=None,
            reason="crisis:suicide",
        ).id
        long = _write(session, "long", now, "handoff")
        ids["long"] = _case(
            session, long, now, status="closed", staff=staff, rating=3, closed=T1
        ).id  # open for 100 days
        subscriber = _write(session, "s", now, "answer")
        session.add(Subscription(user_id=subscriber.id, tag="法律讲座", subscribed_at=now))
        revoked = _write(session, "r", now, "answer")
        session.add(
            Subscription(
                user_id=revoked.id,
                tag="法律讲座",
                subscribed_at=now,
                revoked_at=now + dt.timedelta(hours=1),
            )
        )
        reminded = _write(session, "p", now, "answer")
        session.add(
            PersonalReminder(
                user_id=reminded.id,
                kind="work_injury",
                basis_date=DAY0 - dt.timedelta(days=300),
                deadline=DAY0 + dt.timedelta(days=65),
                remind_at=now,
                state="sent",
                created_at=now,
                sent_at=now,
            )
        )
        ids["nobody"] = Users(session).get_or_create("telegram", "n", now).id  # no consent, no rows
        event = Event(
            title="法律讲座",
            start_at=now + dt.timedelta(days=2),
            tags=["法律讲座"],
            remind_offsets=[60],
            source="cli",
            created_at=now,
            updated_at=now,
        )
        session.add(event)
        session.flush()
        reminder = EventReminder(
            event_id=event.id,
            key="r1:60m",
            kind="offset",
            revision=1,
            fire_at=now,
            expires_at=now + dt.timedelta(days=2),
            state="done",
            text="讲座提醒",
            created_at=now,
        )
        session.add(reminder)
        session.flush()
        ids["reminder"] = reminder.id
        for ref, state in [("a0", "sent"), ("a1", "failed"), ("s", "sent"), ("r", "blocked")]:
            user = Users(session).get("telegram", ref)
            assert user is not None
            session.add(
                Delivery(
                    reminder_id=reminder.id,
                    user_id=user.id,
                    state=state,
                    attempts=1,
                    finished_at=now,
                )
            )
        a0 = Users(session).get("telegram", "a0")
        assert a0 is not None
        session.add(DialogueState(user_id=a0.id, data={"flow": "comp"}, updated_at=now))
        session.add(ProcessedUpdate(channel="telegram", update_id=1, received_at=now))
    return ids


def _young_data(uow: UnitOfWork, now: dt.datetime) -> int:
    """At now, 100 days later: a courier who writes and a case closed with a note."""
    with uow() as session:
        staff = session.scalars(select(Staff)).one()
        young = _write(session, "y", now, "answer", "handoff")
        case = _case(
            session,
            young,
            now,
            status="closed",
            staff=staff,
            rating=4,
            closed=now + dt.timedelta(hours=1),
        )
        session.add(ProcessedUpdate(channel="telegram", update_id=2, received_at=now))
        return case.id


def _figures(uow: UnitOfWork, day: dt.date, reminder: int) -> tuple[dict[str, Any], dict[str, int]]:
    with uow() as session:
        return build_report(session, day, day).figures(), progress(session, reminder).counts


def _snapshot(uow: UnitOfWork) -> dict[str, list[tuple[Any, ...]]]:
    with uow() as session:
        return {
            table.name: [
                tuple(row)
                for row in session.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def _user(uow: UnitOfWork, ref: str) -> User | None:
    with uow() as session:
        return Users(session).get("telegram", ref)


def _texts(uow: UnitOfWork, user_id: int) -> set[str]:
    with uow() as session:
        return set(session.scalars(select(Message.text).where(Message.user_id == user_id)))


def _case_row(uow: UnitOfWork, case_id: int) -> HandoffCase:
    with uow() as session:
        case = session.get(HandoffCase, case_id)
        assert case is not None
        return case


def _links(uow: UnitOfWork, case_id: int) -> tuple[int, int, int]:
    with uow() as session:
        return tuple(  # type: ignore[return-value]
            len(session.scalars(select(model).where(model.case_id == case_id)).all())
            for model in (RelayLink, CaseCard, StaffFocus)
        )


def test_purge_with_a_stepped_clock(engine: Engine) -> None:
    upgrade(engine)
    uow = UnitOfWork(engine)
    clock = FixedClock(T0)
    ids = _old_data(uow, clock.now())
    clock.advance(days=100)
    young_case = _young_data(uow, clock.now())
    refs = {ref: _user(uow, ref) for ref in ("a0", "c1", "w", "long", "s", "y")}
    before0 = _figures(uow, DAY0, ids["reminder"])
    before1 = _figures(uow, DAY1, ids["reminder"])
    assert before0[0]["cases"] == 4 and before0[0]["bot_alone"]["couriers"] == 11
    assert before0[1] == {"sent": 2, "failed": 1, "blocked": 1}

    clock.advance(days=81)  # T0 is now 181 days ago, T1 81 days
    snapshot = _snapshot(uow)
    dry = run_purge(uow, clock.now(), PERIOD, dry_run=True)
    assert _snapshot(uow) == snapshot  # a dry run changes nothing
    counts = run_purge(uow, clock.now(), PERIOD)
    assert counts == dry
    # figures survive
    assert _figures(uow, DAY0, ids["reminder"]) == before0
    assert _figures(uow, DAY1, ids["reminder"]) == before1
    assert counts.counts() == {
        # a0-a2, s, r, p: question and answer; f: 1; c1: 3 + relay + staff; c2: 1
        "messages": 6 * 2 + 1 + 5 + 1,
        "cases": 2,  # closed c1, cancelled c2 (not the waiting one, not `long`, closed at T1)
        "relay_links": 2,
        "case_cards": 2,
        "staff_focus": 1,
        "dialogue_states": 1,
        "processed_updates": 1,
        "personal_reminders": 0,  # its deadline (in March) is not a period past yet
        "users_anonymized": 8,  # a0-a2, f, c1, c2, r, p; not s (subscribed), w, long, y
        "users_deleted": 1,  # n: nothing referred to them
    }
    # older than the period: words gone, topic, action, direction and time kept
    a0, c1, w, long, s, y = (refs[r] for r in ("a0", "c1", "w", "long", "s", "y"))
    assert a0 is not None and c1 is not None and s is not None
    with uow() as session:
        rows = session.scalars(select(Message).where(Message.user_id == a0.id)).all()
    assert [(m.text, m.direction, m.topic, m.action, m.created_at) for m in rows] == [
        (PURGED_TEXT, "in", "injury.work", "answer", T0),
        (PURGED_TEXT, "out", "injury.work", "answer", T0),
    ]
    assert _texts(uow, c1.id) == _texts(uow, s.id) == {PURGED_TEXT}
    closed = _case_row(uow, ids["closed"])
    assert (closed.summary, closed.close_note) == (None, None)
    assert (closed.status, closed.reason, closed.satisfaction) == ("closed", "asked:injury.work", 5)
    assert _links(uow, ids["closed"]) == (0, 0, 0)
    assert _case_row(uow, ids["cancelled"]).summary is None
    # users: unlinked, kept while subscribed, deleted when nothing refers to them
    assert _user(uow, "a0") is None and _user(uow, "n") is None
    with uow() as session:
        unlinked = session.get(User, a0.id)
        assert unlinked is not None and unlinked.external_ref == f"{ANONYMOUS_PREFIX}{a0.id}"
        assert session.get(User, ids["nobody"]) is None
        assert len(session.scalars(select(PersonalReminder)).all()) == 1
        assert session.scalars(select(DialogueState)).all() == []
        assert session.scalars(select(ProcessedUpdate.update_id)).all() == [2]
        assert len(session.scalars(select(Delivery)).all()) == 4
    assert _user(uow, "s") is not None
    # open cases and younger rows untouched
    assert w is not None and long is not None and y is not None
    assert _texts(uow, w.id) == _texts(uow, long.id) == {WORDS}
    assert _texts(uow, y.id) == {WORDS, ANSWER}
    waiting = _case_row(uow, ids["waiting"])
    assert waiting.summary == _summary(T0 - dt.timedelta(minutes=5)) and waiting.status == "waiting"
    assert _links(uow, ids["waiting"]) == (1, 1, 0)
    assert _case_row(uow, ids["long"]).close_note == NOTE  # closed at T1: its period runs on
    assert _case_row(uow, young_case).close_note == NOTE

    # a second run finds nothing
    assert run_purge(uow, clock.now(), PERIOD).total == 0

    clock.advance(days=101)  # now T1 and the long case's close are past the period too
    counts = run_purge(uow, clock.now(), PERIOD)
    # long: its question; y: question, answer, asking for a person
    assert (counts.messages, counts.cases, counts.relay_links) == (1 + 3, 2, 2)
    assert (counts.users_anonymized, counts.users_deleted, counts.personal_reminders) == (2, 0, 1)
    assert _texts(uow, long.id) == _texts(uow, y.id) == {PURGED_TEXT}
    assert _texts(uow, w.id) == {WORDS}  # the waiting case is still open
    assert _case_row(uow, ids["waiting"]).summary is not None
    assert _user(uow, "w") is not None and _user(uow, "y") is None
    assert _figures(uow, DAY0, ids["reminder"]) == before0
    assert _figures(uow, DAY1, ids["reminder"]) == before1
    assert run_purge(uow, clock.now(), PERIOD).total == 0


def test_the_period_ends_at_the_cutoff_exactly(engine: Engine) -> None:
    upgrade(engine)
    uow = UnitOfWork(engine)
    clock = FixedClock(T0)
    with uow() as session:
        user = _write(session, "a", T0, "answer")
        Messages(session).record(user, "in", WORDS, T0 + dt.timedelta(seconds=1), action="answer")
    clock.advance(days=180)
    with uow() as session:
        assert purge(session, clock.now(), PERIOD) == PurgeCounts(cutoff=T0)
    clock.advance(seconds=1)
    with uow() as session:
        assert purge(session, clock.now(), PERIOD).messages == 2  # the question and its answer
    clock.advance(seconds=1)
    with uow() as session:
        counts = purge(session, clock.now(), PERIOD)
        assert (counts.messages, counts.users_anonymized) == (1, 1)
    with uow() as session, pytest.raises(ValueError):
        purge(session, clock.now(), dt.timedelta(0))


def test_a_waiting_case_keeps_its_lead_up_until_it_has_a_summary(engine: Engine) -> None:
    """Intake builds the summary from the courier's last messages, however old they are."""
    upgrade(engine)
    uow = UnitOfWork(engine)
    clock = FixedClock(T0)
    with uow() as session:
        user = _write(session, "w", T0, "answer")
    clock.advance(days=200)
    with uow() as session:
        Messages(session).record(user, "in", "我想找个人聊聊", clock.now(), action="handoff")
        case_id = open_case(session, user, reason="button", now=clock.now()).id
    assert run_purge(uow, clock.now(), PERIOD).messages == 0
    with uow() as session:
        case = session.get(HandoffCase, case_id)
        assert case is not None
        case.summary = _summary(clock.now() - dt.timedelta(minutes=1))  # intake took the last
    assert run_purge(uow, clock.now(), PERIOD).messages == 2  # the old question and answer
    assert _texts(uow, user.id) == {PURGED_TEXT, "我想找个人聊聊"}


def test_open_cases_are_those_of_handoff() -> None:
    """storage may not import handoff, so it names the open states itself."""
    from handoff.cases import OPEN_STATES
    from storage import retention

    assert retention.OPEN_STATES == OPEN_STATES
