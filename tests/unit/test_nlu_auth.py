"""The NLU auth token: made once, private, and NLU_AUTH_TOKEN before the file."""

from __future__ import annotations

import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pydantic import SecretStr

from nlu.auth import TokenError, read_or_create_token, resolve_token

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_made_once_private_and_then_only_read(tmp_path: Path) -> None:
    path = tmp_path / "var" / "nlu-token"
    token = read_or_create_token(path)
    assert len(token) >= 40 and mode(path) == 0o600
    assert read_or_create_token(path) == token
    assert [p.name for p in path.parent.iterdir()] == ["nlu-token"]  # no drafts left behind


def test_two_processes_racing_agree_on_one_token(tmp_path: Path) -> None:
    path = tmp_path / "nlu-token"
    tokens: list[str] = []
    threads = [
        threading.Thread(target=lambda: tokens.append(read_or_create_token(path))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(tokens) == len(threads)  # none of them failed
    assert len(set(tokens)) == 1 and path.read_text().strip() == tokens[0]


def test_a_file_others_can_read_is_narrowed(tmp_path: Path) -> None:
    path = tmp_path / "nlu-token"
    path.write_text("a-token\n")
    path.chmod(0o644)
    assert read_or_create_token(path) == "a-token"
    assert mode(path) == 0o600


def test_an_empty_file_is_an_error_not_an_empty_token(tmp_path: Path) -> None:
    path = tmp_path / "nlu-token"
    path.write_text("\n")
    path.chmod(0o600)
    with pytest.raises(TokenError, match="empty"):
        read_or_create_token(path)


def test_the_setting_comes_before_the_file(tmp_path: Path) -> None:
    path = tmp_path / "nlu-token"
    assert resolve_token(SecretStr(" from-env "), path) == "from-env"
    assert not path.exists()  # nothing made when the setting gives the token
    assert (
        resolve_token(SecretStr("  "), path)
        == resolve_token(None, path)
        == path.read_text().strip()
    )


def test_setup_command_makes_the_file_and_prints_nothing(tmp_path: Path) -> None:
    path = tmp_path / "var" / "nlu-token"
    for _ in range(2):  # idempotent
        done = subprocess.run(
            [sys.executable, "-m", "nlu.auth", str(path)], cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0 and done.stdout == "" and done.stderr == ""
    assert mode(path) == 0o600 and path.read_text().strip()
