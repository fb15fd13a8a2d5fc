"""`courier-aid console user add|list` and the message `courier-aid run` prints."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.settings import Settings
from console.app import console_banner, startup_message
from console.config import load_secret
from storage.console_models import ConsoleUser
from storage.db import UnitOfWork, make_engine
from tests.console.conftest import make_config


def test_user_add_from_stdin_and_the_first_user_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["db", "upgrade"]) == 0
    engine = make_engine(url)
    uow = UnitOfWork(engine)
    assert "courier-aid console user add --name" in startup_message(make_config(), uow)
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert main(["console", "user", "add", "--name", "王主任", "--role", "admin",
                 "--password-stdin"]) == 0  # fmt: skip
    assert "added console user" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["console", "user", "add", "--name", "b", "--role", "viewer",
                 "--password-stdin"]) == 2  # fmt: skip
    with uow() as session:
        (user,) = session.scalars(select(ConsoleUser))
        assert user.role == "admin" and user.password_hash.startswith("$argon2id$")
    message = startup_message(make_config(), uow)
    assert "http://127.0.0.1:8000/" in message and "user add" not in message
    settings = Settings(_env_file=None, console_port=8123)  # type: ignore[call-arg]
    assert console_banner(settings, uow) == "控制台 console: http://127.0.0.1:8123/"
    engine.dispose()


def test_secret_is_made_once_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "var" / "console-secret"
    first = load_secret(None, path)
    assert len(first) == 64 and path.stat().st_mode & 0o777 == 0o600
    assert load_secret(None, path) == first
    from pydantic import SecretStr

    assert load_secret(SecretStr("from-the-environment"), path) == b"from-the-environment"
