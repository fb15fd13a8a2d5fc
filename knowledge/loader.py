"""Read, validate and cross-check the knowledge entries, the topic list and the facts sheet.

Pure file work: nothing here touches the database (see `knowledge.store` for that).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from knowledge.schema import Entry

PACKAGE_DIR = Path(__file__).resolve().parent
ENTRIES_DIR = PACKAGE_DIR / "entries"
TOPICS_FILE = PACKAGE_DIR / "topics.yaml"

ACTIONS = frozenset({"answer", "crisis", "handoff", "smalltalk", "out_of_scope"})
_FACT_ROW = re.compile(r"^\|\s*([A-Z]{2}-\d{2})\s*\|(.*)\|\s*$")


class KnowledgeError(Exception):
    """One or more entries are invalid; `problems` names each file and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    zh: str
    action: str
    facts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FactRow:
    id: str
    marks: frozenset[str]  # subset of {"V", "S", "U"}

    @property
    def citable(self) -> bool:
        return bool(self.marks & {"V", "S"})


def load_topics(path: Path = TOPICS_FILE) -> dict[str, Topic]:
    """The topic ids of `topics.yaml`, in file order."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    topics: dict[str, Topic] = {}
    for item in raw["topics"]:
        action = item["action"]
        if action not in ACTIONS:
            raise KnowledgeError([f"{path}: topic {item['id']}: unknown action {action!r}"])
        topics[item["id"]] = Topic(
            id=item["id"], zh=item["zh"], action=action, facts=tuple(item.get("facts") or ())
        )
    return topics


def load_fact_rows(path: Path) -> dict[str, FactRow]:
    """Fact ids of `knowledge-facts.md` with their confidence marks ([V], [S], [U])."""
    rows: dict[str, FactRow] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _FACT_ROW.match(line)
        if not match:
            continue
        last_cell = match.group(2).rsplit("|", 1)[-1]
        marks = frozenset(re.findall(r"\[([VSU])\]", last_cell))
        rows[match.group(1)] = FactRow(id=match.group(1), marks=marks)
    return rows


def _format_validation(path: Path, error: ValidationError) -> list[str]:
    problems = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(entry)"
        problems.append(f"{path}: {field}: {item['msg']}")
    return problems


def entry_files(entries_dir: Path = ENTRIES_DIR) -> list[Path]:
    return sorted(entries_dir.rglob("*.yaml"))


def load_entries(entries_dir: Path = ENTRIES_DIR) -> dict[str, Entry]:
    """Parse and validate every entry file; raise `KnowledgeError` naming each bad file/field."""
    entries: dict[str, Entry] = {}
    where: dict[str, Path] = {}
    problems: list[str] = []
    for path in entry_files(entries_dir):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            problems.append(f"{path}: not valid YAML: {exc}")
            continue
        if not isinstance(raw, dict):
            problems.append(f"{path}: (entry): expected a mapping of fields")
            continue
        try:
            entry = Entry.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_format_validation(path, exc))
            continue
        if entry.topic in entries:
            problems.append(
                f"{path}: topic: {entry.topic} is already defined in {where[entry.topic]}"
            )
            continue
        entries[entry.topic] = entry
        where[entry.topic] = path
    if problems:
        raise KnowledgeError(problems)
    return entries


def check_entries(
    entries: dict[str, Entry],
    topics: dict[str, Topic],
    fact_rows: dict[str, FactRow] | None = None,
    *,
    require_all_topics: bool = True,
) -> list[str]:
    """Cross-checks that a schema cannot express. Returns the problems found (empty when fine)."""
    problems: list[str] = []
    for topic_id, entry in entries.items():
        if topic_id not in topics:
            problems.append(f"{topic_id}: topic: not a topic id of topics.yaml")
        if fact_rows is None:
            continue
        for fact in entry.facts:
            row = fact_rows.get(fact)
            if row is None:
                problems.append(f"{topic_id}: facts: {fact} is not a row of the facts sheet")
            elif not row.citable:
                problems.append(
                    f"{topic_id}: facts: {fact} is marked [U]; list it under unverified instead"
                )
        for fact in entry.unverified:
            if fact not in fact_rows:
                problems.append(f"{topic_id}: unverified: {fact} is not a row of the facts sheet")
    if require_all_topics:
        for topic_id in topics:
            if topic_id not in entries:
                problems.append(f"{topic_id}: no knowledge entry for this topic")
    return problems


def iter_examples(entries: Iterable[Entry]) -> Iterable[tuple[str, str]]:
    """(topic, text) for every training example of every entry."""
    for entry in entries:
        for text in entry.examples:
            yield entry.topic, text
