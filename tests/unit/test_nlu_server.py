"""The server runner's error paths, with a stand-in `rasa` executable that never answers.
(The real server is started in tests/integration.)"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from nlu import server as server_module
from nlu.server import RasaServer, ServerError
from tests.helpers.services import free_port


def fake_venv(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    rasa = bin_dir / "rasa"
    rasa.write_text("#!/bin/sh\nexec sleep 300\n")
    rasa.chmod(rasa.stat().st_mode | stat.S_IEXEC)
    return tmp_path / "venv"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def make(tmp_path: Path, timeout: float) -> RasaServer:
    return RasaServer(
        rasa_venv=fake_venv(tmp_path),
        model=tmp_path / "model.tar.gz",
        nlu_url=f"http://127.0.0.1:{free_port()}",
        log_file=tmp_path / "rasa.log",
        startup_timeout=timeout,
    )


def test_a_server_that_never_answers_is_stopped(tmp_path: Path) -> None:
    server = make(tmp_path, timeout=1.5)
    with pytest.raises(ServerError, match="did not answer"):
        server.start()
    assert server._process is None


def test_an_interrupt_while_waiting_stops_the_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = make(tmp_path, timeout=30)
    started: list[int] = []
    real_popen = server_module.subprocess.Popen

    def recording_popen(*args: object, **kwargs: object) -> object:
        process = real_popen(*args, **kwargs)  # type: ignore[call-overload]
        started.append(process.pid)
        return process

    def interrupted(*_args: object, **_kwargs: object) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(server_module.subprocess, "Popen", recording_popen)
    calls = iter([False, False])  # the first check (is anything there already?) and one poll

    def ready_then_interrupted(*_args: object, **_kwargs: object) -> bool:
        try:
            return next(calls)
        except StopIteration:
            return interrupted()

    monkeypatch.setattr(server_module, "is_ready", ready_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        server.start()
    assert started and not alive(started[0])


def test_missing_rasa_says_how_to_install(tmp_path: Path) -> None:
    server = RasaServer(
        rasa_venv=tmp_path / "nowhere",
        model=tmp_path / "m.tar.gz",
        nlu_url="http://127.0.0.1:1",
        log_file=tmp_path / "log",
    )
    with pytest.raises(ServerError, match="make setup"):
        server.start()
