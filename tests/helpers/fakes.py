"""Offline fakes for unit tests of our own error paths (integration tests use the real parts)."""

from __future__ import annotations

from nlu.result import Candidate, NLUResult


class ScriptedParser:
    """Answers `parse` with a fixed ranking per text; records what it was asked."""

    def __init__(self, rankings: dict[str, list[tuple[str, float]]] | None = None) -> None:
        self.rankings = rankings or {}
        self.calls: list[str] = []

    async def parse(self, text: str) -> NLUResult:
        self.calls.append(text)
        ranking = self.rankings.get(text, [])
        return NLUResult(
            candidates=tuple(Candidate(topic, conf) for topic, conf in ranking), source="rasa"
        )


class ExplodingParser:
    """A parser that must never be called (the crisis path must not wait for NLU)."""

    async def parse(self, text: str) -> NLUResult:
        raise AssertionError(f"NLU was called for {text!r}")
