"""`courier-aid data purge [--dry-run] [--json]` on a temporary SQLite database.

The command reads the system clock, so the data is placed relative to it: one courier wrote
200 days ago, one yesterday. What exactly is purged is tested in test_retention.py.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from bot.cli import main
from storage.db import UnitOfWork, make_engine
from storage.migrate import upgrade
from storage.models import Message
from storage.repositories import Messages, Users
from storage.retention import PURGED_TEXT


@pytest.fixture
def uow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> UnitOfWork:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("RETENTION_DAYS", raising=False)
    engine = make_engine(url)
    upgrade(engine)
    uow = UnitOfWork(engine)
    now = dt.datetime.now(dt.UTC)
    with uow() as session:
        for ref, days in (("old", 200), ("new", 1)):
            user = Users(session).get_or_create("telegram", ref, now - dt.timedelta(days=days))
            Messages(session).record(user, "in", "我腿摔伤了", user.created_at, action="answer")
    return uow


def _texts(uow: UnitOfWork) -> list[str]:
    with uow() as session:
        return list(session.scalars(select(Message.text).order_by(Message.id)))


def test_dry_run_then_purge(uow: UnitOfWork, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "older than 180 days" in out and "nothing was changed" in out
    assert "message texts" in out and "消息内容" in out
    assert _texts(uow) == ["我腿摔伤了", "我腿摔伤了"]

    assert main(["data", "purge"]) == 0
    out = capsys.readouterr().out
    assert "nothing was changed" not in out
    lines = {line.split()[0]: line.split()[-1] for line in out.splitlines() if line.strip()}
    assert lines["message"] == "1" and lines["total"] == "2"  # the text, and the user unlinked
    assert _texts(uow) == [PURGED_TEXT, "我腿摔伤了"]

    assert main(["data", "purge", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["dry_run"] is False and data["retention_days"] == 180
    assert data["messages"] == 0 and data["users_anonymized"] == 0


def test_the_period_comes_from_the_settings(
    uow: UnitOfWork, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RETENTION_DAYS", "365")
    assert main(["data", "purge", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["retention_days"], data["messages"]) == (365, 0)
    assert _texts(uow) == ["我腿摔伤了", "我腿摔伤了"]
    monkeypatch.setenv("RETENTION_DAYS", "0")
    with pytest.raises(ValidationError, match="retention_days"):  # a period of nothing
        main(["data", "purge"])
    assert _texts(uow) == ["我腿摔伤了", "我腿摔伤了"]
