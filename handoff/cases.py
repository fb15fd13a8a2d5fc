"""Cases: open (or join the one already open), summarise, claim atomically, queue, look up.

Functions take a session and never commit; the caller's unit of work owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from common.privacy import mask_personal_numbers
from storage.handoff_models import Staff
from storage.models import HandoffCase, Message, User

log = logging.getLogger(__name__)
OPEN_STATES = ("waiting", "claimed")
ROLES = ("legal", "counselling", "union")
SUMMARY_MESSAGES = 6
_ANIMALS = (
    "海豚",
    "松鼠",
    "蜂鸟",
    "白鹭",
    "小鹿",
    "熊猫",
    "海鸥",
    "刺猬",
    "企鹅",
    "狐狸",
    "喜鹊",
    "鲸鱼",
)


def open_case(
    session: Session,
    user: User,
    *,
    reason: str,
    now: dt.datetime,
    role: str | None = None,
    urgent: bool = False,
    topic: str | None = None,
) -> HandoffCase:
    """The user's open case (made urgent if this request is), or a new waiting one.

    A case that becomes urgent while waiting is announced again, marked urgent.
    """
    if role is not None and role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    case = open_case_of(session, user.id)
    if case is None:
        case = HandoffCase(
            user_id=user.id,
            role=role,
            reason=reason,
            urgent=urgent,
            status="waiting",
            topic=topic,
            created_at=now,
            waiting_since=now,
            pseudonym=_pseudonym_for(session, user.id),
            share_identity=False,
        )
        session.add(case)
        session.flush()
    else:
        if urgent and not case.urgent:
            case.urgent = True
            if reason.startswith("crisis:"):
                case.reason = reason
            if case.status == "waiting":
                case.last_announced_at = None  # a new card, marked urgent
        if case.status == "waiting":
            case.role = role or case.role
    if case.urgent:
        log.critical(
            "URGENT handoff case %s opened (%s); page the counsellor on duty", case.id, reason
        )
    else:
        log.info("handoff case %s waiting (%s, role %s)", case.id, reason, case.role)
    return case


def _pseudonym_for(session: Session, user_id: int) -> str:
    """The name staff see: the one this courier had before, or a new animal and number."""
    earlier = session.scalar(
        select(HandoffCase.pseudonym)
        .where(HandoffCase.user_id == user_id, HandoffCase.pseudonym.is_not(None))
        .order_by(HandoffCase.id.desc())
        .limit(1)
    )
    if earlier:
        return earlier
    return f"{secrets.choice(_ANIMALS)}{secrets.randbelow(900) + 100}"


def open_case_of(session: Session, user_id: int) -> HandoffCase | None:
    return session.scalars(
        select(HandoffCase)
        .where(HandoffCase.user_id == user_id, HandoffCase.status.in_(OPEN_STATES))
        .order_by(HandoffCase.id.desc())
    ).first()


def open_case_of_chat(session: Session, channel: str, external_ref: str) -> HandoffCase | None:
    """`open_case_of` for a courier named by their chat, in one query (asked on every message)."""
    return session.scalars(
        select(HandoffCase)
        .join(User, User.id == HandoffCase.user_id)
        .where(
            User.channel == channel,
            User.external_ref == external_ref,
            HandoffCase.status.in_(OPEN_STATES),
        )
        .order_by(HandoffCase.id.desc())
    ).first()


def build_summary(
    session: Session, case: HandoffCase, *, limit: int = SUMMARY_MESSAGES
) -> dict[str, Any]:
    """What staff read instead of asking again: topic, the bot's last answer, the last
    messages (phone and ID numbers masked), the risk flag and when the case opened."""
    rows = list(
        session.scalars(
            select(Message)
            .where(Message.user_id == case.user_id)
            .order_by(Message.created_at.desc(), Message.id.desc())
            .limit(limit * 3)
        )
    )
    rows.reverse()
    bot_answer = next(
        (m.text for m in reversed(rows) if m.direction == "out" and m.action != "staff"), None
    )
    return {
        "topic": case.topic,
        "reason": case.reason,
        "risk": case.reason.partition(":")[2] if case.reason.startswith("crisis:") else None,
        "urgent": case.urgent,
        "bot_answer": _clip(mask_personal_numbers(bot_answer), 600) if bot_answer else None,
        "messages": [
            {
                "from": "courier" if m.direction == "in" else "bot",
                "text": _clip(mask_personal_numbers(m.text), 300),
                "at": m.created_at.isoformat(),
            }
            for m in rows[-limit:]
        ],
        "opened_at": case.created_at.isoformat(),
    }


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class ClaimAttempt:
    won: bool
    case: HandoffCase | None  # None: no such case
    holder: Staff | None  # who has it (the claimer when won)


def claim(session: Session, case_id: int, staff: Staff, now: dt.datetime) -> ClaimAttempt:
    """Take a waiting case with one conditional UPDATE: of two staff pressing at once, exactly
    one changes the row (PostgreSQL re-checks the WHERE after the other commits; SQLite
    serialises writers). The other learns who holds it."""
    result = cast(
        CursorResult[Any],
        session.execute(
            update(HandoffCase)
            .where(HandoffCase.id == case_id, HandoffCase.status == "waiting")
            .values(status="claimed", claimed_by=staff.id, claimed_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    won = result.rowcount == 1
    case = session.get(HandoffCase, case_id, populate_existing=True)
    holder = session.get(Staff, case.claimed_by) if case and case.claimed_by else None
    return ClaimAttempt(won, case, holder)


def waiting_queue(session: Session, *, limit: int = 50) -> list[HandoffCase]:
    """Waiting cases, urgent first, then the longest waiting."""
    return list(
        session.scalars(
            select(HandoffCase)
            .where(HandoffCase.status == "waiting")
            .order_by(
                HandoffCase.urgent.desc(),
                HandoffCase.waiting_since.asc(),
                HandoffCase.id.asc(),
            )
            .limit(limit)
        )
    )


def cases_of(session: Session, staff: Staff) -> list[HandoffCase]:
    """The cases a staff member holds now, oldest claim first."""
    return list(
        session.scalars(
            select(HandoffCase)
            .where(HandoffCase.claimed_by == staff.id, HandoffCase.status == "claimed")
            .order_by(HandoffCase.claimed_at, HandoffCase.id)
        )
    )


def previous_helper(
    session: Session, user_id: int, now: dt.datetime, *, window: dt.timedelta
) -> Staff | None:
    """The active staff member who closed this courier's last case within `window`."""
    staff_id = session.scalar(
        select(HandoffCase.claimed_by)
        .where(
            HandoffCase.user_id == user_id,
            HandoffCase.status == "closed",
            HandoffCase.claimed_by.is_not(None),
            HandoffCase.closed_at >= now - window,
        )
        .order_by(HandoffCase.closed_at.desc())
        .limit(1)
    )
    staff = session.get(Staff, staff_id) if staff_id is not None else None
    return staff if staff is not None and staff.active else None
