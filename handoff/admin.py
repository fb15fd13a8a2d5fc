"""Case actions for the office's web console: close a case or put it back in the queue for a
role or a named person. The same state changes as the staff desk's /close and /transfer, done by
a coordinator who is not holding the case; audited in `staff_audit` with the console actor.

Functions take a `Ctx` and never commit; what the courier and staff should be told comes back as
an `Outcome` (data), for whoever can deliver it (a channel in the same process, if any).
"""

from __future__ import annotations

from common.privacy import mask_personal_numbers
from handoff.buttons import Press
from handoff.cases import ROLES
from handoff.context import Ctx
from handoff.desk import requeue
from handoff.notices import Button, Notice, Outcome, Outgoing
from handoff.relay import drop_focus_on
from handoff.staff import ROLE_LABELS, write_audit
from storage.handoff_models import Staff
from storage.models import HandoffCase

OPEN = ("waiting", "claimed")
COURIER_SIDE_ALIAS = "工作人员"


class CaseActionError(ValueError):
    """The case cannot be changed this way; the message (Chinese) says why."""


def _open_case(ctx: Ctx, case_id: int) -> HandoffCase:
    case = ctx.session.get(HandoffCase, case_id)
    if case is None:
        raise CaseActionError(f"没有编号为 {case_id} 的个案")
    if case.status not in OPEN:
        raise CaseActionError(f"个案 #{case_id} 已经结束，不能再改")
    return case


def close_case(ctx: Ctx, case_id: int, note: str, *, actor: str) -> Outcome:
    """Close an open case with a note; the courier is thanked and asked for a rating."""
    note = " ".join(note.split())
    if not note:
        raise CaseActionError("请写一句结束说明（例如：已电话联系，问题已解决）")
    case = _open_case(ctx, case_id)
    holder = ctx.staff(case.claimed_by)
    case.status, case.closed_at = "closed", ctx.now
    case.close_note = mask_personal_numbers(note[:500])
    if holder is not None:
        drop_focus_on(ctx, holder, case)
    write_audit(ctx.session, actor=actor, action="close", now=ctx.now, case_id=case.id)
    alias = holder.alias if holder is not None else COURIER_SIDE_ALIAS
    rate = tuple(Button(str(n), Press("rate", case.id, n).encode()) for n in range(1, 6))
    sends: list[Outgoing] = list(ctx.card_edits(case, state="closed", holder=holder))
    sends.append(Notice(ctx.courier_chat(case), ctx.text.courier("closed", alias=alias), rate))
    if holder is not None:
        sends.append(Notice(ctx.staff_chat(holder), ctx.text.staff("closed", case_id=case.id)))
    return Outcome(tuple(sends))


def reassign_case(
    ctx: Ctx, case_id: int, *, actor: str, role: str | None = None, staff_id: int | None = None
) -> Outcome:
    """Back to the queue for a role, or for one active staff member (announced again by the
    assistant's next tick)."""
    case = _open_case(ctx, case_id)
    person: Staff | None = None
    if staff_id is not None:
        person = ctx.staff(staff_id)
        if person is None or not person.active:
            raise CaseActionError("没有这位在岗的工作人员")
    elif role not in ROLES:
        raise CaseActionError("请选择一个类别或一位工作人员")
    holder = ctx.staff(case.claimed_by)
    sends: list[Outgoing] = list(ctx.card_edits(case, state="transferred", holder=holder))
    target = person.alias if person is not None else ROLE_LABELS[role or ""]
    label = requeue(ctx, case, person, role, f"协调员在控制台转交给 {target}")
    if holder is not None:
        drop_focus_on(ctx, holder, case)
        sends.append(
            Notice(ctx.staff_chat(holder), ctx.text.staff("transferred", case_id=case.id,
                                                          target=label))
        )  # fmt: skip
    write_audit(
        ctx.session, actor=actor, action="transfer", now=ctx.now, case_id=case.id,
        detail=f"to {label}",
    )  # fmt: skip
    alias = holder.alias if holder is not None else COURIER_SIDE_ALIAS
    sends.append(
        Notice(ctx.courier_chat(case), ctx.text.courier("transferred", alias=alias, target=label))
    )
    # last_announced_at stays None: the assistant's next tick posts the card (within ~15 s),
    # whether or not the console runs in its process.
    return Outcome(tuple(sends))
