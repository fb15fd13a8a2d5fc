"""The knowledge page: every entry, review dates, unverified facts, asked and 没帮助 counts."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from common.clock import FixedClock
from knowledge.loader import load_entries
from knowledge.store import load_into_db
from storage.db import UnitOfWork
from storage.models import Message, User

RANGE = {"from": "2026-11-01", "to": "2026-11-30"}


def _row(page: str, topic: str) -> list[str]:
    row = page.split(f"<code>{topic}</code>")[1].split("</tr>")[0]
    return re.findall(r'<td class="num">(\d+)</td>', row)


def test_entries_with_counts(as_viewer: TestClient, uow: UnitOfWork, clock: FixedClock) -> None:
    entries = load_entries()
    load_into_db(entries.values(), uow, clock.now())
    with uow() as session:
        user = User(channel="telegram", external_ref="1", created_at=clock.now())
        session.add(user)
        session.flush()
        for action in ("answer", "answer", "clarify", "unhelpful", "relay"):
            session.add(Message(user_id=user.id, direction="in", text="x", topic="wages.arrears",
                                action=action, created_at=clock.now()))  # fmt: skip
    page = as_viewer.get("/knowledge", params=RANGE).text
    assert page.count("<code>") == len(entries)
    facts = len(entries["wages.arrears"].facts)
    assert _row(page, "wages.arrears") == [str(facts), "3", "1"]
    assert "数据库里还没有载入知识库" not in page
    with_unverified = [e for e in entries.values() if e.unverified]
    if with_unverified:
        assert with_unverified[0].unverified[0] in page


def test_falls_back_to_the_files(as_viewer: TestClient) -> None:
    page = as_viewer.get("/knowledge").text
    assert "数据库里还没有载入知识库" in page and "<code>wages.arrears</code>" in page
