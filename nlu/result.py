"""The NLU result as the dialogue core sees it, whatever produced it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True, slots=True)
class Candidate:
    topic: str
    confidence: float


@dataclass(frozen=True, slots=True)
class NLUResult:
    """Ranked topic candidates, best first; `source` says who spoke: the Rasa server, the same
    model run in-process while the server does not answer ("local", nlu/inprocess.py), or the
    BM25 matcher ("offline", nlu/fallback.py)."""

    candidates: tuple[Candidate, ...]
    source: Literal["rasa", "local", "offline", "none"]
    entities: tuple[dict[str, object], ...] = field(default=())

    @property
    def top(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def degraded(self) -> bool:
        """True when the BM25 matcher stood in for the model (the in-process model is the
        server's own, so its results are not degraded)."""
        return self.source == "offline"

    @classmethod
    def empty(cls) -> NLUResult:
        return cls(candidates=(), source="none")


class OfflineParser(Protocol):
    """What answers when the server does not (nlu/inprocess.py, nlu/fallback.py)."""

    def parse(self, text: str) -> NLUResult: ...
