"""One person on two WeChat channels (same unionid): consent given once counts on both, a
reminder goes once (on the service account, which can reach them any time), deleting their
data deletes both; without a unionid the two stay two."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select, update

from bot.core.accounts import Accounts
from bot.core.dialogue import UserRef
from bot.core.identity import Identities
from common.clock import FixedClock
from reminders.deliveries import open_broadcast
from reminders.events import EventDraft, create_event
from storage.db import UnitOfWork
from storage.event_models import Delivery, EventReminder
from storage.migrate import upgrade
from storage.models import User
from tests.helpers.reminder_fakes import add_couriers

pytestmark = pytest.mark.parametrize(
    "engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)], indirect=True
)
MP, WECOM = UserRef("wechat_mp", "o-mp-1"), UserRef("wecom", "wm-kf-1")


def setup(engine: Engine, clock: FixedClock) -> tuple[UnitOfWork, Accounts]:
    upgrade(engine)
    uow = UnitOfWork(engine)
    return uow, Accounts(uow, clock)


async def test_consent_and_deletion_are_the_persons(engine: Engine, clock: FixedClock) -> None:
    uow, accounts = setup(engine, clock)
    identities = Identities(accounts)

    async def same() -> str:
        return "union-1"

    await identities.ensure(MP, same)
    await identities.ensure(WECOM, same)
    assert not accounts.has_consented(WECOM)
    accounts.agree(MP)
    fresh = Accounts(uow, clock)  # a new process: nothing remembered in memory
    assert fresh.has_consented(WECOM)  # agreed once, as one person
    stranger = UserRef("wecom", "wm-other")
    fresh.agree(UserRef("wechat_mp", "o-other"))
    assert not fresh.has_consented(stranger)  # no unionid: two people
    assert fresh.forget(WECOM)
    with uow() as session:
        left = session.scalars(select(User.external_ref)).all()
    assert set(left) == {"o-other"}  # both rows of the person went, the other stays


async def test_a_failed_lookup_links_nothing(engine: Engine, clock: FixedClock) -> None:
    _uow, accounts = setup(engine, clock)

    async def refused() -> str:
        raise RuntimeError("48001 api unauthorized")

    await Identities(accounts).ensure(WECOM, refused)
    accounts.agree(MP)
    assert not accounts.has_consented(WECOM)


def test_a_reminder_reaches_a_person_once(engine: Engine, clock: FixedClock) -> None:
    uow, _accounts = setup(engine, clock)
    now = clock.now()
    mp = add_couriers(uow, 2, ["法律讲座"], now, channel="wechat_mp", start=1)
    kf = add_couriers(uow, 2, ["法律讲座"], now, channel="wecom", start=1)
    with uow() as session:  # courier 1 is one person on both; courier 2 two people
        session.execute(update(User).where(User.id.in_([mp[0], kf[0]])).values(unionid="u1"))
        event = create_event(
            session,
            EventDraft(title="讲座", start_at=now + dt.timedelta(hours=2), tags=("法律讲座",)),
            now=now, default_offsets=(60,), source="cli",
        )  # fmt: skip
        session.flush()
        reminder = EventReminder(
            event_id=event.id, key="r1:60m", kind="offset", revision=1, fire_at=now,
            expires_at=event.start_at, state="scheduled", created_at=now,
        )  # fmt: skip
        session.add(reminder)
        session.flush()
        count = open_broadcast(
            session, reminder.id, text="x", now=now, channels=("wechat_mp", "wecom")
        )
        users = set(session.scalars(select(Delivery.user_id)))
    assert count == 3 and users == {mp[0], mp[1], kf[1]}  # not kf[0]: the same person
