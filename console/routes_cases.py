"""Handoff cases: the queue (urgent first), those in hand, history, one case with its masked
transcript; a coordinator can put a case back in the queue for someone else, or close it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.responses import Response
from starlette.routing import Route

from console.web import Deps, NotFound, Req, guard
from handoff.admin import CaseActionError, close_case, reassign_case
from handoff.cases import ROLES, waiting_queue
from handoff.context import RISK_LABELS, STATUS_LABELS, Ctx
from handoff.render import HandoffText
from handoff.staff import ROLE_LABELS, list_staff
from handoff.transcript import transcript_lines
from storage.handoff_models import Staff, StaffAudit
from storage.models import HandoffCase

HISTORY_LIMIT = 100


def _row(ctx: Ctx, case: HandoffCase, staff: dict[int, Staff]) -> dict[str, Any]:
    """What the tables show of a case: never the courier's chat, only the pseudonym."""
    holder = staff.get(case.claimed_by) if case.claimed_by else None
    return {
        "id": case.id, "urgent": case.urgent, "risk": ctx.risk_label(case),
        "pseudonym": case.pseudonym or f"来访者{case.id}", "role": ctx.role_label(case),
        "topic": ctx.topic_title(case.topic) or "—", "created": case.created_at,
        "minutes": ctx.minutes_waiting(case), "holder": holder.alias if holder else None,
        "claimed_at": case.claimed_at, "closed_at": case.closed_at,
        "status": STATUS_LABELS.get(case.status, case.status), "open": case.status in
        ("waiting", "claimed"), "rating": case.satisfaction,
    }  # fmt: skip


def routes(deps: Deps) -> list[Route]:
    texts = HandoffText()

    def ctx_of(req: Req, session: Any) -> Ctx:
        return Ctx(session, deps.config.handoff, texts, req.now)

    def staff_by_id(session: Any) -> dict[int, Staff]:
        return {s.id: s for s in list_staff(session, include_removed=True)}

    def queue(req: Req) -> Response:
        with deps.uow() as session:
            ctx, staff = ctx_of(req, session), staff_by_id(session)
            waiting = [_row(ctx, c, staff) for c in waiting_queue(session, limit=200)]
            held = [
                _row(ctx, c, staff)
                for c in session.scalars(
                    select(HandoffCase).where(HandoffCase.status == "claimed")
                    .order_by(HandoffCase.claimed_at, HandoffCase.id)
                )
            ]  # fmt: skip
            history = [
                _row(ctx, c, staff)
                for c in session.scalars(
                    select(HandoffCase).where(HandoffCase.status.in_(("closed", "cancelled")))
                    .order_by(HandoffCase.created_at.desc(), HandoffCase.id.desc())
                    .limit(HISTORY_LIMIT)
                )
            ]  # fmt: skip
        return req.render("cases.html", waiting=waiting, held=held, history=history)

    def detail(req: Req) -> Response:
        case_id = req.int_param("id")
        with deps.uow() as session:
            case = session.get(HandoffCase, case_id)
            if case is None:
                raise NotFound
            ctx, staff = ctx_of(req, session), staff_by_id(session)
            row = _row(ctx, case, staff)
            # Transcripts (counselling ones among them) only for coordinators and admins, and
            # every reading is audited, as the staff desk's /transcript is.
            may_read = req.viewer.can("coordinator")
            lines = transcript_lines(ctx, case) if may_read else []
            if may_read:
                req.audit(session, "transcript_view", f"个案 #{case_id}")
            notes = list((case.summary or {}).get("notes", []))
            actions = [
                {"at": a.at, "actor": a.actor, "action": a.action, "detail": a.detail}
                for a in session.scalars(
                    select(StaffAudit).where(StaffAudit.case_id == case_id).order_by(StaffAudit.id)
                )
            ]
            active = [s for s in staff.values() if s.active]
            close_note = case.close_note
        return req.render(
            "case.html", case=row, lines=lines, notes=notes, actions=actions, staff=active,
            roles=[(r, ROLE_LABELS[r]) for r in ROLES], close_note=close_note,
            risk_labels=RISK_LABELS, role_labels=ROLE_LABELS, may_read=may_read,
        )  # fmt: skip

    def act(req: Req, action: str) -> Response:
        case_id = req.int_param("id")
        actor = f"console:{req.viewer.name}"
        with deps.uow() as session:
            ctx = ctx_of(req, session)
            try:
                if action == "close":
                    outcome = close_case(ctx, case_id, req.form.get("note", ""), actor=actor)
                    done = f"个案 #{case_id} 已结束。"
                else:
                    target = req.form.get("target", "")
                    kind, _, value = target.partition(":")
                    outcome = reassign_case(
                        ctx, case_id, actor=actor,
                        role=value if kind == "role" else None,
                        staff_id=int(value) if kind == "staff" and value.isdigit() else None,
                    )  # fmt: skip
                    done = f"个案 #{case_id} 已回到等待队列，助手会在 15 秒内重新发出个案卡片。"
            except CaseActionError as exc:
                return req.redirect(f"/cases/{case_id}", str(exc))
            req.audit(session, f"case_{action}", f"个案 #{case_id}", req.form.get("target", ""))
        req.outbox.append(outcome)
        if deps.deliver is None:
            done += "（控制台单独运行：来访者和工作人员的通知未发出。）"
        return req.redirect(f"/cases/{case_id}", done)

    return [
        Route("/cases", guard(deps, queue), methods=["GET"]),
        Route("/cases/{id:int}", guard(deps, detail), methods=["GET"]),
        Route("/cases/{id:int}/close", guard(deps, lambda r: act(r, "close"), role="coordinator"),
              methods=["POST"]),
        Route("/cases/{id:int}/reassign",
              guard(deps, lambda r: act(r, "reassign"), role="coordinator"), methods=["POST"]),
    ]  # fmt: skip
