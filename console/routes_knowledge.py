"""The knowledge base, read-only (entries are edited in git and reviewed): each entry's review
date, its unverified facts, how often its topic was asked and marked 没帮助 in a period."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from starlette.responses import Response
from starlette.routing import Route

from console.figures import QUESTION_ACTIONS
from console.routes_dashboard import period
from console.web import Deps, Req, guard
from handoff.report import local_range
from knowledge.loader import load_entries
from knowledge.store import read_from_db
from storage.models import Message

REVIEW_AFTER_DAYS = 180  # an entry not reviewed for half a year is flagged


def _counts(session: Any, low: dt.datetime, high: dt.datetime, *actions: str) -> Counter[str]:
    rows = session.execute(
        select(Message.topic, func.count(Message.id))
        .where(Message.direction == "in", Message.action.in_(actions),
               Message.topic.is_not(None), Message.created_at >= low, Message.created_at < high)
        .group_by(Message.topic)
    ).all()  # fmt: skip
    return Counter({topic: int(n) for topic, n in rows})


def routes(deps: Deps) -> list[Route]:
    def listing(req: Req) -> Response:
        start, end, problem = period(req)
        low, high = local_range(start, end, deps.config.zone)
        entries = read_from_db(deps.uow)
        from_files = not entries
        if from_files:  # the assistant has not loaded the knowledge base into this database yet
            entries = list(load_entries().values())
        with deps.uow() as session:
            asked = _counts(session, low, high, *QUESTION_ACTIONS)
            unhelpful = _counts(session, low, high, "unhelpful")
        today = req.now.astimezone(deps.config.zone).date()
        ordered = sorted(entries, key=lambda e: (-asked[e.topic], e.topic))
        rows = [
                {
                    "topic": e.topic, "title": e.title, "reviewed": e.reviewed,
                    "age": (today - e.reviewed).days,
                    "stale": (today - e.reviewed).days > REVIEW_AFTER_DAYS,
                    "unverified": list(e.unverified), "facts": len(e.facts),
                    "asked": asked[e.topic], "unhelpful": unhelpful[e.topic],
                }
                for e in ordered
        ]  # fmt: skip
        return req.render(
            "knowledge.html", rows=rows, start=start, end=end, problem=problem,
            from_files=from_files, review_days=REVIEW_AFTER_DAYS,
        )  # fmt: skip

    return [Route("/knowledge", guard(deps, listing), methods=["GET"])]
