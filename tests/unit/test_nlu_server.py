"""The server runner with a stand-in Rasa (tests/helpers/fake_rasa.py): error paths, the auth
token, the tie to its owner and the records of what it started. (The real server is started in
tests/integration.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from nlu import ownership
from nlu import server as server_module
from nlu.server import RasaServer, ServerError, Status, is_ready, probe
from tests.helpers.fake_rasa import fake_rasa_venv
from tests.helpers.services import free_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "unit-test-token"


def alive(pid: int) -> bool:
    state = ownership.process_state(pid)
    return state is not None and not state.zombie


def wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def fake_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the stand-in writes its pid (FAKE_RASA_PID_FILE)."""
    pid_file = tmp_path / "rasa.pid"
    monkeypatch.setenv("FAKE_RASA_PID_FILE", str(pid_file))
    return pid_file


def make(tmp_path: Path, timeout: float = 30, records: Path | None = None) -> RasaServer:
    return RasaServer(
        rasa_venv=fake_rasa_venv(tmp_path),
        model=tmp_path / "model.tar.gz",
        nlu_url=f"http://127.0.0.1:{free_port()}",
        log_file=tmp_path / "rasa.log",
        auth_token=TOKEN,
        records=records,
        startup_timeout=timeout,
    )


def test_a_server_that_never_answers_is_stopped(
    tmp_path: Path, fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_RASA_MODE", "silent")
    server = make(tmp_path, timeout=3)
    with pytest.raises(ServerError, match="did not answer"):
        server.start()
    assert server._process is None
    assert wait_gone(int(fake_env.read_text()), 5)


def test_an_interrupt_while_waiting_stops_the_child(
    tmp_path: Path, fake_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_RASA_MODE", "silent")
    server = make(tmp_path)
    started: list[int] = []
    real_popen = server_module.subprocess.Popen

    def recording_popen(*args: object, **kwargs: object) -> object:
        process = real_popen(*args, **kwargs)  # type: ignore[call-overload]
        started.append(process.pid)
        return process

    def interrupted(*_args: object, **_kwargs: object) -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(server_module.subprocess, "Popen", recording_popen)
    monkeypatch.setattr(server_module, "is_ready", interrupted)
    with pytest.raises(KeyboardInterrupt):
        server.start()
    assert started and wait_gone(started[0], 5)


def test_missing_rasa_says_how_to_install(tmp_path: Path) -> None:
    server = RasaServer(
        rasa_venv=tmp_path / "nowhere",
        model=tmp_path / "m.tar.gz",
        nlu_url="http://127.0.0.1:1",
        log_file=tmp_path / "log",
        auth_token=TOKEN,
    )
    with pytest.raises(ServerError, match="make setup"):
        server.start()


def test_the_token_reaches_rasa_but_not_its_command_line(tmp_path: Path, fake_env: Path) -> None:
    records = tmp_path / "records"
    with make(tmp_path, records=records) as server:
        assert server.pid is not None
        url = server._url
        assert is_ready(url, token=TOKEN)
        assert probe(url, token="wrong") is Status.REFUSED
        arguments = json.loads(Path(f"{fake_env}.argv").read_text())
        assert arguments[-2:] == ["--auth-token", TOKEN]  # what Rasa's own parser is given
        # Every user may read a command line; a process's environment only its own user.
        assert TOKEN.encode() not in Path(f"/proc/{server.pid}/cmdline").read_bytes()
        assert Path(f"/proc/{server.pid}/environ").stat().st_mode & 0o077 == 0
        [note] = records.glob("port-*.json")
        record = ownership.read_record(note)
        assert record is not None and (record.pid, record.owner) == (server.pid, os.getpid())
        pid = server.pid
    assert not list(records.glob("*.json"))  # stopped: its note is gone with it
    assert wait_gone(pid, 5)


def test_something_else_at_the_address_is_not_taken_for_our_server(
    tmp_path: Path, fake_env: Path
) -> None:
    with make(tmp_path) as first:
        other = RasaServer(
            rasa_venv=fake_rasa_venv(tmp_path / "other"),
            model=tmp_path / "model.tar.gz",
            nlu_url=first._url,
            log_file=tmp_path / "other.log",
            auth_token="another-token",
        )
        with pytest.raises(ServerError, match="refuses our token"):
            other.start()


OWNER_SCRIPT = """
import sys, threading, time
from pathlib import Path
from nlu.server import RasaServer
from tests.helpers.fake_rasa import fake_rasa_venv

tmp, url, in_thread = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "thread"
server = RasaServer(
    rasa_venv=fake_rasa_venv(tmp), model=tmp / "m.tar.gz", nlu_url=url,
    log_file=tmp / "rasa.log", auth_token="t", records=tmp / "records",
)
if in_thread:  # no parent-death signal then (it would follow the thread): the watchdog's case
    threading.Thread(target=server.start).start()
else:
    server.start()
print("started", flush=True)
time.sleep(300)
"""


@pytest.mark.parametrize("started_from", ["main", "thread"])
def test_a_server_whose_owner_is_killed_stops(
    tmp_path: Path, fake_env: Path, started_from: str
) -> None:
    """SIGKILL leaves the owner no chance to stop its server: the server must notice."""
    url = f"http://127.0.0.1:{free_port()}"
    owner = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(OWNER_SCRIPT), str(tmp_path), url, started_from],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert owner.stdout is not None
        deadline = time.monotonic() + 60
        while not is_ready(url, token="t") and time.monotonic() < deadline:
            assert owner.poll() is None
            time.sleep(0.2)
        rasa = int(fake_env.read_text())
        assert alive(rasa)
        owner.send_signal(signal.SIGKILL)
        owner.wait()
        assert wait_gone(rasa, 8), "the server outlived its owner"
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()
