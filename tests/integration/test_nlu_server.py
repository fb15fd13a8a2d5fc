"""The real Rasa server: `courier-aid nlu serve` starts it and SIGTERM stops it with its child;
killed with SIGKILL its server stops too; and it answers only to our auth token."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.settings import Settings
from nlu.auth import resolve_token
from nlu.ownership import process_state
from nlu.server import is_ready
from tests.helpers.services import free_port

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def token() -> str:
    settings = Settings()
    return resolve_token(settings.nlu_auth_token, settings.nlu_token_file)


def test_serve_answers_and_sigterm_stops_the_server(nlu_url: str, token: str) -> None:
    # nlu_url: the session's server, which also guarantees the model is trained and cached
    url = f"http://127.0.0.1:{free_port()}"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "nlu", "serve"],
        cwd=ROOT,
        env={**os.environ, "NLU_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 180
        while not is_ready(url, token=token) and time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            time.sleep(1)
        assert is_ready(url, token=token)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 143
        assert not is_ready(url, token=token, timeout=2)
    finally:
        if process.poll() is None:
            process.kill()


def test_eval_without_a_server_starts_one_for_the_run(
    nlu_url: str, tmp_path: Path, token: str
) -> None:
    """`courier-aid eval` scores the model, never silently the offline matcher: with nothing
    listening at NLU_URL it starts the server for the run and stops it afterwards."""
    url = f"http://127.0.0.1:{free_port()}"
    items = tmp_path / "items.jsonl"
    items.write_text(
        '{"text": "老板拖欠我三个月工资不给怎么办", "topic": "wages.arrears", "action": "answer"}\n'
        '{"text": "送餐路上被车撞了算工伤吗", "topic": "injury.recognition", "action": "answer"}\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "eval", str(items), "--json"],
        cwd=ROOT,
        env={**os.environ, "NLU_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert f"no NLU server at {url}: starting one" in done.stderr
    assert "NLU server unavailable" not in done.stderr  # every text went to the server
    assert '"answer_items": 2' in done.stdout
    assert not is_ready(url, token=token, timeout=2)  # stopped with the run


def test_the_server_refuses_parses_and_model_changes_without_the_token(
    nlu_url: str, token: str
) -> None:
    """The session's server runs with our token: a parse, a model swap (`PUT /model`, open with
    `--enable-api`) or its status without it are refused; with it a parse is answered."""
    text = {"text": "老板拖欠工资三个月了"}
    assert httpx.post(f"{nlu_url}/model/parse", json=text).status_code == 401
    given = {"token": "not-" + token}
    assert httpx.post(f"{nlu_url}/model/parse", params=given, json=text).status_code == 401
    assert httpx.put(f"{nlu_url}/model", json={"model_file": "/tmp/x.tar.gz"}).status_code == 401
    assert httpx.delete(f"{nlu_url}/model").status_code == 401
    assert httpx.get(f"{nlu_url}/status").status_code == 401
    answer = httpx.post(f"{nlu_url}/model/parse", params={"token": token}, json=text, timeout=30)
    assert answer.status_code == 200
    assert answer.json()["intent"]["name"] == "wages.arrears"


def test_a_server_whose_owner_is_killed_stops_with_it(nlu_url: str, token: str) -> None:
    """SIGKILL (an OOM kill, a crashed service) gives `nlu serve` no chance to stop its server:
    the server must not stay behind holding its ~800 MB."""
    url = f"http://127.0.0.1:{free_port()}"
    owner = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "nlu", "serve"],
        cwd=ROOT,
        env={**os.environ, "NLU_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180
        while not is_ready(url, token=token) and time.monotonic() < deadline:
            assert owner.poll() is None
            time.sleep(1)
        [rasa] = [int(pid) for pid in _children(owner.pid)]
        owner.send_signal(signal.SIGKILL)
        owner.wait()
        for _ in range(150):
            state = process_state(rasa)
            if state is None or state.zombie:
                break
            time.sleep(0.2)
        else:
            os.kill(rasa, signal.SIGKILL)
            pytest.fail("the Rasa server was still running 30 s after its owner was killed")
        assert not is_ready(url, token=token, timeout=2)
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()


def _children(pid: int) -> list[str]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return found.stdout.split()
