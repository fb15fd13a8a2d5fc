"""Staff: who takes handed-off cases (add, change role, remove), their Telegram id and WeCom
userid, the duty hours; and the audit logs (staff actions, console changes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.responses import Response
from starlette.routing import Route

from console.audit import ACTION_LABELS, recent
from console.web import Deps, NotFound, Req, guard
from handoff.notices import ChatRef
from handoff.staff import ROLE_LABELS, StaffError, add_staff, list_staff, remove_staff
from storage.handoff_models import STAFF_ROLES, Staff, StaffAudit

AUDIT_ROWS = 200
# `staff.wecom_userid` comes with the WeCom channel; shown and set only once the column exists.
HAS_WECOM = hasattr(Staff, "wecom_userid")


def _telegram_id(value: str) -> str:
    value = value.strip()
    if not value.isascii() or not value.isdigit() or int(value) <= 0:
        raise StaffError("Telegram 用户 id 是一个正整数（可以让对方给 @userinfobot 发消息查看）")
    return str(int(value))


def _row(staff: Staff) -> dict[str, Any]:
    return {
        "id": staff.id, "alias": staff.alias, "role": staff.role,
        "role_label": ROLE_LABELS.get(staff.role, staff.role),
        "telegram": staff.external_ref if staff.channel == "telegram" else "—",
        "wecom": getattr(staff, "wecom_userid", None) or "—", "active": staff.active,
        "added_at": staff.added_at, "removed_at": staff.removed_at,
    }  # fmt: skip


def routes(deps: Deps) -> list[Route]:
    def listing(req: Req) -> Response:
        show_all = req.query.get("all") == "1"
        with deps.uow() as session:
            rows = [_row(s) for s in list_staff(session, include_removed=show_all)]
        return req.render(
            "staff.html", staff=rows, show_all=show_all, duty=deps.config.duty_text,
            roles=[(r, ROLE_LABELS[r]) for r in STAFF_ROLES], has_wecom=HAS_WECOM,
        )  # fmt: skip

    def add(req: Req) -> Response:
        actor = f"console:{req.viewer.name}"
        try:
            who = ChatRef("telegram", _telegram_id(req.form.get("telegram_id", "")))
            with deps.uow() as session:
                row, created = add_staff(
                    session, who, role=req.form.get("role", ""), alias=req.form.get("alias", ""),
                    now=req.now, actor=actor,
                )  # fmt: skip
                wecom = req.form.get("wecom_userid", "").strip()
                if HAS_WECOM and wecom:
                    setattr(row, "wecom_userid", wecom[:64])  # noqa: B010 - column may not exist
                action = "staff_add" if created else "staff_update"
                req.audit(session, action, f"工作人员 #{row.id}", f"{row.role} {row.alias}")
                done = f"{'已添加' if created else '已更新'}工作人员 #{row.id}：{row.alias}"
        except StaffError as exc:
            return req.redirect("/staff", f"没有保存：{exc}")
        return req.redirect("/staff", done)

    def change_role(req: Req) -> Response:
        staff_id = req.int_param("id")
        with deps.uow() as session:
            staff = session.get(Staff, staff_id)
            if staff is None or not staff.active:
                raise NotFound
            try:
                add_staff(session, ChatRef(staff.channel, staff.external_ref),
                          role=req.form.get("role", ""), alias=staff.alias, now=req.now,
                          actor=f"console:{req.viewer.name}")  # fmt: skip
            except StaffError as exc:
                return req.redirect("/staff", f"没有保存：{exc}")
            req.audit(session, "staff_update", f"工作人员 #{staff_id}", staff.role)
            done = f"{staff.alias} 的角色改为 {ROLE_LABELS.get(staff.role, staff.role)}"
        return req.redirect("/staff", done)

    def remove(req: Req) -> Response:
        staff_id = req.int_param("id")
        with deps.uow() as session:
            staff = session.get(Staff, staff_id)
            if staff is None:
                raise NotFound
            gone = remove_staff(session, ChatRef(staff.channel, staff.external_ref), now=req.now,
                                actor=f"console:{req.viewer.name}")  # fmt: skip
            if gone is None:
                return req.redirect("/staff", "这位工作人员已经移除了。")
            req.audit(session, "staff_remove", f"工作人员 #{staff_id}", staff.alias)
        return req.redirect("/staff", f"已移除 {staff.alias}；他手上的个案回到等待队列。")

    def audit_log(req: Req) -> Response:
        with deps.uow() as session:
            staff_rows = list(
                session.scalars(select(StaffAudit).order_by(StaffAudit.id.desc()).limit(AUDIT_ROWS))
            )
            console_rows = recent(session, AUDIT_ROWS)
        return req.render("audit.html", staff_rows=staff_rows, console_rows=console_rows,
                          labels=ACTION_LABELS)  # fmt: skip

    return [
        Route("/staff", guard(deps, listing), methods=["GET"]),
        Route("/staff/add", guard(deps, add, role="admin"), methods=["POST"]),
        Route("/staff/{id:int}/role", guard(deps, change_role, role="admin"), methods=["POST"]),
        Route("/staff/{id:int}/remove", guard(deps, remove, role="admin"), methods=["POST"]),
        Route("/audit", guard(deps, audit_log, role="coordinator"), methods=["GET"]),
    ]
