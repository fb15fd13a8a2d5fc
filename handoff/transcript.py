"""A case's transcript for staff: the lead-up the summary holds, then the case, numbers masked."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from common.privacy import mask_personal_numbers
from handoff.context import Ctx
from handoff.notices import ChatRef, Notice
from storage.models import HandoffCase, Message

CHUNK_CHARS = 3000  # well under Telegram's 4096 once tags are added
LINE_CHARS = 500


def transcript_lines(ctx: Ctx, case: HandoffCase) -> list[dict[str, str]]:
    start = case.created_at
    for item in (case.summary or {}).get("messages", [])[:1]:
        start = min(start, dt.datetime.fromisoformat(item["at"]))
    query = (
        select(Message)
        .where(Message.user_id == case.user_id, Message.created_at >= start)
        .order_by(Message.created_at, Message.id)
    )
    if case.closed_at is not None:
        query = query.where(Message.created_at <= case.closed_at)
    lines = []
    for m in ctx.session.scalars(query):
        if m.action == "staff":
            who = "工作人员"
        elif m.direction == "out":
            who = "机器人"
        else:
            who = "来访者"
        text = mask_personal_numbers(m.text)
        lines.append(
            {
                "at": f"{m.created_at.astimezone(ctx.config.zone):%m-%d %H:%M}",
                "who": who,
                "text": text if len(text) <= LINE_CHARS else text[: LINE_CHARS - 1] + "…",
            }
        )
    return lines


def transcript_notices(ctx: Ctx, case: HandoffCase, to: ChatRef) -> list[Notice]:
    """The transcript in messages short enough to send; the close note at the end."""
    chunks: list[list[dict[str, str]]] = [[]]
    size = 0
    for line in transcript_lines(ctx, case):
        length = len(line["text"]) + 20
        if chunks[-1] and size + length > CHUNK_CHARS:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += length
    return [
        Notice(
            to,
            ctx.text.page(
                "transcript.html",
                id=case.id,
                part=number,
                pseudonym=case.pseudonym or "",
                lines=lines,
                note=case.close_note if number == len(chunks) else None,
            ),
        )
        for number, lines in enumerate(chunks, start=1)
    ]
