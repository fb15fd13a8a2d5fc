"""`courier-aid run`: whether it starts an NLU server of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import cli
from bot.settings import Settings
from tests.helpers.services import free_port


def _no_server(*args: object) -> object:
    raise AssertionError("an NLU server was trained or started")


def test_run_without_an_nlu_server_starts_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    chats: list[Settings] = []
    monkeypatch.setattr(cli, "_train", _no_server)
    monkeypatch.setattr(cli, "_server", _no_server)
    monkeypatch.setattr(cli, "cmd_chat", lambda settings, args: chats.append(settings) or 0)
    settings = Settings(
        nlu_url=f"http://127.0.0.1:{free_port()}",  # nothing answers there
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        telegram_bot_token=None,
    )
    args = cli.build_parser().parse_args(["run", "--no-nlu-server"])
    assert cli.cmd_run(settings, args) == 0
    assert chats == [settings]
    with pytest.raises(AssertionError, match="NLU server"):
        cli.cmd_run(settings, cli.build_parser().parse_args(["run"]))
