"""Bringing waiting cases to people: intake, cards in the staff group, reminders, pages.

`sweep` runs on every tick (and right after a turn that opened a case): for each waiting case
it does what `timeouts.due` says is due, so a case is never announced twice for one reason.
"""

from __future__ import annotations

import logging

from handoff.buttons import Press
from handoff.cases import build_summary, previous_helper, waiting_queue
from handoff.context import Ctx
from handoff.notices import Button, Notice, Outgoing, Track
from handoff.staff import chat_of, coordinators
from handoff.timeouts import due
from storage.models import HandoffCase

log = logging.getLogger(__name__)


def sweep(ctx: Ctx) -> list[Outgoing]:
    sends: list[Outgoing] = []
    for case in waiting_queue(ctx.session, limit=200):
        todo = due(case, ctx.now, ctx.config)
        if todo.intake:
            sends += intake(ctx, case)
        if todo.card or todo.reminder:
            sends += post_card(ctx, case, reminder=todo.reminder)
        if todo.page:
            sends += page_coordinators(ctx, case)
            sends.append(tell_unclaimed(ctx, case))
    return sends


def tell_unclaimed(ctx: Ctx, case: HandoffCase) -> Notice:
    """Nobody took the case in its time: the courier is told so plainly, with the choice to
    keep waiting or go back to the assistant (the coordinator is paged beside it)."""
    return Notice(
        ctx.courier_chat(case),
        ctx.text.courier("unclaimed", minutes=max(1, ctx.minutes_waiting(case))),
        (
            Button("继续等", Press("wait", case.id).encode()),
            Button("不等了", Press("cancel", case.id).encode()),
        ),
    )


def intake(ctx: Ctx, case: HandoffCase) -> list[Outgoing]:
    """First sight of a case: the summary; off duty, when to expect a person and the hotlines;
    the same person as last time; for a crisis, the coordinators at once."""
    case.summary = build_summary(ctx.session, case, limit=ctx.config.summary_messages)
    courier = ctx.courier_chat(case)
    sends: list[Outgoing] = []
    if not ctx.config.duty.is_on(ctx.now):
        sends.append(
            Notice(
                courier,
                ctx.text.courier(
                    "off_hours",
                    schedule=ctx.config.duty.describe(),
                    expect=ctx.config.duty.expect_text(ctx.now),
                ),
                (Button("取消等待", Press("cancel", case.id).encode()),),
            )
        )
    helper = previous_helper(ctx.session, case.user_id, ctx.now, window=ctx.config.return_window)
    if helper is not None and case.preferred_staff_id is None and not case.urgent:
        sends.append(
            Notice(
                courier,
                ctx.text.courier("same_person_offer", alias=helper.alias),
                (
                    Button(f"还找{helper.alias}", Press("same_person", case.id, 1).encode()),
                    Button("谁有空都行", Press("same_person", case.id, 0).encode()),
                ),
            )
        )
    if case.reason.startswith("crisis:"):
        sends += page_coordinators(ctx, case)
    return sends


def post_card(ctx: Ctx, case: HandoffCase, *, reminder: bool = False) -> list[Outgoing]:
    case.last_announced_at = ctx.now
    sends: list[Outgoing] = []
    if ctx.config.staff_chat is not None:
        sends.append(ctx.card_notice(case, ctx.config.staff_chat, reminder=reminder))
    else:
        log.warning("no STAFF_CHAT_ID set: case %s is not shown to the staff group", case.id)
    preferred = ctx.staff(case.preferred_staff_id)
    if preferred is not None and preferred.active and not reminder:
        sends.append(ask_preferred(ctx, case))
    return sends


def ask_preferred(ctx: Ctx, case: HandoffCase) -> Notice:
    """A private card to the person the courier asked for (its button claims the case)."""
    preferred = ctx.staff(case.preferred_staff_id)
    assert preferred is not None
    return Notice(
        chat_of(preferred),
        ctx.text.staff("preferred", case_id=case.id, pseudonym=case.pseudonym or "")
        + "\n\n"
        + ctx.card_html(case, state="waiting"),
        ctx.claim_button(case),
        track=Track("card", case.id),
    )


def page_coordinators(ctx: Ctx, case: HandoffCase) -> list[Outgoing]:
    case.escalated_at = ctx.now
    people = coordinators(ctx.session)
    if not people:
        log.warning("case %s needs a coordinator, and none is registered", case.id)
    log.warning("paging %s coordinator(s) for case %s", len(people), case.id)
    header = ctx.text.staff("coordinator_page", minutes=ctx.minutes_waiting(case))
    return [
        Notice(
            chat_of(person),
            header + "\n\n" + ctx.card_html(case, state="waiting"),
            ctx.claim_button(case),
            track=Track("card", case.id),
        )
        for person in people
    ]
