"""What a waiting case is due for at a given time: a pure function of the case and the clock.

- intake: first sight of the case (summary, off-hours notice, same-person offer, crisis page);
- card: post its first card (a case without a role waits `role_grace` for the courier to pick);
- reminder: unclaimed for the limit (1 minute urgent, 5 otherwise) since the last card;
- page: unclaimed for the limit, coordinator not paged yet.
A non-urgent case that came in off duty starts its clock when the next shift starts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from handoff.config import HandoffConfig
from storage.models import HandoffCase


@dataclass(frozen=True, slots=True)
class Due:
    intake: bool = False
    card: bool = False
    reminder: bool = False
    page: bool = False

    def __bool__(self) -> bool:
        return self.intake or self.card or self.reminder or self.page


def limit_for(case: HandoffCase, config: HandoffConfig) -> dt.timedelta:
    return config.urgent_unclaimed if case.urgent else config.unclaimed


def clock_start(case: HandoffCase, config: HandoffConfig) -> dt.datetime:
    """When the unclaimed clock started: the wait's start, or the next shift for a non-urgent
    case that came in off duty."""
    since = case.waiting_since or case.created_at
    return since if case.urgent else config.duty.next_start(since)


def due(case: HandoffCase, now: dt.datetime, config: HandoffConfig) -> Due:
    if case.status != "waiting":
        return Due()
    since = case.waiting_since or case.created_at
    intake = case.summary is None
    if case.last_announced_at is None:
        card = case.urgent or case.role is not None or now - since >= config.role_grace
        return Due(intake=intake, card=card)
    limit = limit_for(case, config)
    overdue = now >= clock_start(case, config) + limit
    return Due(
        intake=intake,
        reminder=overdue and now - case.last_announced_at >= limit,
        page=overdue and case.escalated_at is None,
    )
