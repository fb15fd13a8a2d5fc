"""The in-memory catalog the dialogue reads: topics with their actions, and the entries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.loader import Topic
from knowledge.schema import Entry


@dataclass(frozen=True)
class Catalog:
    topics: dict[str, Topic]
    entries: dict[str, Entry]

    @classmethod
    def build(cls, topics: dict[str, Topic], entries: Iterable[Entry]) -> Catalog:
        return cls(topics=topics, entries={entry.topic: entry for entry in entries})

    def action(self, topic: str) -> str:
        found = self.topics.get(topic)
        return found.action if found else "answer"

    def entry(self, topic: str) -> Entry | None:
        return self.entries.get(topic)

    def title(self, topic: str) -> str:
        entry = self.entries.get(topic)
        if entry is not None:
            return entry.title
        found = self.topics.get(topic)
        return found.zh if found else topic

    def examples(self) -> list[tuple[str, str]]:
        return [(topic, text) for topic, entry in self.entries.items() for text in entry.examples]
