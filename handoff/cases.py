"""Open a case for a person, or join the one already waiting; log a page for urgent ones."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import HandoffCase, User

log = logging.getLogger(__name__)
OPEN_STATES = ("waiting", "claimed")
ROLES = ("legal", "counselling", "union")


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
    """The user's open case (made urgent if this request is), or a new waiting one."""
    if role is not None and role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    case = session.scalars(
        select(HandoffCase)
        .where(HandoffCase.user_id == user.id, HandoffCase.status.in_(OPEN_STATES))
        .order_by(HandoffCase.id.desc())
    ).first()
    if case is None:
        case = HandoffCase(
            user_id=user.id,
            role=role,
            reason=reason,
            urgent=urgent,
            status="waiting",
            topic=topic,
            created_at=now,
        )
        session.add(case)
        session.flush()
    else:
        case.urgent = case.urgent or urgent
        case.role = role or case.role
    if case.urgent:
        log.critical(
            "URGENT handoff case %s opened (%s); page the counsellor on duty", case.id, reason
        )
    else:
        log.info("handoff case %s waiting (%s, role %s)", case.id, reason, case.role)
    return case
