"""`courier-aid run`: whether it starts an NLU server of its own, and which one it uses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import cli
from bot.settings import Settings
from nlu.auth import read_or_create_token
from nlu.server import RasaServer, ServerError
from tests.helpers.fake_rasa import fake_rasa_venv
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


def test_nlu_serve_ends_with_an_error_when_rasa_dies(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The developer's `courier-aid nlu serve` must not sit there serving nothing."""
    monkeypatch.setenv("FAKE_RASA_MODE", "brief")
    monkeypatch.setattr(cli, "_train", lambda settings: tmp_path / "model.tar.gz")
    settings = Settings(
        nlu_url=f"http://127.0.0.1:{free_port()}",
        rasa_venv=fake_rasa_venv(tmp_path),
        build_dir=tmp_path / "build",
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        nlu_token_file=tmp_path / "nlu-token",
        nlu_server_records=tmp_path / "records",
    )
    code = cli.cmd_nlu_serve(settings, cli.build_parser().parse_args(["nlu", "serve"]))
    out, err = capsys.readouterr()
    assert code == 1
    assert "NLU server ready" in out
    assert "exit code 3" in err and str(tmp_path / "build" / "rasa-server.log") in err


def _settings_beside(server: RasaServer, tmp_path: Path, token_file: Path) -> Settings:
    return Settings(
        nlu_url=server._url,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        telegram_bot_token=None,
        nlu_token_file=token_file,
        nlu_server_records=tmp_path / "records",
    )


def _fake_server(tmp_path: Path, token: str) -> RasaServer:
    return RasaServer(
        rasa_venv=fake_rasa_venv(tmp_path / "running"),
        model=tmp_path / "m.tar.gz",
        nlu_url=f"http://127.0.0.1:{free_port()}",
        log_file=tmp_path / "running.log",
        auth_token=token,
    )


def test_run_uses_a_running_server_that_takes_our_token(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token_file = tmp_path / "nlu-token"
    monkeypatch.setattr(cli, "_train", _no_server)
    monkeypatch.setattr(cli, "_server", _no_server)
    monkeypatch.setattr(cli, "cmd_chat", lambda settings, args: 0)
    with _fake_server(tmp_path, read_or_create_token(token_file)) as running:
        settings = _settings_beside(running, tmp_path, token_file)
        assert cli.cmd_run(settings, cli.build_parser().parse_args(["run"])) == 0
    assert "using the NLU server already running" in capsys.readouterr().err


def test_run_refuses_a_server_that_does_not_take_our_token(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(cli, "_train", _no_server)
    monkeypatch.setattr(cli, "cmd_chat", _no_server)
    with _fake_server(tmp_path, "someone-elses") as running:
        settings = _settings_beside(running, tmp_path, tmp_path / "nlu-token")
        with pytest.raises(ServerError, match="refuses our token"):
            cli.cmd_run(settings, cli.build_parser().parse_args(["run"]))


def test_eval_offline_asks_no_server(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`eval --offline` scores what the bot does while the server is down: no server is asked
    for or started (the model is trained first if the data changed: a stand-in here)."""
    trained: list[Settings] = []
    monkeypatch.setattr(cli, "_train", lambda settings: trained.append(settings))
    monkeypatch.setattr(cli, "_server", _no_server)
    items = tmp_path / "items.jsonl"
    item = {"text": "老板拖欠我三个月工资不给怎么办", "topic": "wages.arrears", "action": "answer"}
    items.write_text(json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8")
    settings = Settings(
        nlu_url="http://127.0.0.1:9",  # never asked
        models_dir=tmp_path / "models",  # no export: the BM25 matcher stands in
        nlu_token_file=tmp_path / "nlu-token",
    )
    args = cli.build_parser().parse_args(["eval", str(items), "--json", "--offline"])
    assert cli.cmd_eval(settings, args) == 0
    assert trained == [settings]
    assert '"answer_items": 1' in capsys.readouterr().out
