"""The courier's side of a case: cancel while waiting, rate after closing, share identity,
ask for the same person again."""

from __future__ import annotations

from handoff import announce
from handoff.cases import open_case_of, previous_helper
from handoff.context import Ctx
from handoff.notices import ChatRef, Notice, Outcome, Outgoing
from handoff.staff import chat_of
from storage.models import HandoffCase
from storage.repositories import Users

STALE = "这个按钮已经失效了。"


def case_of(ctx: Ctx, courier: ChatRef, case_id: int) -> HandoffCase | None:
    """The case, if it is this courier's."""
    case = ctx.session.get(HandoffCase, case_id)
    if case is None or ctx.courier_chat(case) != courier:
        return None
    return case


def cancel(ctx: Ctx, courier: ChatRef, case_id: int | None = None) -> Outcome:
    """/cancel (any open case) or the 取消等待 button of one case (`case_id`): an old button
    never cancels a newer case."""
    user = Users(ctx.session).get(courier.channel, courier.ref)
    case = open_case_of(ctx.session, user.id) if user is not None else None
    if case_id is not None and (case is None or case.id != case_id):
        return Outcome(toast=STALE)
    if case is None:
        return Outcome((Notice(courier, ctx.text.courier("nothing_to_cancel")),))
    if case.status == "claimed":
        holder = ctx.staff(case.claimed_by)
        alias = holder.alias if holder else "工作人员"
        return Outcome((Notice(courier, ctx.text.courier("cannot_cancel", alias=alias)),))
    case.status, case.closed_at = "cancelled", ctx.now
    sends: list[Outgoing] = list(ctx.card_edits(case, state="cancelled"))
    sends.append(Notice(courier, ctx.text.courier("cancelled")))
    return Outcome(tuple(sends), toast="已取消")


def keep_waiting(ctx: Ctx, courier: ChatRef, case_id: int) -> Outcome:
    case = case_of(ctx, courier, case_id)
    if case is None or case.status != "waiting":
        return Outcome(toast=STALE)
    return Outcome((Notice(courier, ctx.text.courier("keep_waiting")),), toast="好的")


def rate(ctx: Ctx, courier: ChatRef, case_id: int, score: int) -> Outcome:
    case = case_of(ctx, courier, case_id)
    if case is None or case.status != "closed":
        return Outcome(toast=STALE)
    if case.satisfaction is not None:
        return Outcome(toast="已经收到你的评分啦")
    case.satisfaction = score
    return Outcome((Notice(courier, ctx.text.courier("rated")),), toast="谢谢！")


def identity(ctx: Ctx, courier: ChatRef, case_id: int, agree: bool, shown: str | None) -> Outcome:
    """`shown`: how the channel names the courier (name, @username), only sent if they agree."""
    case = case_of(ctx, courier, case_id)
    holder = ctx.staff(case.claimed_by) if case is not None else None
    if case is None or case.status != "claimed" or holder is None:
        return Outcome(toast=STALE)
    pseudonym = case.pseudonym or ""
    if agree and shown:
        case.share_identity = True
        html = ctx.text.staff("identity_shared", pseudonym=pseudonym, identity=shown)
        toast = f"已告诉 {holder.alias}"
    else:
        html = ctx.text.staff("identity_declined", pseudonym=pseudonym)
        toast = "好的，不公开"
    return Outcome((ctx.note(case, chat_of(holder), html),), toast=toast)


def same_person(ctx: Ctx, courier: ChatRef, case_id: int, wanted: bool) -> Outcome:
    case = case_of(ctx, courier, case_id)
    if case is None or case.status != "waiting":
        return Outcome(toast=STALE)
    if not wanted:
        return Outcome((Notice(courier, ctx.text.courier("same_person_no")),))
    helper = previous_helper(ctx.session, case.user_id, ctx.now, window=ctx.config.return_window)
    if helper is None:
        return Outcome((Notice(courier, ctx.text.courier("same_person_no")),))
    case.preferred_staff_id = helper.id
    sends: list[Outgoing] = list(ctx.card_edits(case, state="waiting"))
    sends.append(announce.ask_preferred(ctx, case))
    sends.append(Notice(courier, ctx.text.courier("same_person_yes", alias=helper.alias)))
    return Outcome(tuple(sends), toast=f"已请 {helper.alias}")
