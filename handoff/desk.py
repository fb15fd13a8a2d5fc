"""The staff desk: claim, switch, close, transfer, and the staff commands. Every action is audited.

Each function takes a registered, active staff member (the service checks that first).
"""

from __future__ import annotations

from html import escape

from sqlalchemy import select

from common.privacy import mask_personal_numbers
from handoff import announce
from handoff.buttons import Press
from handoff.canned import CANNED, canned_text
from handoff.cases import ROLES, cases_of, claim, waiting_queue
from handoff.context import Ctx
from handoff.notices import (
    Button,
    ChatRef,
    CopyMessage,
    MessageKind,
    Notice,
    Outcome,
    Outgoing,
    Track,
)
from handoff.relay import current_case, drop_focus_on, set_focus, switch_buttons
from handoff.staff import ROLE_LABELS, by_alias, chat_of
from handoff.transcript import transcript_notices
from storage.handoff_models import RelayLink, Staff
from storage.models import HandoffCase, Message, User
from storage.repositories import Messages

ROLE_WORDS = {**{r: r for r in ROLES}, **{ROLE_LABELS[r]: r for r in ROLES}}


def take(ctx: Ctx, staff: Staff, case_id: int) -> Outcome:
    """Claim a waiting case; the loser is told who has it."""
    attempt = claim(ctx.session, case_id, staff, ctx.now)
    case = attempt.case
    if case is None:
        return Outcome(toast=f"没有找到 #{case_id}")
    if not attempt.won:
        ctx.audit(staff, "claim_lost", case, f"held by staff#{case.claimed_by}")
        if attempt.holder is not None and case.status == "claimed":
            if attempt.holder.id == staff.id:
                return Outcome(toast=f"#{case.id} 已经在你手上了")
            return Outcome(toast=f"#{case.id} 已由 {attempt.holder.alias} 接手")
        return Outcome(toast=f"#{case.id} 已经{'结束' if case.status == 'closed' else '取消'}了")
    ctx.audit(staff, "claim", case)
    set_focus(ctx, staff, case)
    staff_chat = chat_of(staff)
    sends: list[Outgoing] = list(ctx.card_edits(case, state="claimed", holder=staff))
    sends.append(ctx.note(case, staff_chat, _brief(ctx, case)))
    pending = ctx.session.scalars(
        select(RelayLink)
        .where(
            RelayLink.case_id == case.id,
            RelayLink.direction == "to_staff",
            RelayLink.target_chat.is_(None),
        )
        .order_by(RelayLink.id)
    )
    for link in pending:  # what the courier sent while waiting, photos included
        link.target_channel, link.target_chat = staff_chat.channel, staff_chat.ref
        assert link.source_channel and link.source_chat and link.source_message
        source = ChatRef(link.source_channel, link.source_chat)
        track = Track("link", link.id)
        kind = _kind(link.kind)
        copy = CopyMessage(
            source, link.source_message, staff_chat, track, None, kind, link.body, link.media_ref
        )
        sends.append(copy)
    sends.append(
        Notice(
            ctx.courier_chat(case),
            ctx.text.courier("claimed", alias=staff.alias, role=ROLE_LABELS[staff.role]),
        )
    )
    return Outcome(tuple(sends), toast=f"你接手了 #{case.id}，请到和我的私聊里回复")


def _brief(ctx: Ctx, case: HandoffCase) -> str:
    summary = case.summary or {}
    messages = list(summary.get("messages", []))
    if case.claimed_at is not None and summary.get("transferred"):
        messages += _since(ctx, case)
    return ctx.text.page(
        "brief.html",
        id=case.id,
        role=ctx.role_label(case),
        urgent=case.urgent,
        pseudonym=case.pseudonym or "",
        topic=ctx.topic_title(case.topic),
        risk=ctx.risk_label(case),
        minutes=ctx.minutes_waiting(case),
        bot_answer=summary.get("bot_answer"),
        messages=messages[-12:],
        notes=summary.get("notes", []),
    )


def _since(ctx: Ctx, case: HandoffCase) -> list[dict[str, str]]:
    """Messages of the case so far (for a transferred case), masked when recorded."""
    rows = ctx.session.scalars(
        select(Message)
        .where(Message.user_id == case.user_id, Message.created_at >= case.created_at)
        .order_by(Message.created_at, Message.id)
    )
    who = {"relay": "courier", "staff": "staff"}
    return [
        {"from": who.get(m.action or "", "courier" if m.direction == "in" else "bot"),
         "text": m.text[:300]}
        for m in rows
    ]  # fmt: skip


def switch(ctx: Ctx, staff: Staff, case_id: int) -> Outcome:
    case = ctx.session.get(HandoffCase, case_id)
    chat = chat_of(staff)
    if case is None or case.status != "claimed" or case.claimed_by != staff.id:
        return Outcome((Notice(chat, ctx.text.staff("no_case", case_id=case_id)),), "不能切换")
    set_focus(ctx, staff, case)
    ctx.audit(staff, "switch", case)
    html = ctx.text.staff("switched", case_id=case.id, pseudonym=case.pseudonym or "")
    return Outcome((Notice(chat, html),), toast=f"已切换到 #{case.id}")


def show_queue(ctx: Ctx, staff: Staff) -> Outcome:
    cases = waiting_queue(ctx.session, limit=10)
    rows = [
        {"id": c.id, "urgent": c.urgent, "role": ctx.role_label(c),
         "pseudonym": c.pseudonym or "", "minutes": ctx.minutes_waiting(c)}
        for c in cases
    ]  # fmt: skip
    buttons = tuple(
        Button(f"{'🔴 ' if c.urgent else ''}接手 #{c.id}", Press("claim", c.id).encode())
        for c in cases
    )
    ctx.audit(staff, "queue")
    return Outcome((Notice(chat_of(staff), ctx.text.staff("queue", rows=rows), buttons),))


def show_mine(ctx: Ctx, staff: Staff) -> Outcome:
    cases = cases_of(ctx.session, staff)
    found = current_case(ctx, staff, None)
    current = found.id if isinstance(found, HandoffCase) else None
    rows = [
        {"id": c.id, "role": ctx.role_label(c), "pseudonym": c.pseudonym or "", "urgent": c.urgent}
        for c in cases
    ]
    html = ctx.text.staff("mine", rows=rows, current=current)
    ctx.audit(staff, "mine")
    return Outcome((Notice(chat_of(staff), html, switch_buttons(cases)),))


def close(ctx: Ctx, staff: Staff, case: HandoffCase, note: str) -> Outcome:
    chat = chat_of(staff)
    note = " ".join(note.split())
    if not note:
        return Outcome((Notice(chat, ctx.text.staff("need_note")),))
    case.status, case.closed_at = "closed", ctx.now
    case.close_note = mask_personal_numbers(note[:500])
    drop_focus_on(ctx, staff, case)
    ctx.audit(staff, "close", case)  # the note stays with the case, which /forget deletes
    rate = tuple(Button(str(n), Press("rate", case.id, n).encode()) for n in range(1, 6))
    sends: list[Outgoing] = list(ctx.card_edits(case, state="closed", holder=staff))
    sends.append(
        Notice(ctx.courier_chat(case), ctx.text.courier("closed", alias=staff.alias), rate)
    )
    sends.append(Notice(chat, ctx.text.staff("closed", case_id=case.id)))
    return Outcome(tuple(sends))


def requeue(ctx: Ctx, case: HandoffCase, person: Staff | None, role: str | None, note: str) -> str:
    """Put a case back in the queue, for one person (asked first) or for a role; the note goes
    into its summary for whoever takes it. Returns how the target is named."""
    if person is not None:
        case.preferred_staff_id = person.id
        case.role = person.role if person.role in ROLES else case.role
        label = person.alias
    else:
        case.preferred_staff_id = None
        case.role = role
        label = ROLE_LABELS[role or ""]
    notes = list((case.summary or {}).get("notes", []))
    notes.append(note[:300])
    case.summary = {**(case.summary or {}), "notes": notes, "transferred": True}
    case.status, case.claimed_by, case.claimed_at = "waiting", None, None
    case.waiting_since, case.last_announced_at, case.escalated_at = ctx.now, None, None
    return label


def transfer(ctx: Ctx, staff: Staff, case: HandoffCase, arg: str) -> Outcome:
    """Back to the queue for another role, or for a named person (who is asked privately)."""
    chat = chat_of(staff)
    target, _, note = arg.strip().partition(" ")
    role = ROLE_WORDS.get(target.lower()) or ROLE_WORDS.get(target)
    person = None if role else by_alias(ctx.session, target)
    if not target or (role is None and (person is None or person.id == staff.id)):
        return Outcome((Notice(chat, ctx.text.staff("transfer_help")),))
    sends: list[Outgoing] = list(ctx.card_edits(case, state="transferred", holder=staff))
    label = requeue(
        ctx, case, person, role, f"{staff.alias} 转交：{' '.join(note.split()) or '（无说明）'}"
    )
    drop_focus_on(ctx, staff, case)
    ctx.audit(staff, "transfer", case, f"to {label}")
    courier = ctx.courier_chat(case)
    sends.append(Notice(courier, ctx.text.courier("transferred", alias=staff.alias, target=label)))
    sends.append(Notice(chat, ctx.text.staff("transferred", case_id=case.id, target=label)))
    sends += announce.post_card(ctx, case)
    return Outcome(tuple(sends))


def send_canned(ctx: Ctx, staff: Staff, arg: str) -> Outcome:
    chat = chat_of(staff)
    key = arg.strip()
    if not key:
        items = [(k, t.replace("{alias}", staff.alias)) for k, t in CANNED.items()]
        return Outcome((Notice(chat, ctx.text.staff("canned_list", items=items)),))
    text = canned_text(key, staff.alias)
    if text is None:
        return Outcome((Notice(chat, ctx.text.staff("unknown_canned", key=key)),))
    found = current_case(ctx, staff, None)
    if isinstance(found, Notice):
        return Outcome((found,))
    user = ctx.session.get(User, found.user_id)
    assert user is not None
    user_chat = ChatRef(user.channel, user.external_ref)
    Messages(ctx.session).record(user, "out", text, ctx.now, action="staff")
    found.first_staff_reply_at = found.first_staff_reply_at or ctx.now
    ctx.audit(staff, "canned", found, key)
    link = ctx.link(found, "to_user", target=user_chat)
    return Outcome((Notice(user_chat, escape(text), track=Track("link", link.id)),))


def ask_identity(ctx: Ctx, staff: Staff, case: HandoffCase) -> Outcome:
    buttons = (
        Button("同意", Press("identity", case.id, 1).encode()),
        Button("不同意", Press("identity", case.id, 0).encode()),
    )
    ctx.audit(staff, "ask_identity", case)
    question = ctx.text.courier("identity_question", alias=staff.alias)
    asked = ctx.text.staff("identity_asked", pseudonym=case.pseudonym or "")
    return Outcome(
        (Notice(ctx.courier_chat(case), question, buttons), Notice(chat_of(staff), asked))
    )


def transcript(ctx: Ctx, staff: Staff, case: HandoffCase | None, case_id: int | None) -> Outcome:
    chat = chat_of(staff)
    allowed = case is not None and (case.claimed_by == staff.id or staff.role == "coordinator")
    if case is None or not allowed:
        return Outcome((Notice(chat, ctx.text.staff("no_case", case_id=case_id or "?")),))
    ctx.audit(staff, "transcript", case)
    return Outcome(tuple(transcript_notices(ctx, case, chat)))


def _kind(kind: str | None) -> MessageKind:
    known: dict[str | None, MessageKind] = {k: k for k in _KINDS}
    return known.get(kind, "text")


_KINDS: tuple[MessageKind, ...] = (
    "text", "photo", "voice", "document", "sticker", "video", "location", "other"
)  # fmt: skip
