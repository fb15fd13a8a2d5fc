"""The dialogue: one courier message (or button) in, one `Reply` out. Channel-independent.

For every text: the crisis check first (no NLU needed); then the answer to a question a feature
asked (a "prompt", see `add_prompt`) or a running calculator takes it, or a calculator is
started, or NLU and the policy decide. Messages are recorded
idempotently when the channel gives a dedupe key; calculator state is stored between turns.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.core import calc_flows
from bot.core.buttons import parse_button
from bot.core.compose import HUMAN_BUTTON, ROLE_LABELS, Composer, ExtraButtons, role_named
from bot.core.normalize import has_meaningful_text, normalize
from bot.core.policy import Decision
from bot.core.understanding import CRISIS_SCAN_CHARS, Understanding
from common.clock import Clock
from common.privacy import mask_personal_numbers
from common.replies import Action, HandoverRequest, Reply
from handoff.cases import open_case
from knowledge.catalog import Catalog
from knowledge.hotline_text import by_role, emergency
from knowledge.places import find_place
from knowledge.render import Renderer
from storage.models import User
from storage.repositories import Messages, States, Users

log = logging.getLogger(__name__)

FLOW_MAX_AGE = dt.timedelta(hours=2)
BEIJING = ZoneInfo("Asia/Shanghai")
EMPTY_TEXT = "我在呢。有什么想问的，直接打字告诉我就行，比如“老板拖欠工资怎么办”。"
NO_WORDS_TEXT = (
    "收到你的消息啦。我现在只看得懂文字，麻烦用几句话说说遇到了什么事，比如“送件摔伤了算不算工伤”。"
)
STALE_BUTTON_TEXT = "这个按钮已经失效了。你可以直接打字问我，或者发 /menu 重新选。"
UNHELPFUL_TEXT = (
    "抱歉没帮上忙。可以换个说法再问一次，我再试试；还是不行的话，点“找真人”请工作人员来帮你。"
)
OFFER_TEXT = (
    "抱歉，接连几次都没帮上你。要不要请工作人员来？他们能看到前面说的，不用你再讲一遍。选一类："
)
UNHELPFUL_MARK = "（点了“没帮助”）"  # recorded, so the count survives restarts and staff see it
OFFER_AFTER_UNHELPFUL = 2  # answers that did not help before the bot offers a person
OFFER_WINDOW = dt.timedelta(hours=2)


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


class PromptAnswer(Protocol):
    """What a prompt handler makes of the courier's text; `done` False: keep waiting for it."""

    @property
    def reply(self) -> Reply: ...

    @property
    def done(self) -> bool: ...


# (who, their text, the prompt's argument) -> the answer; see `Dialogue.add_prompt`.
PromptHandler = Callable[[UserRef, str, str], PromptAnswer]


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
        self._prompts: dict[str, PromptHandler] = {}

    # --- extension points for features outside the core (reminders, ...) --------------------

    def offer_under_answers(self, buttons: ExtraButtons) -> None:
        """Add `buttons(topic)` under every answer (before "详细说明")."""
        self._compose.extra_buttons = buttons

    def set_availability(self, available: Callable[[str | None], bool]) -> None:
        """Whether a person of a role (None: any) could come now; replies never promise a
        person when it says no (the handoff answers it from registered staff and duty hours)."""
        self._compose.available = available

    def add_prompt(self, name: str, handler: PromptHandler) -> None:
        """After `expect(who, name, arg)`, the courier's next text goes to `handler` (the crisis
        check still first) until it answers done. A second text it cannot use ends the wait and
        is answered as usual: the courier has moved on to another question."""
        self._prompts[name] = handler

    def expect(self, who: UserRef, name: str, arg: str = "") -> None:
        """The courier was just asked something that `name`'s handler will take (replaces a
        running calculator; expires like one)."""
        if name not in self._prompts:
            raise KeyError(f"no prompt handler {name!r}")
        self._store_state(who, {"prompt": name, "arg": arg})

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
        outcome = await self._respond(who, stripped, state)
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

    async def _respond(self, who: UserRef, text: str, state: dict[str, Any] | None) -> _Outcome:
        if not text:
            return _Outcome(Reply(blocks=(EMPTY_TEXT,), action=Action.FALLBACK))
        crisis = self._understanding.crisis_in(text)
        if crisis is not None:  # safety first, whatever else is going on: leave any calculator
            decision = self._understanding.decide_crisis(crisis)
            return _Outcome(self._compose.decision(decision), decision, set_state=True)
        if not has_meaningful_text(text):
            return _Outcome(Reply(blocks=(NO_WORDS_TEXT,), action=Action.FALLBACK))
        clean = normalize(text)
        handler = self._prompts.get(str(state.get("prompt"))) if state else None
        if state and handler is not None:
            answer = handler(who, clean, str(state.get("arg") or ""))
            if answer.done:
                return _Outcome(answer.reply, None, True, None)
            if not state.get("missed"):
                return _Outcome(answer.reply, None, True, {**state, "missed": True})
        flow = calc_flows.FlowState.from_json(state) if state else None
        if flow is not None:
            step = calc_flows.advance(flow, clean, today=self._today())
            if not step.abandoned:
                return _Outcome(self._compose.calc_step(step), None, True, _state_json(step))
        started = calc_flows.trigger(clean)
        if started is not None:
            step = calc_flows.start(started)
            return _Outcome(self._compose.calc_step(step), None, True, _state_json(step))
        decision = await self._understanding.interpret(clean)  # crisis checked above
        reply = self._compose.decision(decision, place=find_place(clean), role=role_named(clean))
        return _Outcome(reply, decision, set_state=state is not None)  # a flow or prompt ends

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

    def knows_button(self, data: str | None) -> bool:
        """Whether `data` is a button this dialogue made (forged or stale data is not)."""
        return parse_button(data, self._topics, frozenset(calc_flows.FLOWS)) is not None

    async def handle_button(self, who: UserRef, data: str | None) -> Reply:
        """A pressed button. Forged or stale data gets a polite answer and changes nothing."""
        button = parse_button(data, self._topics, frozenset(calc_flows.FLOWS))
        if button is None:
            return Reply(blocks=(STALE_BUTTON_TEXT,), stale=True)
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
            if self._note_unhelpful(who, topic) >= OFFER_AFTER_UNHELPFUL:
                return Reply(blocks=(OFFER_TEXT,), choices=self._compose.role_buttons(offer=True))
            return Reply(blocks=(UNHELPFUL_TEXT,), choices=(HUMAN_BUTTON,))
        if button.kind == "calc" and button.arg in calc_flows.FLOWS:
            step = calc_flows.start(button.arg)
            self._store_state(who, _state_json(step))
            return self._compose.calc_step(step)
        if button.kind in ("human", "offer"):
            reason = "offer" if button.kind == "offer" else "button"
            return self.request_human(who, button.arg, reason=reason)
        if button.kind in ("quit", "value"):
            return self._calculator_button(who, button.arg if button.kind == "value" else None)
        return Reply(blocks=(STALE_BUTTON_TEXT,), stale=True)

    def _calculator_button(self, who: UserRef, value: str | None) -> Reply:
        """ "不算了" (value None) or a quick answer; stale when no calculator waits for it."""
        now = self._clock.now()
        with self._uow() as session:
            user = Users(session).get_or_create(who.channel, who.external_ref, now)
            stored = States(session).get(user, now, FLOW_MAX_AGE)
            flow = calc_flows.FlowState.from_json(stored) if stored else None
            slot = calc_flows.current_slot(flow) if flow is not None else None
            if flow is None or slot is None or (value is not None and value not in slot.quick):
                return Reply(blocks=(STALE_BUTTON_TEXT,), stale=True)
            step = calc_flows.advance(
                flow, value if value is not None else "取消", today=self._today()
            )
            States(session).put(user, _state_json(step), now)
        return self._compose.calc_step(step)

    def _today(self) -> dt.date:
        """The date in Beijing, by the injected clock (calculators reason in local dates)."""
        return self._clock.now().astimezone(BEIJING).date()

    def _store_state(self, who: UserRef, state: dict[str, Any] | None) -> None:
        now = self._clock.now()
        with self._uow() as session:
            user = Users(session).get_or_create(who.channel, who.external_ref, now)
            States(session).put(user, state, now)

    def _note_unhelpful(self, who: UserRef, topic: str | None) -> int:
        """Record a "没帮助" press; return how many answers did not help lately (within
        `OFFER_WINDOW`, and since the courier last talked with a person)."""
        now = self._clock.now()
        with self._uow() as session:
            user = Users(session).get_or_create(who.channel, who.external_ref, now)
            messages = Messages(session)
            messages.record(user, "in", UNHELPFUL_MARK, now, topic=topic, action="unhelpful")
            count = 0
            for row in reversed(messages.recent(user, limit=30)):
                if row.created_at < now - OFFER_WINDOW or row.action in ("relay", "staff"):
                    break
                count += row.action == "unhelpful"
        return count

    def request_human(
        self, who: UserRef, role: str | None = None, *, reason: str = "button"
    ) -> Reply:
        """Ask for a person: without a role, let the courier pick one; with one, open a case.
        `reason`: "button" (the courier asked) or "offer" (they accepted the bot's offer)."""
        if role is None:
            return Reply(
                blocks=("好的，我来请工作人员。你想找哪一类？",),
                choices=self._compose.role_buttons(offer=reason == "offer"),
                action=Action.HANDOFF,
            )
        now = self._clock.now()
        with self._uow() as session:
            user = Users(session).get_or_create(who.channel, who.external_ref, now)
            recent = Messages(session).recent(user, limit=10)
            topic = next((m.topic for m in reversed(recent) if m.topic), None)
            open_case(session, user, reason=reason, role=role, topic=topic, now=now)
        if self._compose.available(role):
            text = (
                f"已经帮你登记，请{ROLE_LABELS[role]}的工作人员来。"
                "有人接手后会在这里回复你。等的时候可以先把情况写下来："
                "时间、地点、经过、涉及的钱，越具体越好。\n\n"
                f"如果情况紧急：{emergency()}"
            )
        else:
            text = (
                f"已经帮你登记了。不过现在没有{ROLE_LABELS[role]}的工作人员在值班，"
                "暂时没人能马上回复你，有人上班后会看到你的情况。"
                f"着急的话可以先打：{by_role(role)}。\n\n"
                "等的时候我继续在这儿，有问题直接问我；不想等了，发“取消”。"
            )
        return Reply(
            blocks=(text,),
            action=Action.HANDOFF,
            handover=HandoverRequest(reason=reason, role=role),
        )


def _state_json(step: calc_flows.Step) -> dict[str, Any] | None:
    return step.state.to_json() if step.state is not None else None
