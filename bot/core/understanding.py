"""Understanding one message: normalise, crisis check first (no NLU needed), NLU, policy.

Touches no storage, so `courier-aid classify` and `eval` use it directly.
"""

from __future__ import annotations

import functools
from typing import Protocol

from bot.core.crisis import (
    CrisisSignal,
    detect_crisis,
    is_everyday_closing,
    is_figure_of_speech,
    is_told_after_the_fact,
)
from bot.core.domain import names_labour_law
from bot.core.normalize import has_meaningful_text, normalize
from bot.core.policy import Decision, Policy
from nlu.result import NLUResult
from nlu.text import classifier_text

CRISIS_SCAN_CHARS = 10_000  # the crisis check reads far more of a long message than NLU does


class Parser(Protocol):
    async def parse(self, text: str) -> NLUResult: ...


class Understanding:
    def __init__(self, nlu: Parser, policy: Policy) -> None:
        self._nlu = nlu
        self._policy = policy

    @staticmethod
    @functools.lru_cache(maxsize=256)
    def crisis_in(text: str) -> CrisisSignal | None:
        """The rule-based crisis check over the whole message (no NLU involved). Pure, and
        asked of one message by the channel's queue, its handler and the dialogue: memoised."""
        return detect_crisis(normalize(text, max_chars=CRISIS_SCAN_CHARS))

    def decide_crisis(self, crisis: CrisisSignal) -> Decision:
        return self._policy.decide(NLUResult.empty(), crisis)

    async def understand(self, text: str) -> Decision:
        crisis = self.crisis_in(text)
        if crisis is not None:
            # Someone may be in danger: do not wait for the NLU server.
            return self.decide_crisis(crisis)
        return await self.interpret(normalize(text))

    async def interpret(self, clean: str) -> Decision:
        """NLU and policy for normalised text whose crisis check came back empty."""
        if not has_meaningful_text(clean):
            return self._policy.decide(NLUResult.empty(), None)
        # Everyday exaggeration, a bare goodbye, or a past assault told to ask about rights:
        # the model's crisis topics then need real confidence, not the recall-first floors.
        hyperbole = (
            is_figure_of_speech(clean)
            or is_everyday_closing(clean)
            or is_told_after_the_fact(clean)
        )
        # The classifier reads the question without 您好 and 谢谢 around it (nlu/text.py).
        nlu = await self._nlu.parse(classifier_text(clean))
        return self._policy.decide(
            nlu, None, hyperbole=hyperbole, labour_terms=names_labour_law(clean)
        )
