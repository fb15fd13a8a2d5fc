"""Turn decisions and calculator steps into `Reply` data. Pure: no storage, no network."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from bot.core import calc_flows
from bot.core.buttons import ROLES, ButtonData, Kind
from bot.core.policy import Decision
from common.replies import Action, Choice, HandoverRequest, Reply
from knowledge.catalog import Catalog
from knowledge.render import Renderer

ROLE_LABELS = {"legal": "法律援助", "counselling": "心理支持", "union": "工会帮助"}
# Words that name a kind of staff in a request for a person: 我想找律师, 能找工会的人吗.
_ROLE_WORDS = {
    "legal": re.compile("律师|法律援助|法援|法律工作者|打官司"),
    "union": re.compile("工会"),
    "counselling": re.compile("心理|咨询师|倾诉|谈心|聊聊心事"),
}
HUMAN_BUTTON = Choice("找真人", ButtonData("human").encode())
# The same words when the bot offers a person (a low-confidence turn): accepting opens an "offer".
OFFER_BUTTON = Choice("找真人", ButtonData("offer").encode())
QUIT_BUTTON = Choice("不算了", ButtonData("quit").encode())
# Calculators offered under the answers they belong to.
CALCULATORS_FOR_TOPIC = {
    "contract.compensation": ("compensation", "illegal_termination"),
    "contract.dismissal": ("illegal_termination",),
    "contract.written": ("double_wages",),
    "wages.overtime": ("overtime",),
}
# Buttons a feature outside the core adds under the answer to a topic (e.g. a deadline reminder).
ExtraButtons = Callable[[str], tuple[Choice, ...]]


def _anyone(_role: str | None) -> bool:
    return True


def _no_extra_buttons(_topic: str) -> tuple[Choice, ...]:
    return ()


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


class Composer:
    def __init__(self, catalog: Catalog, renderer: Renderer) -> None:
        self._catalog = catalog
        self._renderer = renderer
        self.extra_buttons: ExtraButtons = _no_extra_buttons
        # Whether a person of a role (None: any) could come now; see `Dialogue.set_availability`.
        self.available: Callable[[str | None], bool] = _anyone

    def decision(
        self, decision: Decision, *, place: str | None = None, role: str | None = None
    ) -> Reply:
        """`place`: a Changzhi district or county the courier named, for the local office line.
        `role`: the kind of staff the courier named (找律师), for a request for a person."""
        entry = self._catalog.entry(decision.topic) if decision.topic else None
        if decision.action is Action.CRISIS:
            if decision.crisis is not None:
                kind = decision.crisis.kind
            else:
                kind = "violence" if decision.topic == "safety.emergency" else "self_harm"
            return _reply(
                decision,
                self._renderer.crisis(kind, person_coming=self.available("counselling")),
                (HUMAN_BUTTON,),
                HandoverRequest(reason=f"crisis:{kind}", urgent=True, role="counselling"),
            )
        if decision.action is Action.ANSWER and entry is not None:
            return _reply(
                decision,
                self._renderer.answer(entry, degraded=decision.degraded, place=place),
                self.answer_buttons(entry.topic),
            )
        if decision.action is Action.CLARIFY:
            close = [c.topic for c in decision.candidates[:2]]
            titles = [self._catalog.title(t) for t in close]
            choices = tuple(
                Choice(title, ButtonData("answer", t).encode())
                for t, title in zip(close, titles, strict=True)
            )
            return _reply(decision, self._renderer.clarify(titles), (*choices, HUMAN_BUTTON))
        if decision.action is Action.HANDOFF and entry is not None:
            if role is None and decision.topic == "psych.counselling":
                role = "counselling"
            return _reply(
                decision,
                self._renderer.handoff(
                    entry,
                    ROLE_LABELS[role] if role else None,
                    person_coming=self.available(role),
                ),
                self.role_buttons(),
                HandoverRequest(reason=f"asked:{decision.topic}", role=role),
            )
        if decision.action in (Action.SMALLTALK, Action.OUT_OF_SCOPE) and entry is not None:
            return _reply(decision, self._renderer.smalltalk(entry))
        return _reply(
            decision,
            self._renderer.fallback(degraded=decision.degraded),
            (OFFER_BUTTON,),
            action=Action.FALLBACK,
        )

    def detail(self, topic: str) -> Reply:
        entry = self._catalog.entry(topic)
        assert entry is not None
        return Reply(blocks=(self._renderer.detail(entry),), choices=(HUMAN_BUTTON,), topic=topic)

    def calc_step(self, step: calc_flows.Step) -> Reply:
        """A calculator's question, or its result with the working, assumptions and sources."""
        if step.result is not None and step.flow is not None:
            return Reply(
                blocks=(self._renderer.calc_result(step.flow.title, step.result),),
                choices=(HUMAN_BUTTON,),
                action=Action.ANSWER,
            )
        choices: tuple[Choice, ...] = ()
        slot = calc_flows.current_slot(step.state) if step.state is not None else None
        if slot is not None:
            choices = (
                *(Choice(value, ButtonData("value", value).encode()) for value in slot.quick),
                QUIT_BUTTON,
            )
        return Reply(
            blocks=(html.escape(step.prompt or ""),), choices=choices, action=Action.ANSWER
        )

    def answer_buttons(self, topic: str) -> tuple[Choice, ...]:
        calculators = tuple(
            Choice(f"算{calc_flows.FLOWS[flow].title}", ButtonData("calc", flow).encode())
            for flow in CALCULATORS_FOR_TOPIC.get(topic, ())
        )
        return (
            *calculators,
            *self.extra_buttons(topic),
            Choice("详细说明", ButtonData("detail", topic).encode()),
            Choice("有帮助", ButtonData("helpful", topic).encode()),
            Choice("没帮助", ButtonData("unhelpful", topic).encode()),
            HUMAN_BUTTON,
        )

    @staticmethod
    def role_buttons(*, offer: bool = False) -> tuple[Choice, ...]:
        """One button per kind of staff; `offer`: the courier accepts the bot's offer."""
        kind: Kind = "offer" if offer else "human"
        return tuple(Choice(ROLE_LABELS[r], ButtonData(kind, r).encode()) for r in ROLES)


def role_named(text: str) -> str | None:
    """The one kind of staff `text` names, or None when it names none or several."""
    named = [role for role, words in _ROLE_WORDS.items() if words.search(text)]
    return named[0] if len(named) == 1 else None
