"""`courier-aid staff ...` and `courier-aid report handoff` on a temporary SQLite database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.cli import main
from handoff.cases import open_case
from storage.db import UnitOfWork, make_engine
from storage.repositories import Users


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def test_add_list_remove(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["staff", "add", "--telegram-id", "123456", "--role", "legal", "--alias", "小李"]) == 0
    )
    assert "added staff #1: 小李 (legal), telegram id 123456" in capsys.readouterr().out
    assert (
        main(["staff", "add", "--telegram-id", "222", "--role", "coordinator", "--alias", "老张"])
        == 0
    )
    assert (
        main(["staff", "add", "--telegram-id", "123456", "--role", "union", "--alias", "小李"]) == 0
    )
    assert "updated staff #1: 小李 (union)" in capsys.readouterr().out
    assert main(["staff", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["id", "telegram", "id"]
    assert "123456" in lines[2] and "union 工会帮助" in lines[2] and "小李" in lines[2]
    assert main(["staff", "remove", "--telegram-id", "123456"]) == 0
    assert "removed staff #1" in capsys.readouterr().out
    assert main(["staff", "remove", "--telegram-id", "123456"]) == 1
    assert "no active staff" in capsys.readouterr().err
    main(["staff", "list"])
    assert "123456" not in capsys.readouterr().out
    main(["staff", "list", "--all"])
    assert "removed" in capsys.readouterr().out


def test_bad_arguments_get_a_clear_message(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    for argv, words in [
        (
            ["staff", "add", "--telegram-id", "x1", "--role", "legal", "--alias", "a"],
            "positive number",
        ),
        (
            ["staff", "add", "--telegram-id", "1", "--role", "boss", "--alias", "a"],
            "invalid choice",
        ),
        (["staff", "add", "--telegram-id", "1", "--role", "legal"], "--alias"),
        (["report", "handoff", "--from", "2026-13-01", "--to", "2026-12-01"], "dates look like"),
    ]:
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
        assert words in capsys.readouterr().err
    assert main(["staff", "add", "--telegram-id", "1", "--role", "legal", "--alias", "<b>"]) == 2
    assert "may not contain" in capsys.readouterr().err
    main(["staff", "add", "--telegram-id", "1", "--role", "legal", "--alias", "小李"])
    assert main(["staff", "add", "--telegram-id", "2", "--role", "legal", "--alias", "小李"]) == 2
    assert "already used" in capsys.readouterr().err
    assert main(["report", "handoff", "--from", "2026-12-02", "--to", "2026-12-01"]) == 2
    assert "before --from" in capsys.readouterr().err


def test_report_handoff(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "handoff", "--from", "2026-11-01", "--to", "2026-11-30"]) == 0
    empty = capsys.readouterr().out
    assert "total" in empty and "median 中位数 -" in empty
    engine = make_engine(db_url)
    at = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)
    with UnitOfWork(engine)() as session:
        user = Users(session).get_or_create("telegram", "42", at)
        case = open_case(session, user, reason="button", role="legal", now=at)
        case.status, case.satisfaction = "closed", 5
        case.first_staff_reply_at = at + dt.timedelta(minutes=3)
    engine.dispose()
    assert main(["report", "handoff", "--from", "2026-11-01", "--to", "2026-11-30"]) == 0
    out = capsys.readouterr().out
    assert "legal" in out and "法律援助" in out and "median 中位数 3.0 min" in out
    assert "average 平均 5.00" in out and "5: 1" in out
    assert main(["report", "handoff", "--from", "2026-11-29", "--to", "2026-11-29", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["cases"] == 1 and figures["by_role"]["legal"] == 1
    assert figures["satisfaction"] == {"count": 1, "average": 5.0, "ratings": {"5": 1}}


def test_report_handoff_defaults_to_the_last_30_days(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["staff", "list"]) == 0  # creates the tables
    capsys.readouterr()
    engine = make_engine(db_url)
    now = dt.datetime.now(dt.UTC)
    with UnitOfWork(engine)() as session:
        for days_ago, ref in ((1, "7"), (45, "8")):  # one inside the window, one before it
            user = Users(session).get_or_create("telegram", ref, now)
            open_case(session, user, reason="button", role="union",
                      now=now - dt.timedelta(days=days_ago))  # fmt: skip
    engine.dispose()
    assert main(["report", "handoff", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["cases"] == 1 and figures["by_role"]["union"] == 1
