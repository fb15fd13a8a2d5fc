"""After a crash, a channel whose platform drops a repeated idempotency key (WeChat's
client_msg_id, ten minutes) gets its records cut off while `sending` back as pending; others
become `unknown` as before. Also the count a daily quota starts from after a restart."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select, update

from common.clock import FixedClock
from reminders.config import ReminderConfig
from reminders.deliveries import REPEAT_WITHIN, open_broadcast, repeat_recent, sent_since
from reminders.events import EventDraft, create_event
from reminders.steps import Steps
from reminders.texts import Texts
from storage.db import UnitOfWork
from storage.event_models import Delivery, EventReminder
from storage.migrate import upgrade
from storage.models import User
from tests.helpers.reminder_fakes import add_couriers

pytestmark = pytest.mark.parametrize(
    "engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)], indirect=True
)
TZ = ZoneInfo("Asia/Shanghai")
CONFIG = ReminderConfig(timezone=TZ, default_offsets=(60,), tags=("法律讲座",))


def test_cut_off_sends_are_repeated_only_where_safe(engine: Engine, clock: FixedClock) -> None:
    upgrade(engine)
    uow = UnitOfWork(engine)
    now = clock.now()
    add_couriers(uow, 3, ["法律讲座"], now, channel="wechat_mp", start=1)
    add_couriers(uow, 3, ["法律讲座"], now, channel="telegram", start=9)
    with uow() as session:
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
        reminder_id = reminder.id
        assert open_broadcast(session, reminder_id, text="x", now=now,
                              channels=("wechat_mp", "telegram")) == 6  # fmt: skip
        rows = session.execute(
            select(Delivery.id, User.channel).join(User, User.id == Delivery.user_id)
            .order_by(Delivery.id)
        ).all()  # fmt: skip
        wx = [key for key, channel in rows if channel == "wechat_mp"]
        tg = [key for key, channel in rows if channel == "telegram"]
        old = now - REPEAT_WITHIN - dt.timedelta(seconds=1)
        claimed = {wx[0]: now, wx[1]: old, tg[0]: now, tg[1]: now}
        for key, at in claimed.items():
            session.execute(
                update(Delivery).where(Delivery.id == key).values(state="sending", claimed_at=at)
            )
        session.execute(update(Delivery).where(Delivery.id == wx[2]).values(
            state="sent", claimed_at=now))  # fmt: skip
    steps = Steps(uow, CONFIG, Texts(TZ), ("wechat_mp", "telegram"), repeat_safe=("wechat_mp",))
    lost = steps.prepare_resume(reminder_id, now)
    with uow() as session:
        state = dict(session.execute(select(Delivery.id, Delivery.state)).all())
        assert [state[key] for key in wx] == ["pending", "unknown", "sent"]
        assert [state[key] for key in tg] == ["unknown", "unknown", "pending"]
        assert lost == 3
        assert sent_since(session, "wechat_mp", now - dt.timedelta(minutes=1)) == 1
        assert repeat_recent(session, reminder_id, ("wechat_mp",), now) == 0
