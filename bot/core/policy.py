"""The dialogue policy: from an NLU result (and the crisis check) to one action and topic.

Thresholds are settings, chosen on our own held-out split (nlu/heldout), never on eval sets.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.crisis import CrisisSignal
from common.replies import Action
from nlu.result import Candidate, NLUResult

CRISIS_TOPIC = {"self_harm": "psych.crisis", "violence": "safety.emergency"}
_ACTION_BY_TOPIC_ACTION = {
    "answer": Action.ANSWER,
    "crisis": Action.CRISIS,
    "handoff": Action.HANDOFF,
    "smalltalk": Action.SMALLTALK,
    "out_of_scope": Action.OUT_OF_SCOPE,
}


@dataclass(frozen=True, slots=True)
class Thresholds:
    answer: float = 0.35  # at least this sure to answer
    clarify: float = 0.15  # at least this sure to offer a choice between close topics
    margin: float = 0.80  # top two closer than this: ask which one was meant
    # Recall first: on our held-out split (nlu/heldout) no crisis item is missed up to 0.25 / 0.12;
    # 0.20 / 0.10 keeps a margin below that while cutting false alarms on everyday stress.
    crisis_top: float = 0.20  # a crisis topic ranked first fires at this
    crisis: float = 0.10  # a crisis topic anywhere in the top three fires at this
    crisis_over_hyperbole: float = 0.5  # ... unless the text is everyday exaggeration
    offline_answer: float = 0.30  # the offline matcher's scale is not Rasa's; no margin there


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    topic: str | None
    confidence: float
    candidates: tuple[Candidate, ...]
    crisis: CrisisSignal | None = None
    degraded: bool = False


class Policy:
    def __init__(self, topic_actions: dict[str, str], thresholds: Thresholds) -> None:
        self._topic_actions = topic_actions
        self._t = thresholds

    def _action_of(self, topic: str) -> Action:
        return _ACTION_BY_TOPIC_ACTION.get(self._topic_actions.get(topic, "answer"), Action.ANSWER)

    def decide(
        self,
        nlu: NLUResult,
        crisis: CrisisSignal | None,
        *,
        hyperbole: bool = False,
        labour_terms: bool = False,
    ) -> Decision:
        """`hyperbole`: the text is everyday exaggeration (累死了) or only thanks and goodbye
        (谢了 拜拜), by the crisis check's lists; the model's crisis net then needs real
        confidence, not its recall-first floors. `labour_terms`: the text names a term only
        labour questions use (bot/core/domain.py), so it is not out of scope."""
        candidates = tuple(c for c in nlu.candidates if c.topic in self._topic_actions)[:5]
        degraded = nlu.degraded
        if crisis is not None:
            topic = CRISIS_TOPIC[crisis.kind]
            return Decision(Action.CRISIS, topic, 1.0, candidates, crisis, degraded)
        if not candidates:
            return Decision(Action.FALLBACK, None, 0.0, candidates, None, degraded)
        top = candidates[0]
        # Recall first: a crisis topic near the top, even with modest confidence, is a crisis.
        for rank, candidate in enumerate(candidates[:3]):
            floor = self._t.crisis_top if rank == 0 else self._t.crisis
            if hyperbole:
                floor = max(floor, self._t.crisis_over_hyperbole)
            if self._action_of(candidate.topic) is Action.CRISIS and candidate.confidence >= floor:
                return Decision(
                    Action.CRISIS, candidate.topic, candidate.confidence, candidates, None, degraded
                )
        # A crisis topic below its floor (raised for 累死了 or 谢啦 拜拜) is not answered either:
        # whether to send the crisis reply was decided just above.
        candidates = tuple(c for c in candidates if self._action_of(c.topic) is not Action.CRISIS)
        if (
            labour_terms
            and candidates
            and self._action_of(candidates[0].topic) is Action.OUT_OF_SCOPE
        ):
            candidates = self._within_labour(candidates)
        if not candidates:
            return Decision(Action.FALLBACK, None, 0.0, candidates, None, degraded)
        top = candidates[0]
        answer_at = self._t.offline_answer if degraded else self._t.answer
        second = candidates[1].confidence if len(candidates) > 1 else 0.0
        action = self._action_of(top.topic)
        margin = 0.0 if degraded else self._t.margin
        if top.confidence >= answer_at and top.confidence - second >= margin:
            return Decision(action, top.topic, top.confidence, candidates, None, degraded)
        if top.confidence >= self._t.clarify and not degraded:
            close = [c for c in candidates[:2] if self._action_of(c.topic) is Action.ANSWER]
            if (
                len(close) == 2
                and _group(close[0].topic) == _group(close[1].topic)
                and top.confidence >= answer_at
            ):
                # Two neighbours of one group (injury.*): the top answer links on to the other.
                return Decision(action, top.topic, top.confidence, candidates, None, degraded)
            if len(close) == 2 and second >= self._t.clarify / 2:
                return Decision(
                    Action.CLARIFY, top.topic, top.confidence, candidates, None, degraded
                )
            if top.confidence >= answer_at:
                return Decision(action, top.topic, top.confidence, candidates, None, degraded)
        return Decision(Action.FALLBACK, top.topic, top.confidence, candidates, None, degraded)

    def _within_labour(self, candidates: tuple[Candidate, ...]) -> tuple[Candidate, ...]:
        """The ranking given that the message is a labour question: "out of scope" set aside
        and each other topic's confidence divided by what is left (a conditional probability),
        so the usual thresholds decide between answering, a choice and the rephrase fallback."""
        rest = 1.0 - sum(
            c.confidence for c in candidates if self._action_of(c.topic) is Action.OUT_OF_SCOPE
        )
        if rest <= 0.0:
            return ()
        return tuple(
            Candidate(c.topic, min(1.0, c.confidence / rest))
            for c in candidates
            if self._action_of(c.topic) is not Action.OUT_OF_SCOPE
        )


def _group(topic: str) -> str:
    return topic.split(".", 1)[0]
