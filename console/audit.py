"""The console's audit table: every change made through it, and every login and logout."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.console_models import ConsoleAudit

ACTION_LABELS = {
    "login": "登录",
    "login_failed": "登录失败",
    "login_locked": "账号锁定",
    "logout": "退出",
    "event_add": "新建活动",
    "event_edit": "修改活动",
    "event_cancel": "取消活动",
    "case_close": "结束个案",
    "case_reassign": "转交个案",
    "transcript_view": "查看对话记录",
    "staff_add": "添加工作人员",
    "staff_update": "修改工作人员",
    "staff_remove": "移除工作人员",
    "user_add": "新建控制台账号",
}


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    now: dt.datetime,
    user_id: int | None = None,
    target: str = "",
    detail: str = "",
    address: str = "",
) -> None:
    session.add(
        ConsoleAudit(
            user_id=user_id,
            actor=actor[:40],
            action=action[:32],
            target=target[:80],
            detail=detail[:500],
            address=address[:64],
            at=now,
        )
    )


def recent(session: Session, limit: int = 200) -> list[ConsoleAudit]:
    return list(session.scalars(select(ConsoleAudit).order_by(ConsoleAudit.id.desc()).limit(limit)))
