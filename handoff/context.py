"""One unit of handoff work: the session, configuration, texts and the time, plus small helpers
every part uses (whose chat a case is in, how a case card reads, relay links)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff.buttons import Press
from handoff.config import HandoffConfig
from handoff.notices import Button, ChatRef, EditCard, Notice, Track
from handoff.render import HandoffText
from handoff.staff import ROLE_LABELS, actor_name, chat_of, write_audit
from storage.handoff_models import CaseCard, RelayLink, Staff
from storage.models import HandoffCase, User

RISK_LABELS = {"self_harm": "可能自伤", "violence": "正在发生的暴力"}
STATUS_LABELS = {
    "waiting": "在等待",
    "claimed": "已被接手",
    "closed": "已结束",
    "cancelled": "已被来访者取消",
}


@dataclass(frozen=True, slots=True)
class Ctx:
    session: Session
    config: HandoffConfig
    text: HandoffText
    now: dt.datetime

    # --- looking things up ------------------------------------------------------------------

    def courier_chat(self, case: HandoffCase) -> ChatRef:
        user = self.session.get(User, case.user_id)
        assert user is not None  # a case is deleted with its user
        return ChatRef(user.channel, user.external_ref)

    def staff(self, staff_id: int | None) -> Staff | None:
        return self.session.get(Staff, staff_id) if staff_id is not None else None

    def role_label(self, case: HandoffCase) -> str:
        return ROLE_LABELS.get(case.role or "", "未选类别")

    def minutes_waiting(self, case: HandoffCase) -> int:
        since = case.waiting_since or case.created_at
        return max(0, int((self.now - since).total_seconds() // 60))

    def topic_title(self, topic: str | None) -> str | None:
        return self.config.topic_titles.get(topic, topic) if topic else None

    def risk_label(self, case: HandoffCase) -> str | None:
        if not case.reason.startswith("crisis:"):
            return None
        kind = case.reason.partition(":")[2]
        return RISK_LABELS.get(kind, kind)

    # --- cards ------------------------------------------------------------------------------

    def card_html(
        self, case: HandoffCase, *, state: str, holder: Staff | None = None, reminder: bool = False
    ) -> str:
        summary = case.summary or {}
        lines = [m for m in summary.get("messages", []) if m.get("from") == "courier"]
        last = lines[-1]["text"] if lines else None
        preferred = self.staff(case.preferred_staff_id)
        return self.text.page(
            "card.html",
            id=case.id,
            urgent=case.urgent,
            role=self.role_label(case),
            pseudonym=case.pseudonym or f"来访者{case.id}",
            topic=self.topic_title(case.topic),
            risk=self.risk_label(case),
            minutes=self.minutes_waiting(case),
            last_line=last[:80] if last else None,
            state=state,
            holder=holder.alias if holder else "",
            preferred=preferred.alias if preferred else None,
            reminder=reminder,
        )

    def claim_button(self, case: HandoffCase) -> tuple[Button, ...]:
        label = "🔴 接手（紧急）" if case.urgent else "接手"
        return (Button(label, Press("claim", case.id).encode()),)

    def card_notice(self, case: HandoffCase, to: ChatRef, *, reminder: bool = False) -> Notice:
        return Notice(
            to,
            self.card_html(case, state="waiting", reminder=reminder),
            self.claim_button(case),
            track=Track("card", case.id),
        )

    def card_edits(
        self, case: HandoffCase, *, state: str, holder: Staff | None = None
    ) -> list[EditCard]:
        """Rewrite every card of the case (group cards and pages): taken, closed, cancelled..."""
        cards = self.session.scalars(
            select(CaseCard).where(CaseCard.case_id == case.id).order_by(CaseCard.id)
        )
        html = self.card_html(case, state=state, holder=holder)
        buttons = self.claim_button(case) if state == "waiting" else ()
        return [
            EditCard(ChatRef(c.channel, c.chat_ref), c.message_ref, html, buttons) for c in cards
        ]

    # --- relay links and audit --------------------------------------------------------------

    def link(
        self,
        case: HandoffCase,
        direction: str,
        *,
        target: ChatRef | None,
        source: ChatRef | None = None,
        source_message: str | None = None,
    ) -> RelayLink:
        row = RelayLink(
            case_id=case.id,
            direction=direction,
            source_channel=source.channel if source else None,
            source_chat=source.ref if source else None,
            source_message=source_message,
            target_channel=target.channel if target else None,
            target_chat=target.ref if target else None,
            created_at=self.now,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def note(
        self, case: HandoffCase, to: ChatRef, html: str, buttons: tuple[Button, ...] = ()
    ) -> Notice:
        """A notice to staff about a case, tracked so a reply to it finds the case."""
        row = self.link(case, "note", target=to)
        return Notice(to, html, buttons, track=Track("link", row.id))

    def audit(
        self, staff: Staff, action: str, case: HandoffCase | None = None, detail: str = ""
    ) -> None:
        write_audit(
            self.session, actor=actor_name(staff), action=action, now=self.now, staff=staff,
            case_id=case.id if case else None, detail=detail,
        )  # fmt: skip

    def staff_chat(self, staff: Staff) -> ChatRef:
        return chat_of(staff)
