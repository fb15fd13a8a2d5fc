"""The staff registry and the audit log. Functions take a session and never commit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from handoff.notices import ChatRef
from storage.handoff_models import STAFF_ROLES, Staff, StaffAudit, StaffFocus
from storage.models import HandoffCase

ALIAS_MAX = 16
ROLE_LABELS = {
    "legal": "法律援助",
    "counselling": "心理支持",
    "union": "工会帮助",
    "coordinator": "值班协调",
}


class StaffError(ValueError):
    """A registry request that cannot be done; the message says why, in English for the CLI."""


def clean_alias(alias: str) -> str:
    alias = " ".join(alias.split())
    if not alias:
        raise StaffError("the alias is empty")
    if len(alias) > ALIAS_MAX:
        raise StaffError(f"the alias is longer than {ALIAS_MAX} characters")
    if any(ch in alias for ch in "<>&@/"):
        raise StaffError("the alias may not contain < > & @ /")
    return alias


def add_staff(
    session: Session,
    who: ChatRef,
    *,
    role: str,
    alias: str,
    now: dt.datetime,
    actor: str,
    wecom_userid: str | None = None,
) -> tuple[Staff, bool]:
    """Register (or re-register and update) a staff member. Returns (row, created).
    `who` is where the bot writes to them (a Telegram chat, or their WeCom userid when they
    use only WeCom); `wecom_userid`: where 微信客服 sessions are handed to them."""
    if role not in STAFF_ROLES:
        raise StaffError(f"unknown role {role!r}; choose one of {', '.join(STAFF_ROLES)}")
    alias = clean_alias(alias)
    row = session.scalars(
        select(Staff).where(Staff.channel == who.channel, Staff.external_ref == who.ref)
    ).one_or_none()
    clash = by_alias(session, alias)
    if clash is not None and clash is not row:
        raise StaffError(f"the alias {alias!r} is already used by staff #{clash.id}")
    taken = by_wecom_userid(session, wecom_userid) if wecom_userid is not None else None
    if taken is not None and taken is not row:
        raise StaffError(f"the WeCom userid is already used by staff #{taken.id}")
    created = row is None
    if row is None:
        row = Staff(channel=who.channel, external_ref=who.ref, added_at=now)
        session.add(row)
    if wecom_userid is not None:
        row.wecom_userid = wecom_userid
    row.role, row.alias, row.active, row.removed_at = role, alias, True, None
    session.flush()
    write_audit(
        session, actor=actor, action="staff_add" if created else "staff_update",
        detail=f"staff #{row.id} {role} {alias}", now=now,
    )  # fmt: skip
    return row, created


def remove_staff(session: Session, who: ChatRef, *, now: dt.datetime, actor: str) -> Staff | None:
    """Deactivate a staff member; the cases they held go back to the queue (announced again on
    the next tick). None when no active staff member has that id."""
    row = active_staff(session, who)
    if row is None:
        return None
    row.active, row.removed_at = False, now
    released = session.execute(
        update(HandoffCase)
        .where(HandoffCase.claimed_by == row.id, HandoffCase.status == "claimed")
        .values(status="waiting", claimed_by=None, claimed_at=None, waiting_since=now,
                last_announced_at=None, escalated_at=None)
        .execution_options(synchronize_session="fetch")
    )  # fmt: skip
    session.execute(delete(StaffFocus).where(StaffFocus.staff_id == row.id))
    count = int(getattr(released, "rowcount", 0) or 0)
    write_audit(
        session, actor=actor, action="staff_remove",
        detail=f"staff #{row.id} {row.alias}; {count} case(s) back to the queue", now=now,
    )  # fmt: skip
    return row


def list_staff(session: Session, *, include_removed: bool = False) -> list[Staff]:
    query = select(Staff).order_by(Staff.role, Staff.alias, Staff.id)
    if not include_removed:
        query = query.where(Staff.active.is_(True))
    return list(session.scalars(query))


def active_staff(session: Session, who: ChatRef) -> Staff | None:
    return session.scalars(
        select(Staff).where(
            Staff.channel == who.channel, Staff.external_ref == who.ref, Staff.active.is_(True)
        )
    ).one_or_none()


def by_alias(session: Session, alias: str) -> Staff | None:
    return session.scalars(
        select(Staff).where(Staff.alias == alias, Staff.active.is_(True)).order_by(Staff.id)
    ).first()


def coordinators(session: Session) -> list[Staff]:
    return list(
        session.scalars(
            select(Staff)
            .where(Staff.role == "coordinator", Staff.active.is_(True))
            .order_by(Staff.id)
        )
    )


def chat_of(staff: Staff) -> ChatRef:
    return ChatRef(staff.channel, staff.external_ref)


def actor_name(staff: Staff) -> str:
    return f"staff#{staff.id} {staff.alias}"


def write_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    now: dt.datetime,
    staff: Staff | None = None,
    case_id: int | None = None,
    detail: str = "",
) -> None:
    """One line of the audit log: who did what to which case. No courier text goes here."""
    session.add(
        StaffAudit(
            staff_id=staff.id if staff else None,
            actor=actor[:80],
            action=action[:32],
            case_id=case_id,
            detail=detail[:500],
            at=now,
        )
    )


def by_wecom_userid(session: Session, userid: str) -> Staff | None:
    return session.scalars(
        select(Staff).where(Staff.wecom_userid == userid, Staff.active.is_(True))
    ).one_or_none()


def helpers_for(session: Session, role: str | None) -> list[Staff]:
    """Active staff who can take a case of `role`: that role's people (any role's when none is
    chosen yet) and the coordinators, who take what nobody else can."""
    query = select(Staff).where(Staff.active.is_(True))
    if role is not None:
        query = query.where(Staff.role.in_((role, "coordinator")))
    return list(session.scalars(query.order_by(Staff.id)))
