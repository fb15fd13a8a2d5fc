"""Load the validated entries into the database, idempotently, and read them back."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from knowledge.schema import Entry
from storage.repositories import KnowledgeRows

SessionScope = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True, slots=True)
class LoadReport:
    changed: int
    unchanged: int
    removed: int


def content_hash(entry: Entry) -> str:
    payload = json.dumps(entry.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def load_into_db(entries: Iterable[Entry], uow: SessionScope, now: dt.datetime) -> LoadReport:
    """Upsert every entry; entries whose files were removed are removed from the table too."""
    changed = unchanged = 0
    topics: set[str] = set()
    with uow() as session:
        rows = KnowledgeRows(session)
        for entry in entries:
            topics.add(entry.topic)
            if rows.upsert(
                topic=entry.topic,
                title=entry.title,
                short=entry.short,
                body=entry.model_dump(mode="json"),
                content_hash=content_hash(entry),
                reviewed_on=entry.reviewed,
                now=now,
            ):
                changed += 1
            else:
                unchanged += 1
        removed = rows.remove_except(topics)
    return LoadReport(changed=changed, unchanged=unchanged, removed=removed)


def read_from_db(uow: SessionScope) -> list[Entry]:
    with uow() as session:
        return [Entry.model_validate(row.body) for row in KnowledgeRows(session).all()]
