"""The NLU result as the dialogue core sees it, whatever produced it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True, slots=True)
class Candidate:
    topic: str
    confidence: float


@dataclass(frozen=True, slots=True)
class NLUResult:
    """Ranked topic candidates, best first; `source` says whether Rasa or the fallback spoke."""

    candidates: tuple[Candidate, ...]
    source: Literal["rasa", "offline", "none"]
    entities: tuple[dict[str, object], ...] = field(default=())

    @property
    def top(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def degraded(self) -> bool:
        """True when the offline matcher stood in for a Rasa server that did not answer."""
        return self.source == "offline"

    @classmethod
    def empty(cls) -> NLUResult:
        return cls(candidates=(), source="none")
