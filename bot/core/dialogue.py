"""The dialogue: one courier message (or button) in, one `Reply` out. Channel-independent.

For every text: the crisis check first (no NLU needed); then a running calculator takes the
answer, or a calculator is started, or NLU and the policy decide. Messages are recorded
idempotently when the channel gives a dedupe key; calculator state is stored between turns.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.core import calc_flows
from bot.core.buttons import parse_button
from bot.core.compose import ROLE_LABELS, Composer
from bot.core.normalize import has_meaningful_text, normalize
from bot.core.policy import Decision
from bot.core.privacy import mask_personal_numbers
from bot.core.replies import Action, Reply
from bot.core.understanding import CRISIS_SCAN_CHARS, Understanding
from handoff.cases import open_case
from knowledge.catalog import Catalog
from knowledge.places import find_place
from knowledge.render import Renderer
from storage.models import User
from storage.repositories import Messages, States, Users

log = logging.getLogger(__name__)

FLOW_MAX_AGE = dt.timedelta(hours=2)
EMPTY_TEXT = "我在呢。有什么想问的，直接打字告诉我就行，比如“老板拖欠工资怎么办”。"
NO_WORDS_TEXT = (
    "收到你的消息啦。我现在只看得懂文字，麻烦用几句话说说遇到了什么事，比如“送件摔伤了算不算工伤”。"
)
STALE_BUTTON_TEXT = "这个按钮已经失效了。你可以直接打字问我，或者发 /menu 重新选。"


@dataclass(frozen=True, slots=True)
class _Outcome:
    reply: Reply
    decision: Decision | None = None
    set_state: bool = False  # False: leave the stored calculator state as it is
    state: dict[str, Any] | None = None


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
        self._compose = Composer(catalog, renderer)
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
            state = States(session).get(user, now, FLOW_MAX_AGE)
        stripped = text.strip()[:CRISIS_SCAN_CHARS]
        outcome = await self._respond(stripped, state)
        reply = outcome.reply
        with self._uow() as session:
            user = Users(session).get_or_create(who.channel, who.external_ref, now)
            recorded = Messages(session).record(
                user, "in", mask_personal_numbers(stripped), now, dedupe_key=dedupe_key,
                topic=reply.topic, action=reply.action, confidence=reply.confidence,
            )  # fmt: skip
            if recorded is None:  # a concurrent delivery of the same update won the race
                return None
            if outcome.set_state:
                States(session).put(user, outcome.state, now)
            self._open_case_if_asked(session, user, reply, outcome.decision)
            Messages(session).record(
                user, "out", reply.plain(), now, topic=reply.topic, action=reply.action
            )
        log.info(
            "message handled: channel=%s action=%s topic=%s confidence=%.2f",
            who.channel, reply.action, reply.topic, reply.confidence or 0.0,
        )  # fmt: skip
        return reply

    async def _respond(self, text: str, state: dict[str, Any] | None) -> _Outcome:
        if not text:
            return _Outcome(Reply(blocks=(EMPTY_TEXT,), action=Action.FALLBACK))
        crisis = self._understanding.crisis_in(text)
        if crisis is not None:  # safety first, whatever else is going on: leave any calculator
            decision = self._understanding.decide_crisis(crisis)
            return _Outcome(self._compose.decision(decision), decision, set_state=True)
        if not has_meaningful_text(text):
            return _Outcome(Reply(blocks=(NO_WORDS_TEXT,), action=Action.FALLBACK))
        clean = normalize(text)
        flow = calc_flows.FlowState.from_json(state) if state else None
        if flow is not None:
            step = calc_flows.advance(flow, clean)
            if not step.abandoned:
                return _Outcome(self._compose.calc_step(step), None, True, _state_json(step))
        started = calc_flows.trigger(clean)
        if started is not None:
            step = calc_flows.start(started)
            return _Outcome(self._compose.calc_step(step), None, True, _state_json(step))
        decision = await self._understanding.interpret(clean)  # crisis checked above
        reply = self._compose.decision(decision, place=find_place(clean))
        return _Outcome(reply, decision, set_state=flow is not None)

    def _open_case_if_asked(
        self, session: Session, user: User, reply: Reply, decision: Decision | None
    ) -> None:
        if reply.handover is None:
            return
        open_case(
            session, user, reason=reply.handover.reason, role=reply.handover.role,
            urgent=reply.handover.urgent, topic=decision.topic if decision else reply.topic,
            now=self._clock.now(),
        )  # fmt: skip

    async def handle_button(self, who: UserRef, data: str | None) -> Reply:
        """A pressed button. Forged or stale data gets a polite answer and changes nothing."""
        button = parse_button(data, self._topics, frozenset(calc_flows.FLOWS))
        if button is None:
            return Reply(blocks=(STALE_BUTTON_TEXT,))
        topic = button.arg if button.arg in self._topics else None
        if button.kind == "answer" and topic is not None:
            action = Action.ANSWER if self._catalog.action(topic) == "answer" else Action.SMALLTALK
            decision = Decision(action=action, topic=topic, confidence=1.0, candidates=())
            return self._compose.decision(decision)
        if button.kind == "detail" and topic is not None:
            return self._compose.detail(topic)
        if button.kind == "helpful":
            return Reply(blocks=("谢谢你的反馈！还有别的问题随时问我。",))
        if button.kind == "unhelpful":
            return Reply(
                blocks=("抱歉没帮上忙。可以换个说法再问一次，或者让工作人员来帮你：",),
                choices=self._compose.role_buttons(),
            )
        if button.kind == "calc" and button.arg in calc_flows.FLOWS:
            step = calc_flows.start(button.arg)
            self._store_state(who, _state_json(step))
            return self._compose.calc_step(step)
        if button.kind == "human":
            return self._request_human(who, button.arg)
        return Reply(blocks=(STALE_BUTTON_TEXT,))

    def _store_state(self, who: UserRef, state: dict[str, Any] | None) -> None:
        now = self._clock.now()
        with self._uow() as session:
            user = Users(session).get_or_create(who.channel, who.external_ref, now)
            States(session).put(user, state, now)

    def _request_human(self, who: UserRef, role: str | None) -> Reply:
        if role is None:
            return Reply(
                blocks=("好的，我来请工作人员。你想找哪一类？",),
                choices=self._compose.role_buttons(),
                action=Action.HANDOFF,
            )
        now = self._clock.now()
        with self._uow() as session:
            user = Users(session).get_or_create(who.channel, who.external_ref, now)
            open_case(session, user, reason="button", role=role, now=now)
        return Reply(
            blocks=(
                f"已经帮你登记，请{ROLE_LABELS[role]}的工作人员来。"
                "有人接手后会在这里回复你。等的时候可以先把情况写下来："
                "时间、地点、经过、涉及的钱，越具体越好。\n\n"
                "如果情况紧急：有危险打 110，受伤打 120，心理援助打 12356。",
            ),
            action=Action.HANDOFF,
        )


def _state_json(step: calc_flows.Step) -> dict[str, Any] | None:
    return step.state.to_json() if step.state is not None else None
