"""Cases whose conversation a platform carries itself: on WeCom 微信客服 a volunteer answers in
the WeCom app, so the platform, not the bot, relays between them. The channel reports what
happened (taken, a volunteer's message, ended) and the case follows; its transcript, first
human reply and rating are kept as for any other case.
"""

from __future__ import annotations

from sqlalchemy import func, select

from common.privacy import mask_personal_numbers
from handoff.buttons import Press
from handoff.cases import claim, open_case_of_chat
from handoff.context import Ctx
from handoff.notices import Button, ChatRef, Incoming, Notice, Outcome, Outgoing
from handoff.staff import by_wecom_userid, helpers_for
from storage.handoff_models import Staff
from storage.models import HandoffCase, User
from storage.repositories import Messages


def can_come(ctx: Ctx, role: str | None) -> bool:
    """Whether a person of `role` could come now: one is registered and active, and it is
    within duty hours. A reply never says a person was called when this is False."""
    return ctx.config.duty.is_on(ctx.now) and bool(helpers_for(ctx.session, role))


def servicer_for(ctx: Ctx, role: str | None) -> str | None:
    """The WeCom userid of a registered, active staff member of `role` (counsellors first for
    no role) on duty, the one holding the fewest open cases; None when there is nobody."""
    if not ctx.config.duty.is_on(ctx.now):
        return None
    people = [s for s in helpers_for(ctx.session, role or "counselling") if s.wecom_userid]
    if not people:
        return None
    rows = ctx.session.execute(
        select(HandoffCase.claimed_by, func.count())
        .where(HandoffCase.status == "claimed")
        .group_by(HandoffCase.claimed_by)
    )
    load: dict[int | None, int] = {staff_id: count for staff_id, count in rows}
    own_role = [s for s in people if s.role == role] or people
    best = min(own_role, key=lambda s: (load.get(s.id, 0), s.id))
    return best.wecom_userid


def taken(ctx: Ctx, courier: ChatRef, userid: str) -> Outcome:
    """A volunteer took the courier's session in the platform (from the queue or by transfer)."""
    case = open_case_of_chat(ctx.session, courier.channel, courier.ref)
    staff = by_wecom_userid(ctx.session, userid)
    if case is None or staff is None:
        return Outcome()
    if case.status == "claimed":
        if case.claimed_by != staff.id:  # transferred to another volunteer
            case.claimed_by, case.claimed_at = staff.id, ctx.now
            ctx.audit(staff, "claim", case, "wecom transfer")
        return Outcome()
    attempt = claim(ctx.session, case.id, staff, ctx.now)
    if not attempt.won or attempt.case is None:
        return Outcome()
    ctx.audit(staff, "claim", attempt.case, "wecom")
    return Outcome(tuple(ctx.card_edits(attempt.case, state="claimed", holder=staff)))


def staff_said(ctx: Ctx, courier: ChatRef, userid: str, incoming: Incoming) -> Outcome:
    """A volunteer's message in the platform: into the transcript; the first one is the case's
    first human reply."""
    case = open_case_of_chat(ctx.session, courier.channel, courier.ref)
    user = ctx.session.get(User, case.user_id) if case is not None else None
    if case is None or user is None:
        return Outcome()
    Messages(ctx.session).record(
        user, "out", mask_personal_numbers(incoming.label()), ctx.now,
        dedupe_key=incoming.dedupe_key, action="staff",
    )  # fmt: skip
    staff: Staff | None = by_wecom_userid(ctx.session, userid)
    if case.status == "waiting" and staff is not None:
        claim(ctx.session, case.id, staff, ctx.now)
    case.first_staff_reply_at = case.first_staff_reply_at or ctx.now
    return Outcome()


def ended(ctx: Ctx, courier: ChatRef, userid: str | None) -> Outcome:
    """The platform ended the session: the case is closed and the courier asked for a rating
    (the channel sends it with the platform's one-time event code)."""
    case = open_case_of_chat(ctx.session, courier.channel, courier.ref)
    if case is None:
        return Outcome()
    staff = by_wecom_userid(ctx.session, userid) if userid else None
    holder = staff or ctx.staff(case.claimed_by)
    case.status, case.closed_at = "closed", ctx.now
    case.close_note = case.close_note or "在企业微信结束"
    if holder is not None:
        ctx.audit(holder, "close", case, "wecom")
    rate = tuple(Button(str(n), Press("rate", case.id, n).encode()) for n in range(1, 6))
    alias = holder.alias if holder is not None else "工作人员"
    sends: list[Outgoing] = list(ctx.card_edits(case, state="closed", holder=holder))
    sends.append(Notice(courier, ctx.text.courier("closed", alias=alias), rate))
    return Outcome(tuple(sends))
