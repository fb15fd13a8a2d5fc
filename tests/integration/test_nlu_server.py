"""`courier-aid nlu serve` starts the real server, and SIGTERM stops it with its child."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nlu.server import is_ready
from tests.helpers.services import free_port

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_serve_answers_and_sigterm_stops_the_server(nlu_url: str) -> None:
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
        while not is_ready(url) and time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            time.sleep(1)
        assert is_ready(url)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 143
        assert not is_ready(url, timeout=2)
    finally:
        if process.poll() is None:
            process.kill()


def test_eval_without_a_server_starts_one_for_the_run(nlu_url: str, tmp_path: Path) -> None:
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
    assert "offline matcher" not in done.stderr  # every text went to the model
    assert '"answer_items": 2' in done.stdout
    assert not is_ready(url, timeout=2)  # stopped with the run
