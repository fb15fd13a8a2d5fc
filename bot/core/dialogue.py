"""The dialogue: one courier message in, one `Reply` out. Channel-independent.

Order for every text: normalise -> crisis check (no NLU needed) -> NLU -> policy -> render.
Messages are recorded idempotently when the channel gives a dedupe key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.core.buttons import ROLES, ButtonData, parse_button
from bot.core.normalize import has_meaningful_text
from bot.core.policy import Decision
from bot.core.replies import Action, Choice, HandoverRequest, Reply
from bot.core.understanding import CRISIS_SCAN_CHARS, Understanding
from handoff.cases import open_case
from knowledge.catalog import Catalog
from knowledge.render import Renderer
from storage.models import User
from storage.repositories import Messages, Users

log = logging.getLogger(__name__)

ROLE_LABELS = {"legal": "法律援助", "counselling": "心理支持", "union": "工会帮助"}
HUMAN_BUTTON = Choice("找真人", ButtonData("human").encode())
EMPTY_TEXT = "我在呢。有什么想问的，直接打字告诉我就行，比如“老板拖欠工资怎么办”。"
NO_WORDS_TEXT = (
    "收到你的消息啦。我现在只看得懂文字，麻烦用几句话说说遇到了什么事，比如“送件摔伤了算不算工伤”。"
)
STALE_BUTTON_TEXT = "这个按钮已经失效了。你可以直接打字问我，或者发 /menu 重新选。"


@dataclass(frozen=True, slots=True)
class UserRef:
    channel: str
    external_ref: str


class Dialogue:
    def __init__(
        self,
        *,
        catalog: Catalog,
        understanding: Understanding,
        renderer: Renderer,
        uow: Callable[[], AbstractContextManager[Session]],
        clock: Clock,
    ) -> None:
        self._catalog = catalog
        self._understanding = understanding
        self._renderer = renderer
        self._uow = uow
        self._clock = clock
        self._topics = set(catalog.topics)

    async def handle_text(
        self, who: UserRef, text: str, *, dedupe_key: str | None = None
    ) -> Reply | None:
        """Answer one message. None when `dedupe_key` was handled before (a redelivery)."""
        now = self._clock.now()
        with self._uow() as session:
            user = Users(session).get_or_create(who.channel, who.external_ref, now)
            if dedupe_key is not None and Messages(session).seen(dedupe_key):
                return None
        stripped = text.strip()
        if not stripped:
            reply = Reply(blocks=(EMPTY_TEXT,), action=Action.FALLBACK)
            decision = None
        else:
            decision = await self._understanding.understand(stripped)
            if decision.action is not Action.CRISIS and not has_meaningful_text(stripped):
                reply = Reply(blocks=(NO_WORDS_TEXT,), action=Action.FALLBACK)
            else:
                reply = self.compose(decision)
        with self._uow() as session:
            user = Users(session).get_or_create(who.channel, who.external_ref, now)
            recorded = Messages(session).record(
                user,
                "in",
                stripped[:CRISIS_SCAN_CHARS],
                now,
                dedupe_key=dedupe_key,
                topic=reply.topic,
                action=reply.action,
                confidence=reply.confidence,
            )
            if recorded is None:  # a concurrent delivery of the same update won the race
                return None
            if reply.handover is not None:
                self._open_case(session, user, reply, decision)
            Messages(session).record(
                user, "out", reply.plain(), now, topic=reply.topic, action=reply.action
            )
        log.info(
            "message handled: channel=%s action=%s topic=%s confidence=%.2f",
            who.channel,
            reply.action,
            reply.topic,
            reply.confidence or 0.0,
        )
        return reply

    def _open_case(
        self, session: Session, user: User, reply: Reply, decision: Decision | None
    ) -> None:
        assert reply.handover is not None
        open_case(
            session,
            user,
            reason=reply.handover.reason,
            role=reply.handover.role,
            urgent=reply.handover.urgent,
            topic=decision.topic if decision else reply.topic,
            now=self._clock.now(),
        )

    def compose(self, decision: Decision) -> Reply:
        """Turn a policy decision into a reply (pure: no storage, no network)."""
        entry = self._catalog.entry(decision.topic) if decision.topic else None
        if decision.action is Action.CRISIS:
            kind = (
                decision.crisis.kind
                if decision.crisis
                else ("violence" if decision.topic == "safety.emergency" else "self_harm")
            )
            return _reply(
                decision,
                self._renderer.crisis(kind),
                (HUMAN_BUTTON,),
                HandoverRequest(reason=f"crisis:{kind}", urgent=True, role="counselling"),
            )
        if decision.action is Action.ANSWER and entry is not None:
            assert decision.topic is not None
            return _reply(
                decision,
                self._renderer.answer(entry, degraded=decision.degraded),
                self.answer_buttons(decision.topic),
            )
        if decision.action is Action.CLARIFY:
            close = [c.topic for c in decision.candidates[:2]]
            choices = tuple(
                Choice(self._catalog.title(t), ButtonData("answer", t).encode()) for t in close
            )
            return _reply(
                decision,
                self._renderer.clarify([self._catalog.title(t) for t in close]),
                (*choices, HUMAN_BUTTON),
            )
        if decision.action is Action.HANDOFF and entry is not None:
            role = "counselling" if decision.topic == "psych.counselling" else None
            return _reply(
                decision,
                self._renderer.handoff(entry),
                self.role_buttons(),
                HandoverRequest(reason=f"asked:{decision.topic}", role=role),
            )
        if decision.action in (Action.SMALLTALK, Action.OUT_OF_SCOPE) and entry is not None:
            return _reply(decision, self._renderer.smalltalk(entry))
        return _reply(
            decision,
            self._renderer.fallback(degraded=decision.degraded),
            (HUMAN_BUTTON,),
            action=Action.FALLBACK,
        )

    def answer_buttons(self, topic: str) -> tuple[Choice, ...]:
        return (
            Choice("详细说明", ButtonData("detail", topic).encode()),
            Choice("有帮助", ButtonData("helpful", topic).encode()),
            Choice("没帮助", ButtonData("unhelpful", topic).encode()),
            HUMAN_BUTTON,
        )

    @staticmethod
    def role_buttons() -> tuple[Choice, ...]:
        return tuple(Choice(ROLE_LABELS[r], ButtonData("human", r).encode()) for r in ROLES)

    async def handle_button(self, who: UserRef, data: str | None) -> Reply:
        """A pressed button. Forged or stale data gets a polite answer and changes nothing."""
        button = parse_button(data, self._topics)
        if button is None:
            return Reply(blocks=(STALE_BUTTON_TEXT,))
        entry = self._catalog.entry(button.arg) if button.arg in self._topics else None
        if button.kind == "answer" and button.arg:
            return self.compose(
                Decision(
                    action=Action.ANSWER
                    if self._catalog.action(button.arg) == "answer"
                    else Action.SMALLTALK,
                    topic=button.arg,
                    confidence=1.0,
                    candidates=(),
                )
            )
        if button.kind == "detail" and entry is not None:
            return Reply(
                blocks=(self._renderer.detail(entry),), choices=(HUMAN_BUTTON,), topic=entry.topic
            )
        if button.kind == "helpful":
            return Reply(blocks=("谢谢你的反馈！还有别的问题随时问我。",))
        if button.kind == "unhelpful":
            return Reply(
                blocks=("抱歉没帮上忙。可以换个说法再问一次，或者让工作人员来帮你：",),
                choices=self.role_buttons(),
            )
        if button.kind == "human":
            return self._request_human(who, button.arg)
        return Reply(blocks=(STALE_BUTTON_TEXT,))

    def _request_human(self, who: UserRef, role: str | None) -> Reply:
        if role is None:
            return Reply(
                blocks=("好的，我来请工作人员。你想找哪一类？",),
                choices=self.role_buttons(),
                action=Action.HANDOFF,
            )
        with self._uow() as session:
            user = Users(session).get_or_create(who.channel, who.external_ref, self._clock.now())
            open_case(session, user, reason="button", role=role, now=self._clock.now())
        return Reply(
            blocks=(
                f"已经帮你登记，请{ROLE_LABELS[role]}的工作人员来。"
                "有人接手后会在这里回复你。等的时候可以先把情况写下来，"
                "时间、地点、经过、涉及的钱，越具体越好。\n\n"
                "如果情况紧急：有危险打 110，受伤打 120，心理援助打 12356。",
            ),
            action=Action.HANDOFF,
        )


def _reply(
    decision: Decision,
    block: str,
    choices: tuple[Choice, ...] = (),
    handover: HandoverRequest | None = None,
    *,
    action: Action | None = None,
) -> Reply:
    return Reply(
        blocks=(block,),
        choices=choices,
        handover=handover,
        action=action or decision.action,
        topic=decision.topic,
        confidence=round(decision.confidence, 4),
    )
