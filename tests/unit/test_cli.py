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


FAKE_RASA = """#!{python}
# Stands in for `rasa run`: answers /status with a model for {seconds} s, then exits with 3.
import http.server, json, sys, threading
port = int(sys.argv[sys.argv.index("-p") + 1])

class Status(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({{"model_file": "fake.tar.gz"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

server = http.server.HTTPServer(("127.0.0.1", port), Status)
threading.Thread(target=server.serve_forever, daemon=True).start()
threading.Event().wait({seconds})
sys.exit(3)
"""


def test_nlu_serve_ends_with_an_error_when_rasa_dies(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The developer's `courier-aid nlu serve` must not sit there serving nothing."""
    import stat
    import sys

    rasa = tmp_path / "venv" / "bin" / "rasa"
    rasa.parent.mkdir(parents=True)
    rasa.write_text(FAKE_RASA.format(python=sys.executable, seconds=2))
    rasa.chmod(rasa.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(cli, "_train", lambda settings: tmp_path / "model.tar.gz")
    settings = Settings(
        nlu_url=f"http://127.0.0.1:{free_port()}",
        rasa_venv=tmp_path / "venv",
        build_dir=tmp_path / "build",
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
    )
    code = cli.cmd_nlu_serve(settings, cli.build_parser().parse_args(["nlu", "serve"]))
    out, err = capsys.readouterr()
    assert code == 1
    assert "NLU server ready" in out
    assert "exit code 3" in err and str(tmp_path / "build" / "rasa-server.log") in err
