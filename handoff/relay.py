"""Relay: a courier's messages to the staff member holding the case, and back.

Each relayed message gets a `RelayLink` (source -> target), so a reply on either side is
copied as a reply to its counterpart, and a staff member's reply finds its case. Messages are
recorded (masked) for the transcript, idempotently by the channel's dedupe key.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from common.privacy import mask_personal_numbers
from handoff.buttons import Press
from handoff.cases import cases_of, open_case_of_chat
from handoff.context import STATUS_LABELS, Ctx
from handoff.notices import Button, ChatRef, CopyMessage, Incoming, Notice, Outcome, Track
from handoff.staff import chat_of
from storage.handoff_models import CaseCard, RelayLink, Staff, StaffFocus
from storage.models import HandoffCase, User
from storage.repositories import Messages


def find_link(ctx: Ctx, chat: ChatRef, message_ref: str) -> RelayLink | None:
    """The link with this message at either end (the newest, should there be several)."""
    return ctx.session.scalars(
        select(RelayLink)
        .where(
            or_(
                and_(
                    RelayLink.target_channel == chat.channel,
                    RelayLink.target_chat == chat.ref,
                    RelayLink.target_message == message_ref,
                ),
                and_(
                    RelayLink.source_channel == chat.channel,
                    RelayLink.source_chat == chat.ref,
                    RelayLink.source_message == message_ref,
                ),
            )
        )
        .order_by(RelayLink.id.desc())
    ).first()


def counterpart(ctx: Ctx, chat: ChatRef, message_ref: str | None, other: ChatRef) -> str | None:
    """The id, in chat `other`, of the copy (or the original) of message `message_ref`."""
    if message_ref is None:
        return None
    link = find_link(ctx, chat, message_ref)
    if link is None:
        return None
    if (link.target_chat, link.target_message) == (chat.ref, message_ref):
        return link.source_message if link.source_chat == other.ref else None
    return link.target_message if link.target_chat == other.ref else None


def _record(ctx: Ctx, user: User, direction: str, incoming: Incoming, action: str) -> bool:
    """Record the message for the transcript; False when it was recorded before (redelivery)."""
    text = mask_personal_numbers(incoming.label())
    recorded = Messages(ctx.session).record(
        user, direction, text, ctx.now, dedupe_key=incoming.dedupe_key, action=action
    )
    return recorded is not None


def from_courier(ctx: Ctx, incoming: Incoming) -> Outcome:
    """A courier's message while a case is open goes to staff (or waits for the claimer)."""
    case = open_case_of_chat(ctx.session, incoming.chat.channel, incoming.chat.ref)
    if case is None:
        return Outcome(handled=False)
    user = ctx.session.get(User, case.user_id)
    assert user is not None
    holder = ctx.staff(case.claimed_by) if case.status == "claimed" else None
    if holder is None and incoming.crisis_kind is None:
        return _while_waiting(ctx, case, incoming)
    if not _record(ctx, user, "in", incoming, "relay"):
        return Outcome()
    sends: list[Notice | CopyMessage] = []
    if incoming.crisis_kind is not None:
        sends += _crisis(ctx, case, incoming.crisis_kind)
    if holder is None:  # waiting: kept for whoever takes the case
        _keep(ctx, case, incoming)
        return Outcome(tuple(sends))
    staff_chat = chat_of(holder)
    held = cases_of(ctx.session, holder)
    if len(held) > 1 and _focus(ctx, holder) != case.id:
        sends.append(
            ctx.note(case, staff_chat,
                     ctx.text.staff("header", case_id=case.id, pseudonym=case.pseudonym or ""))
        )  # fmt: skip
    link = ctx.link(case, "to_staff", target=staff_chat, source=incoming.chat,
                    source_message=incoming.message_ref)  # fmt: skip
    sends.append(
        CopyMessage(
            incoming.chat,
            incoming.message_ref,
            staff_chat,
            Track("link", link.id),
            reply_to=counterpart(ctx, incoming.chat, incoming.reply_to, staff_chat),
            kind=incoming.kind,
            text=incoming.text,
            media_ref=incoming.media_ref,
        )
    )
    return Outcome(tuple(sends))


def _keep(ctx: Ctx, case: HandoffCase, incoming: Incoming) -> RelayLink:
    """Keep a message for whoever takes the case, with its content (they may be on another
    channel than the courier, where the message cannot simply be copied)."""
    link = ctx.link(case, "to_staff", target=None, source=incoming.chat,
                    source_message=incoming.message_ref)  # fmt: skip
    link.kind = incoming.kind
    link.body = mask_personal_numbers(incoming.text) if incoming.text else None
    link.media_ref = incoming.media_ref
    return link


def _while_waiting(ctx: Ctx, case: HandoffCase, incoming: Incoming) -> Outcome:
    """Nobody holds the case yet: the message is kept for whoever takes it, and the assistant
    answers it as usual (and records it): a courier is never left in silence while waiting.
    They are told once that a person is still coming and how to stop waiting."""
    if incoming.dedupe_key is not None and Messages(ctx.session).seen(incoming.dedupe_key):
        return Outcome()  # a redelivery
    first = ctx.session.scalar(
        select(RelayLink.id).where(RelayLink.case_id == case.id, RelayLink.direction == "to_staff")
    )
    _keep(ctx, case, incoming)
    sends: tuple[Notice, ...] = ()
    if first is None:
        sends = (Notice(incoming.chat, ctx.text.courier("waiting_ack")),)
    return Outcome(sends, answer_too=True)


def _crisis(ctx: Ctx, case: HandoffCase, kind: str) -> list[Notice | CopyMessage]:
    """Hotlines to the courier at once; the case becomes urgent, its holder is alerted."""
    sends: list[Notice | CopyMessage] = [
        Notice(ctx.courier_chat(case), ctx.text.courier("crisis_open"))
    ]
    if not case.urgent:
        case.urgent = True
        case.reason = f"crisis:{kind}"
        if case.status == "waiting":
            case.role = case.role or "counselling"
            case.last_announced_at = None  # a new card, marked urgent, on the next sweep
            case.escalated_at = None
    holder = ctx.staff(case.claimed_by) if case.status == "claimed" else None
    if holder is not None:
        alert = ctx.text.staff("crisis_alert", case_id=case.id, pseudonym=case.pseudonym or "")
        sends.append(ctx.note(case, chat_of(holder), alert))
    return sends


def _focus(ctx: Ctx, staff: Staff) -> int | None:
    row = ctx.session.get(StaffFocus, staff.id)
    return row.case_id if row is not None else None


def set_focus(ctx: Ctx, staff: Staff, case: HandoffCase | None) -> None:
    row = ctx.session.get(StaffFocus, staff.id)
    if case is None:
        if row is not None:
            ctx.session.delete(row)
    elif row is None:
        ctx.session.add(StaffFocus(staff_id=staff.id, case_id=case.id, updated_at=ctx.now))
    else:
        row.case_id, row.updated_at = case.id, ctx.now


def drop_focus_on(ctx: Ctx, staff: Staff, case: HandoffCase) -> None:
    if _focus(ctx, staff) == case.id:
        set_focus(ctx, staff, None)


def current_case(ctx: Ctx, staff: Staff, reply_to: str | None) -> HandoffCase | Notice:
    """The case a staff member's message is for: the one it replies to, else the chosen one,
    else the only one held. Otherwise a notice saying what to do."""
    chat = chat_of(staff)
    if reply_to is not None:
        link = find_link(ctx, chat, reply_to)
        if link is not None:
            case = ctx.session.get(HandoffCase, link.case_id)
            assert case is not None
            if case.status != "claimed" or case.claimed_by != staff.id:
                status = "不在你名下" if case.status == "claimed" else STATUS_LABELS[case.status]
                return Notice(chat, ctx.text.staff("not_yours", case_id=case.id, status=status))
            return case
    held = cases_of(ctx.session, staff)
    focus = _focus(ctx, staff)
    for case in held:
        if case.id == focus:
            return case
    if len(held) == 1:
        return held[0]
    if not held:
        return Notice(chat, ctx.text.staff("no_cases"))
    return Notice(chat, ctx.text.staff("choose_case"), switch_buttons(held))


def switch_buttons(cases: list[HandoffCase]) -> tuple[Button, ...]:
    return tuple(
        Button(f"#{c.id} {c.pseudonym or ''}", Press("switch", c.id).encode()) for c in cases
    )


def from_staff(ctx: Ctx, staff: Staff, incoming: Incoming) -> Outcome:
    """A staff member's message: copied to the courier of the case it belongs to."""
    found = current_case(ctx, staff, incoming.reply_to)
    if isinstance(found, Notice):
        return Outcome((found,))
    case = found
    user = ctx.session.get(User, case.user_id)
    assert user is not None
    if not _record(ctx, user, "out", incoming, "staff"):
        return Outcome()
    courier = ChatRef(user.channel, user.external_ref)
    link = ctx.link(case, "to_user", target=courier, source=incoming.chat,
                    source_message=incoming.message_ref)  # fmt: skip
    case.first_staff_reply_at = case.first_staff_reply_at or ctx.now
    ctx.audit(staff, "relay", case, incoming.kind)
    return Outcome(
        (
            CopyMessage(
                incoming.chat,
                incoming.message_ref,
                courier,
                Track("link", link.id),
                reply_to=counterpart(ctx, incoming.chat, incoming.reply_to, courier),
                kind=incoming.kind,
                text=incoming.text,
                media_ref=incoming.media_ref,
            ),
        )
    )


def record_sent(ctx: Ctx, track: Track, chat: ChatRef, message_ref: str) -> None:
    """The channel sent a tracked message: remember its id (cards to edit, links to map)."""
    if track.kind == "card":
        exists = ctx.session.scalar(
            select(CaseCard.id).where(
                CaseCard.channel == chat.channel,
                CaseCard.chat_ref == chat.ref,
                CaseCard.message_ref == message_ref,
            )
        )
        if exists is None:
            ctx.session.add(
                CaseCard(case_id=track.id, channel=chat.channel, chat_ref=chat.ref,
                         message_ref=message_ref, posted_at=ctx.now)
            )  # fmt: skip
        return
    link = ctx.session.get(RelayLink, track.id)
    if link is not None:
        link.target_channel, link.target_chat = chat.channel, chat.ref
        link.target_message, link.delivered_at = message_ref, ctx.now
