"""Known rows for the console's tests: couriers, questions, cases, staff and an event."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from storage.event_models import Delivery, Event, EventReminder
from storage.handoff_models import Staff
from storage.models import HandoffCase, Message, User

COURIER_PHONE = "13812345678"
COURIER_REF = "987654321"  # a courier's Telegram chat id: must never appear in the console


def seed(session: Session, now: dt.datetime, *, days: int = 30) -> dict[str, int]:
    """`days` days of conversations before `now`; returns ids the tests look for."""
    staff = [
        Staff(channel="telegram", external_ref="5001", role="legal", alias="小李", added_at=now),
        Staff(
            channel="telegram", external_ref="5002", role="counselling", alias="小周", added_at=now
        ),
        Staff(
            channel="telegram", external_ref="5003", role="coordinator", alias="老张", added_at=now
        ),
    ]
    session.add_all(staff)
    session.flush()
    topics = (
        "wages.arrears",
        "contract.written",
        "injury.application",
        "insurance.social",
        "psych.stress",
        None,
    )
    users: list[User] = []
    for n in range(12):
        channel = "telegram" if n % 3 else "wecom"
        ref = COURIER_REF if n == 0 else str(900000 + n)
        users.append(
            User(channel=channel, external_ref=ref, created_at=now - dt.timedelta(days=40))
        )
    session.add_all(users)
    session.flush()
    for day in range(days):
        at = now - dt.timedelta(days=day, hours=1)
        for n, user in enumerate(users):
            if (day + n) % 4:
                continue
            topic = topics[(day // 3 + n) % len(topics)]
            action = "answer" if topic else "fallback"
            session.add(
                Message(
                    user_id=user.id,
                    direction="in",
                    text=f"问题 {COURIER_PHONE}",
                    topic=topic,
                    action=action,
                    confidence=0.8,
                    created_at=at,
                )
            )
            session.add(
                Message(
                    user_id=user.id,
                    direction="out",
                    text="回答",
                    topic=topic,
                    action=action,
                    created_at=at + dt.timedelta(seconds=1),
                )
            )
            if day % 5 == 0 and topic:
                session.add(
                    Message(
                        user_id=user.id,
                        direction="in",
                        text="[没帮助]",
                        topic=topic,
                        action="unhelpful",
                        created_at=at + dt.timedelta(seconds=30),
                    )
                )
    cases = []
    specs = [  # user, role, reason, urgent, days ago, minutes to first reply, status, rating
        (0, "legal", "asked", False, 2, 4.0, "closed", 5),
        (1, "legal", "button", False, 5, 12.0, "closed", 4),
        (2, "counselling", "crisis:self_harm", True, 3, 1.0, "closed", 5),
        (3, "union", "offer", False, 8, 30.0, "closed", 3),
        (4, None, "asked", False, 1, None, "waiting", None),
        (5, "counselling", "crisis:violence", True, 0, None, "waiting", None),
        (6, "legal", "asked", False, 0, 2.0, "claimed", None),
    ]
    for user_n, role, reason, urgent, ago, reply, status, rating in specs:
        created = now - dt.timedelta(days=ago, hours=2)
        holder = staff[1] if role == "counselling" else staff[0]
        claimed = status != "waiting"
        case = HandoffCase(
            user_id=users[user_n].id,
            role=role,
            reason=reason,
            urgent=urgent,
            status=status,
            topic="wages.arrears",
            created_at=created,
            waiting_since=created,
            pseudonym=f"海豚{100 + user_n}",
            share_identity=False,
            claimed_by=holder.id if claimed else None,
            claimed_at=created + dt.timedelta(minutes=(reply or 1) / 2) if claimed else None,
            first_staff_reply_at=created + dt.timedelta(minutes=reply) if reply else None,
            closed_at=created + dt.timedelta(hours=1) if status == "closed" else None,
            close_note="已解决" if status == "closed" else None,
            satisfaction=rating,
            summary={"messages": []},
        )
        session.add(case)
        cases.append(case)
        session.add(
            Message(
                user_id=users[user_n].id,
                direction="in",
                text=f"我的电话是 {COURIER_PHONE}，老板不给工资",
                topic=None,
                action="relay",
                created_at=created + dt.timedelta(minutes=1),
            )
        )
    event = Event(
        title="劳动法小课堂",
        description="讲讲工资和合同",
        place="长治市总工会",
        tags=["法律讲座"],
        start_at=now + dt.timedelta(days=3),
        status="scheduled",
        remind_offsets=[1440, 60],
        revision=1,
        source="cli",
        created_at=now,
        updated_at=now,
        audience="",
    )
    session.add(event)
    session.flush()
    reminder = EventReminder(
        event_id=event.id,
        key="r1:1440m",
        kind="offset",
        revision=1,
        fire_at=now - dt.timedelta(hours=1),
        expires_at=now + dt.timedelta(days=3),
        state="done",
        text="提醒",
        created_at=now - dt.timedelta(days=1),
    )
    session.add(reminder)
    session.flush()
    for n, state in enumerate(("sent", "sent", "sent", "failed", "blocked")):
        session.add(Delivery(reminder_id=reminder.id, user_id=users[n].id, state=state, attempts=1))
    session.flush()
    return {
        "waiting_urgent": cases[5].id,
        "waiting": cases[4].id,
        "claimed": cases[6].id,
        "closed": cases[0].id,
        "event": event.id,
        "staff_legal": staff[0].id,
    }
